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
