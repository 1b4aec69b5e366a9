import { SP } from './bytes.js';
import { METHODS } from './intern.js';
import { TXID_MAX, TXID_MIN } from './limits.js';

/** A start-line as parsed from `MSRP SP transact-id SP (method | 3DIGIT [SP comment])`. */
export interface StartLine {
  kind: 'request' | 'response';
  transactionId: string;
  method: string | undefined;
  status: number | undefined;
  comment: string;
}

/** Why a line that begins with `MSRP ` is not a start-line (a diagnostic code of MSRP_CODES). */
export type StartLineError = 'invalid-transaction-id' | 'invalid-status-code' | 'invalid-start-line';

// Character classes as 128-entry lookup tables (ASCII only; anything >= 0x80 is outside every class).
const TXID_CHAR = new Uint8Array(128);
const UPALPHA = new Uint8Array(128);
const DIGIT = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9.\-+%=]/.test(ch)) TXID_CHAR[c] = 1;
  if (/[A-Z]/.test(ch)) UPALPHA[c] = 1;
  if (/[0-9]/.test(ch)) DIGIT[c] = 1;
}

/** True when `s` is a syntactically valid transaction id (4..32 of ALPHANUM / `.-+%=`). */
export function isValidTransactionId(s: string): boolean {
  if (s.length < TXID_MIN || s.length > TXID_MAX) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TXID_CHAR[c] === 0) return false;
  }
  return true;
}

/**
 * Parses buf[start..end) (the line content without its CRLF/LF). The caller has checked that it begins
 * with `MSRP `. Returns the start-line or an error code; never throws.
 */
export function parseStartLine(buf: Buffer, start: number, end: number): StartLine | StartLineError {
  let i = start + 5;
  const idStart = i;
  while (i < end && i - idStart <= TXID_MAX) {
    const c = buf[i]!;
    if (c === SP) break;
    if (c >= 128 || TXID_CHAR[c] === 0) return 'invalid-transaction-id';
    i++;
  }
  const idLen = i - idStart;
  if (idLen < TXID_MIN || idLen > TXID_MAX || i >= end) {
    return idLen >= TXID_MIN && idLen <= TXID_MAX ? 'invalid-start-line' : 'invalid-transaction-id';
  }
  const transactionId = buf.toString('latin1', idStart, i);
  i++; // SP
  const wordStart = i;
  if (wordStart >= end) return 'invalid-start-line';
  const first = buf[wordStart]!;
  if (first < 128 && DIGIT[first] === 1) {
    // 3DIGIT [SP comment]
    if (end - wordStart < 3) return 'invalid-status-code';
    for (let k = 0; k < 3; k++) {
      const c = buf[wordStart + k]!;
      if (c >= 128 || DIGIT[c] === 0) return 'invalid-status-code';
    }
    const after = wordStart + 3;
    if (after < end && buf[after] !== SP) return 'invalid-status-code';
    const status = (buf[wordStart]! - 48) * 100 + (buf[wordStart + 1]! - 48) * 10 + (buf[wordStart + 2]! - 48);
    const comment = after < end ? buf.toString('utf8', after + 1, end) : '';
    return { kind: 'response', transactionId, method: undefined, status, comment };
  }
  while (i < end) {
    const c = buf[i]!;
    if (c >= 128 || UPALPHA[c] === 0) return 'invalid-start-line';
    i++;
  }
  return { kind: 'request', transactionId, method: METHODS.get(buf, wordStart, end), status: undefined, comment: '' };
}
