/** `sessions[]`: one MSRP session (a pair of endpoint URIs) across its connections. */
import type { Static } from '@sinclair/typebox';
import { FileSelector, Time } from './common.js';
import { closed, count, countMap, counts, def, nullable, num, pairOf, str, strings } from './declare.js';

export const Uri = def('uri', closed({ uri: str(), sessionId: nullable(str()) }));
export type JsonUri = Static<typeof Uri.schema>;

export const Session = def(
  'session',
  closed({
    id: count(),
    endpoints: pairOf(Uri.ref),
    relays: strings(),
    connections: counts(),
    requests: countMap(),
    messages: count(),
    bytes: count('Distinct message body bytes seen (each message counted once).'),
    wireBytes: count('Body bytes of SEND chunks on every leg.'),
    first: Time.ref,
    last: Time.ref,
    durationMs: num(),
    sip: nullable(closed({ dialog: count(), callId: str() })),
    fileSelector: nullable(FileSelector.ref),
  }),
);
export type JsonSession = Static<typeof Session.schema>;
