import type { DiagnosticCode } from '../util/diagnostics.js';

/** Diagnostics the model raises while correlating (documented in the README's table). */
export const MODEL_CODES: readonly DiagnosticCode[] = [
  { code: 'response-to-report', severity: 'warning', meaning: 'a response was sent to a REPORT, which never gets one (RFC 4975 §7.1.2), within 30 s of it' },
  { code: 'unexpected-response', severity: 'note', meaning: 'a response to a SEND whose Failure-Report (no, or partial for a 200) asked for none' },
  { code: 'response-without-request', severity: 'note', meaning: 'a response whose request was not seen on this connection (capture started late, or a gap), or that came 30 s or more after a request that expects none' },
  { code: 'duplicate-response', severity: 'warning', meaning: 'a second response for one transaction' },
  { code: 'no-response', severity: 'warning', meaning: 'a request that expects a response got none before the capture ended' },
  { code: 'duplicate-transaction-id', severity: 'warning', meaning: 'a request reused the transaction id of a request still waiting for its response' },
  { code: 'report-without-message', severity: 'note', meaning: 'a REPORT for a message whose chunks were not seen' },
  { code: 'message-after-fold', severity: 'note', meaning: 'a chunk, REPORT or response for a message already folded (--summary, --ndjson and --json on long captures: into counts, or into records written ahead); it is not applied' },
  { code: 'inconsistent-total', severity: 'warning', meaning: 'chunks of one message disagree on the Byte-Range total' },
  { code: 'range-overflow', severity: 'warning', meaning: 'a message arrived in too many disjoint pieces; its coverage is under-reported' },
  { code: 'file-mismatch', severity: 'warning', meaning: 'a transferred file differs from its SDP file-selector (size or hash)' },
];

export const MODEL_CODE_SEVERITY = new Map(MODEL_CODES.map((c) => [c.code, c.severity]));
