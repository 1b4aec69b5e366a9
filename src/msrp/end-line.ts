import { CR, LF, sameBytes } from './bytes.js';
import type { EndFlag } from './types.js';

/** The pattern searched for in bodies: LF, seven dashes, the transaction id. */
export function endPattern(transactionId: string): Buffer {
  return Buffer.from('\n-------' + transactionId, 'latin1');
}

export function isFlag(c: number | undefined): c is 0x24 | 0x2b | 0x23 {
  return c === 0x24 /* $ */ || c === 0x2b /* + */ || c === 0x23 /* # */;
}

export function flagOf(c: number): EndFlag {
  return c === 0x24 ? '$' : c === 0x2b ? '+' : '#';
}

/** Result of matching an end-line at an LF: not one, not decidable yet, or its length from the LF. */
export const NO_MATCH = -1;
export const UNDECIDED = 0;

/**
 * Tests whether buf[k..] (buf[k] is the LF before the dashes) is `\n-------txid FLAG (CRLF | LF)`.
 * Returns NO_MATCH, UNDECIDED (buffer ends before the answer is known) or the byte length of the match
 * counted from k (pattern + flag + line end). With `from` = 1, buf[k] is matched against pattern[1]
 * (the LF before it is known to be there already).
 */
export function matchEndLine(buf: Buffer, k: number, pattern: Buffer, from = 0): number {
  const n = buf.length;
  const L = pattern.length - from;
  const avail = n - k;
  if (avail < L) return sameBytes(buf, k, pattern, from, avail) ? UNDECIDED : NO_MATCH;
  if (!sameBytes(buf, k, pattern, from, L)) return NO_MATCH;
  if (avail === L) return UNDECIDED;
  if (!isFlag(buf[k + L])) return NO_MATCH;
  if (avail === L + 1) return UNDECIDED;
  const c = buf[k + L + 1];
  if (c === LF) return L + 2;
  if (c !== CR) return NO_MATCH;
  if (avail === L + 2) return UNDECIDED;
  return buf[k + L + 2] === LF ? L + 3 : NO_MATCH;
}

/**
 * Parses a whole line content (no line terminator) as an end-line for `transactionId`:
 * `-------txid FLAG`. Returns the flag byte or -1.
 */
export function endLineFlag(buf: Buffer, start: number, end: number, transactionId: string): number {
  const len = end - start;
  if (len !== 8 + transactionId.length) return -1;
  for (let i = 0; i < 7; i++) if (buf[start + i] !== 0x2d) return -1;
  for (let i = 0; i < transactionId.length; i++) {
    if (buf[start + 7 + i] !== transactionId.charCodeAt(i)) return -1;
  }
  const f = buf[end - 1];
  return isFlag(f) ? f : -1;
}
