import { escapeText } from '../util/escape.js';
/** Byte constants and tiny helpers shared by the MSRP framing code. */
export const LF = 0x0a;
export const CR = 0x0d;
export const SP = 0x20;
export const DASH = 0x2d;

export const CR_BUF: Buffer = Buffer.from([CR]);
export const LF_BUF: Buffer = Buffer.from([LF]);
/** `MSRP ` — what every start-line begins with. */
export const MSRP_SP: Buffer = Buffer.from('MSRP ', 'latin1');
export const SEVEN_DASHES = '-------';

/** True when buf[from..to) equals the first (to - from) bytes of `prefix`. */
export function isPrefixOf(buf: Buffer, from: number, to: number, prefix: Buffer): boolean {
  return to - from <= prefix.length && sameBytes(buf, from, prefix, 0, to - from);
}

/**
 * buf[at..at+len) equals other[otherAt..otherAt+len) (caller checks bounds of buf). A plain loop: for
 * the short runs compared here (start-line prefix, end-line pattern) it beats a native call.
 */
export function sameBytes(buf: Buffer, at: number, other: Buffer, otherAt: number, len: number): boolean {
  for (let j = 0; j < len; j++) if (buf[at + j] !== other[otherAt + j]) return false;
  return true;
}

/** Index one past the line content: `lf` or `lf - 1` when a CR precedes the LF (not before `start`). */
export function contentEnd(buf: Buffer, start: number, lf: number): number {
  return lf > start && buf[lf - 1] === CR ? lf - 1 : lf;
}

/** Printable, single-line rendering of untrusted bytes for diagnostics (control characters escaped). */
export function printable(text: string, max = 80): string {
  return escapeText(text.length > max ? text.slice(0, max) + '…' : text);
}
