/**
 * Makes text from a capture safe for a terminal or a log line: C0 and C1 control characters, DEL, and
 * Unicode bidi/format controls become visible escapes (`\x1b`, `\u202e`), so no byte from a capture can
 * move the cursor, change colours, set the window title or reorder the text around it.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

/** The unsafe characters above C0: what JSON.stringify leaves raw although a terminal acts on them. */
// eslint-disable-next-line no-control-regex
export const UNSAFE_ABOVE_C0 = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g;

export function escapeText(s: string, keepNewlines = false): string {
  return s.replace(UNSAFE, (c) => {
    if (keepNewlines && c === '\n') return c;
    const code = c.charCodeAt(0);
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
