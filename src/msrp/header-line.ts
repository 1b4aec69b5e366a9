import { HEADER_NAMES } from './intern.js';
import type { RawHeader } from './types.js';

// RFC 7230 tchar as a lookup table (header names).
const TCHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if (/[A-Za-z0-9!#$%&'*+\-.^_`|~]/.test(String.fromCharCode(c))) TCHAR[c] = 1;
}

/**
 * Parses buf[start..end) (a header line without its terminator) as `name ":" [SP] value`.
 * Leading/trailing SP and HTAB of the value are trimmed. Returns undefined when the line has no colon
 * or the name is empty or not a token.
 */
export function parseHeaderLine(buf: Buffer, start: number, end: number): RawHeader | undefined {
  const colon = buf.indexOf(0x3a, start);
  if (colon === -1 || colon >= end || colon === start) return undefined;
  for (let i = start; i < colon; i++) {
    const c = buf[i]!;
    if (c >= 128 || TCHAR[c] === 0) return undefined;
  }
  let vs = colon + 1;
  let ve = end;
  while (vs < ve && (buf[vs] === 0x20 || buf[vs] === 0x09)) vs++;
  while (ve > vs && (buf[ve - 1] === 0x20 || buf[ve - 1] === 0x09)) ve--;
  return { name: HEADER_NAMES.get(buf, start, colon), value: buf.toString('utf8', vs, ve) };
}
