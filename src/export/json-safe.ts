// Characters JSON.stringify leaves raw although a terminal acts on them: DEL, C1 controls, and Unicode
// bidi/format controls. They can only occur inside JSON strings, where \uXXXX is the same value.
// eslint-disable-next-line no-control-regex
const TERMINAL_UNSAFE = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

/** JSON text with every terminal-unsafe character written as a `\uXXXX` escape (same data once parsed). */
export function terminalSafeJson(json: string): string {
  return json.replace(TERMINAL_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
