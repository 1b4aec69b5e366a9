import type { Diagnostic, DiagnosticCode, Severity } from '../util/diagnostics.js';


/** Every diagnostic code the MSRP layer emits, with its severity and meaning. Codes are stable. */
export const MSRP_CODES: DiagnosticCode[] = [
  // Framing (parser)
  { code: 'resync', severity: 'warning', meaning: 'Bytes were skipped to find the next plausible start-line (count in detail).' },
  { code: 'truncated-by-gap', severity: 'warning', meaning: 'A TCP gap cut a message; it is reported truncated, without end-line flag.' },
  { code: 'truncated-at-end', severity: 'note', meaning: 'The stream ended inside a message; it is reported truncated.' },
  { code: 'missing-end-line', severity: 'warning', meaning: 'A new start-line appeared in the header block: the previous message had no end-line.' },
  { code: 'invalid-start-line', severity: 'error', meaning: 'A line starting with "MSRP " where a start-line was expected has no valid method or status.' },
  { code: 'invalid-transaction-id', severity: 'error', meaning: 'The transaction id of an expected start-line is not 4 to 32 characters of ALPHANUM and ".-+%=".' },
  { code: 'invalid-status-code', severity: 'error', meaning: 'The status code is not three digits, or lies outside 200..699.' },
  { code: 'start-line-too-long', severity: 'error', meaning: 'An expected start-line had no line end within the start-line limit.' },
  { code: 'header-line-too-long', severity: 'error', meaning: 'A header line exceeded the header-line limit; the message was abandoned.' },
  { code: 'headers-too-long', severity: 'error', meaning: 'A header block exceeded the header-block limit; the message was abandoned.' },
  { code: 'malformed-header-line', severity: 'warning', meaning: 'A line of the header block is not "name: value"; it was ignored.' },
  { code: 'lf-only-line-endings', severity: 'warning', meaning: 'Lines end in LF without CR (tolerated; reported once per direction, each frame has lfOnly).' },
  // Conformance (checkConformance)
  { code: 'to-path-not-first', severity: 'warning', meaning: 'To-Path is not the first header.' },
  { code: 'from-path-not-second', severity: 'warning', meaning: 'From-Path is not the second header.' },
  { code: 'missing-to-path', severity: 'error', meaning: 'The message has no To-Path header.' },
  { code: 'missing-from-path', severity: 'error', meaning: 'The message has no From-Path header.' },
  { code: 'content-type-not-last', severity: 'warning', meaning: 'A message with a body has a header after Content-Type.' },
  { code: 'body-without-content-type', severity: 'warning', meaning: 'A message with a non-empty body has no Content-Type header.' },
  { code: 'response-with-body', severity: 'warning', meaning: 'A response carries a body, which RFC 4975 does not allow.' },
  { code: 'send-without-message-id', severity: 'error', meaning: 'A SEND request has no Message-ID header.' },
  { code: 'send-without-byte-range', severity: 'note', meaning: 'A SEND request has no Byte-Range header (allowed for unchunked messages).' },
  { code: 'report-without-status', severity: 'error', meaning: 'A REPORT request has no Status header.' },
  { code: 'byte-range-invalid', severity: 'error', meaning: 'Byte-Range is not "start-end/total" with start >= 1 and end >= start - 1.' },
  { code: 'byte-range-length-mismatch', severity: 'warning', meaning: 'Body length differs from end - start + 1 of Byte-Range (shorter is allowed for a "#" chunk).' },
  { code: 'byte-range-total-mismatch', severity: 'warning', meaning: 'Byte-Range goes past its total, or a "$" chunk ends before the total.' },
  { code: 'unknown-method', severity: 'note', meaning: 'The request method is none of SEND, REPORT, AUTH, NICKNAME.' },
  { code: 'duplicate-header', severity: 'warning', meaning: 'A header that may appear once appears several times; the first is used.' },
  { code: 'invalid-uri', severity: 'error', meaning: 'A To-Path, From-Path or Use-Path entry is not a valid MSRP URI.' },
  { code: 'invalid-failure-report', severity: 'warning', meaning: 'Failure-Report is not yes, no or partial.' },
  { code: 'invalid-success-report', severity: 'warning', meaning: 'Success-Report is not yes or no.' },
  { code: 'invalid-header-value', severity: 'warning', meaning: 'A typed header (Message-ID, Status, Content-Type, Expires ...) does not parse.' },
  { code: 'status-on-non-report', severity: 'warning', meaning: 'A Status header appears on something other than a REPORT request.' },
];

const SEVERITY = new Map<string, Severity>(MSRP_CODES.map((c) => [c.code, c.severity]));

/** Severity of an MSRP code ('warning' for a code missing from the table, which tests forbid). */
export function severityOf(code: string): Severity {
  return SEVERITY.get(code) ?? 'warning';
}

/** Builds a diagnostic of this layer with the table's severity. */
export function msrpDiagnostic(code: string, connection: number, frame: number, offset: number | undefined, detail: string): Diagnostic {
  const d: Diagnostic = { code, severity: severityOf(code), frame, connection, detail };
  if (offset !== undefined) d.offset = offset;
  return d;
}
