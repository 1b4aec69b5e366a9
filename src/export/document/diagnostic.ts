/** `diagnostics[]`: one finding about the capture (a gap, a malformed frame, a protocol violation). */
import { Type, type Static } from '@sinclair/typebox';
import { closed, count, def, enumOf, str } from './declare.js';

export const Diagnostic = def(
  'diagnostic',
  closed({
    code: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', description: 'What was found (the README lists every code).' }),
    severity: enumOf(['error', 'warning', 'note']),
    frame: count('The frame it was found in.'),
    connection: Type.Integer({ minimum: -1, description: '-1 when the finding is tied to no connection.' }),
    offset: Type.Optional(count('Byte offset in the stream, when it matters.')),
    detail: str('Words about this occurrence.'),
  }),
);
export type JsonDiagnostic = Static<typeof Diagnostic.schema>;
