/** `capture` (the files read) and `summary` (the counts) of the document. */
import type { Static } from '@sinclair/typebox';
import { isoTime } from './common.js';
import { bool, closed, count, countMap, enumOf, nullable, num, strings } from './declare.js';

export const Capture = closed({
  files: strings(),
  format: enumOf(['pcap', 'pcapng', null]),
  compressed: bool(),
  linkTypes: strings(),
  packets: count(),
  bytes: count(),
  first: nullable(isoTime),
  last: nullable(isoTime),
  firstEpoch: nullable(num()),
  lastEpoch: nullable(num()),
  truncated: bool(),
});
export type JsonCapture = Static<typeof Capture>;

export const Summary = closed({
  connections: closed({ total: count(), msrp: count(), tls: count(), websocket: count() }),
  requests: countMap('Complete requests by method (end-line seen), every wire occurrence.'),
  responses: countMap('Complete responses by status code.', '^\\d{3}$'),
  truncated: closed(
    { requests: countMap(), responses: countMap(), messages: count() },
    'Requests and responses cut by a gap or the end of the capture (not counted above), and messages seen only in such frames (not in messages[]).',
  ),
  messages: closed({ total: count(), complete: count(), aborted: count(), incomplete: count() }),
  sessions: count(),
  sipDialogs: count(),
  bytesSkipped: count(),
  diagnostics: countMap(),
  transactions: closed({ total: count(), answered: count(), unanswered: count(), noResponseExpected: count(), orphanResponses: count() }),
  delivery: closed({ delivered: count(), failed: count(), unknown: count() }),
  auth: count(),
});
export type JsonSummary = Static<typeof Summary>;
