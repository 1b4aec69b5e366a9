import { UNSAFE_ABOVE_C0 } from '../util/escape.js';

/**
 * JSON text with every terminal-unsafe character JSON.stringify leaves raw (DEL, C1, bidi and format controls)
 * written as a `\uXXXX` escape. They can only occur inside JSON strings, where the escape is the same value.
 * Text that is all ASCII below DEL (most of a document: its UTF-8 length equals its length, and it has no DEL)
 * is returned as it is after two native scans, without running the regular expression over it.
 */
export function terminalSafeJson(json: string): string {
  if (Buffer.byteLength(json, 'utf8') === json.length && !json.includes('\x7f')) return json;
  return json.replace(UNSAFE_ABOVE_C0, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The first byte of the UTF-8 form of every character terminalSafeJson escapes. */
const LEADS = [0x7f, 0xc2, 0xd8, 0xe2, 0xef] as const;

/** Whether the UTF-8 character at bytes[i] (a LEADS byte) is one terminalSafeJson escapes. */
function unsafeAt(bytes: Uint8Array, i: number): boolean {
  const b0 = bytes[i];
  if (b0 === 0x7f) return true; // DEL
  const b1 = bytes[i + 1] ?? 0;
  const b2 = bytes[i + 2] ?? 0;
  if (b0 === 0xc2) return b1 >= 0x80 && b1 <= 0x9f; // U+0080-009F
  if (b0 === 0xd8) return b1 === 0x9c; // U+061C
  if (b0 === 0xe2) {
    if (b1 === 0x80) return (b2 >= 0x8b && b2 <= 0x8f) || (b2 >= 0xa8 && b2 <= 0xae); // U+200B-200F, U+2028-202E
    return b1 === 0x81 && b2 >= 0xa0 && b2 <= 0xa9; // U+2060-2069
  }
  if (b0 === 0xef) return (b1 === 0xbb && b2 === 0xbf) || (b1 === 0xbf && b2 >= 0xb9 && b2 <= 0xbb); // U+FEFF, U+FFF9-FFFB
  return false;
}

/**
 * Whether `utf8`, the UTF-8 form of a text `units` UTF-16 units long, holds a character terminalSafeJson would
 * escape: a check of bytes already encoded for writing, by native searches for the few first bytes those
 * characters have, instead of measuring the text's UTF-8 length and running a regular expression over it
 * (on the 696 MB JSON document of a 200 MB chat capture, mostly non-ASCII, the two took about 1 s).
 */
export function needsTerminalEscape(utf8: Uint8Array, units: number): boolean {
  const b = Buffer.isBuffer(utf8) ? utf8 : Buffer.from(utf8.buffer, utf8.byteOffset, utf8.byteLength);
  // As many bytes as units: all ASCII, where only DEL is unsafe.
  if (b.length === units) return b.indexOf(0x7f) !== -1;
  for (const lead of LEADS) {
    for (let i = b.indexOf(lead); i !== -1; i = b.indexOf(lead, i + 1)) if (unsafeAt(b, i)) return true;
  }
  return false;
}

/**
 * Writes the UTF-8 form of terminalSafeJson(json) into `into` from offset 0 and returns its length, or -1 when
 * it does not fit (`into` should hold 3 bytes per unit of `json`: then the text as it is always fits).
 */
export function encodeTerminalSafeJson(json: string, into: Buffer): number {
  if (json.length * 3 > into.length) return -1;
  const n = into.write(json, 0, 'utf8');
  if (!needsTerminalEscape(into.subarray(0, n), json.length)) return n;
  const safe = terminalSafeJson(json);
  if (safe.length * 3 > into.length) return -1;
  return into.write(safe, 0, 'utf8');
}
