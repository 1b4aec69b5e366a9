import { UNSAFE_ABOVE_C0 } from '../util/escape.js';

/**
 * JSON text with every terminal-unsafe character JSON.stringify leaves raw (DEL, C1, bidi and format controls)
 * written as a `\uXXXX` escape. They can only occur inside JSON strings, where the escape is the same value.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(UNSAFE_ABOVE_C0, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
