import type { DiagnosticCode } from '../util/diagnostics.js';

/** Stable diagnostic codes emitted by the capture reader. */
export const CAPTURE_CORRUPT_RECORD = 'capture-corrupt-record';
export const CAPTURE_TRUNCATED = 'capture-truncated';
export const CAPTURE_GZIP_CORRUPT = 'capture-gzip-corrupt';

export const CAPTURE_CODES: DiagnosticCode[] = [
  {
    code: CAPTURE_CORRUPT_RECORD,
    severity: 'error',
    meaning:
      'impossible record or block (length, byte-order magic, interface id); reading stops there, earlier records are kept',
  },
  {
    code: CAPTURE_TRUNCATED,
    severity: 'warning',
    meaning: 'the capture ends inside a record or block (or its gzip stream is cut short); earlier records are kept',
  },
  {
    code: CAPTURE_GZIP_CORRUPT,
    severity: 'error',
    meaning: 'the gzip stream is damaged (not merely cut short); reading stops there, earlier records are kept',
  },
];
