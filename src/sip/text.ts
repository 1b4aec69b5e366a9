/** Small text and byte helpers of the SIP layer. */

/** C0 and C1 controls, DEL, and the Unicode bidi / invisible format controls (they reorder or hide text). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

/** A one-line, printable rendering of untrusted text for diagnostics (control characters escaped, length capped). */
export function safeText(s: string, max = 120): string {
  const cut = s.length > max ? `${s.slice(0, max)}...` : s;
  return cut.replace(CONTROL, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Joins buffers into one new buffer (a copy), `total` being the sum of their lengths. */
export function joinBuffers(parts: readonly Buffer[], total: number): Buffer {
  const out = Buffer.allocUnsafe(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** A copy of `b` that shares no memory with it. */
export function copyBuffer(b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(b.length);
  out.set(b, 0);
  return out;
}

/**
 * Splits a header value on commas that are outside double quotes and angle brackets
 * (`Via: a, b` → two values). Empty elements are dropped; elements are trimmed.
 */
export function splitCommaList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    if (quoted) {
      if (ch === 0x5c) i++; // backslash escapes the next character
      else if (ch === 0x22) quoted = false;
    } else if (ch === 0x22) quoted = true;
    else if (ch === 0x3c) angle = true;
    else if (ch === 0x3e) angle = false;
    else if (ch === 0x2c && !angle) {
      const part = value.slice(start, i).trim();
      if (part !== '') out.push(part);
      start = i + 1;
    }
  }
  const last = value.slice(start).trim();
  if (last !== '') out.push(last);
  return out;
}

/** Reads a double-quoted string starting at `s[at] === '"'`; returns the unescaped text and the index after the closing quote. */
export function readQuoted(s: string, at: number): { text: string; end: number; closed: boolean } {
  let text = '';
  let i = at + 1;
  while (i < s.length) {
    const ch = s[i] as string;
    if (ch === '\\' && i + 1 < s.length) {
      text += s[i + 1];
      i += 2;
      continue;
    }
    if (ch === '"') return { text, end: i + 1, closed: true };
    text += ch;
    i++;
  }
  return { text, end: s.length, closed: false };
}
