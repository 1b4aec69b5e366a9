/** `capture` (the files read) and `summary` (the counts) of the document. */
import type { Static } from '@sinclair/typebox';
import { isoTime } from './common.js';
import { bool, closed, count, countMap, enumOf, nullable, num, strings } from './declare.js';

export const Capture = closed({
  files: strings('Capture files in the order read (- for standard input, live:IFACE for a live capture).'),
  format: enumOf(['pcap', 'pcapng', null], 'File format of the (first) capture; null when nothing was read.'),
  compressed: bool('The capture was gzip-compressed.'),
  linkTypes: strings('Link-layer types seen (EN10MB, LINUX_SLL2 ...).'),
  packets: count('Records (frames) read.'),
  bytes: count('Captured bytes of those records.'),
  first: nullable(isoTime, 'Time of the first record.'),
  last: nullable(isoTime, 'Time of the last record.'),
  firstEpoch: nullable(num(), 'first as epoch seconds.'),
  lastEpoch: nullable(num(), 'last as epoch seconds.'),
  truncated: bool('The capture file ended inside a record or a corrupt part was skipped (exit code 3).'),
});
export type JsonCapture = Static<typeof Capture>;

export const Summary = closed({
  connections: closed(
    { total: count(), msrp: count(), tls: count(), websocket: count() },
    'TCP connections seen (like tcp.stream); those carrying MSRP, TLS records, and upgraded to WebSocket.',
  ),
  requests: countMap('Complete requests by method (end-line seen), every wire occurrence.'),
  responses: countMap('Complete responses by status code.', '^\\d{3}$'),
  truncated: closed(
    { requests: countMap(), responses: countMap(), messages: count() },
    'Requests and responses cut by a gap or the end of the capture (not counted above), and messages seen only in such frames (not in messages[]).',
  ),
  messages: closed(
    { total: count(), complete: count(), aborted: count(), incomplete: count() },
    'Distinct Message-IDs carried by SEND within a session, by state.',
  ),
  sessions: count('MSRP sessions (sessions[]).'),
  sipDialogs: count('SIP dialogs that offered MSRP (sip[]).'),
  bytesSkipped: count('Stream bytes the MSRP parser passed over while resynchronising (garbage, gaps, a start mid-message).'),
  diagnostics: countMap('Diagnostics by code.'),
  transactions: closed(
    { total: count(), answered: count(), unanswered: count(), noResponseExpected: count(), orphanResponses: count() },
    'Transactions (transactions[]) by state.',
  ),
  delivery: closed({ delivered: count(), failed: count(), unknown: count() }, 'Messages by delivery outcome (see the counting rules).'),
  auth: count('AUTH exchanges (auth[]).'),
});
export type JsonSummary = Static<typeof Summary>;
