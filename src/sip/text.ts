/** Small text helpers of the SIP layer. */
import { escapeText } from '../util/escape.js';

/** A one-line, printable rendering of untrusted text for diagnostics (control characters escaped, length capped). */
export function safeText(s: string, max = 120): string {
  return escapeText(s.length > max ? `${s.slice(0, max)}...` : s);
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
