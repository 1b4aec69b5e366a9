/**
 * Escaping for the HTML report: the one function every capture string goes through before it becomes part of
 * the page, on the server (html.ts) and in the browser (client.ts embeds it by its source text, so it must
 * stay self-contained: no imports, no module-level names).
 */

/**
 * Text for HTML element content and quoted attribute values: `& < > " '` become character references, and
 * C0/C1 controls, DEL and Unicode bidi/format controls become visible escapes (`\x1b`, `\u202e`), as on a
 * terminal (util/escape.ts), so no capture byte can become markup, a URL, or reorder the text around it.
 */
export function escapeHtml(s: string): string {
  // eslint-disable-next-line no-control-regex
  return String(s).replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb&<>"']/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&#39;';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default: {
        const code = c.charCodeAt(0);
        return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
      }
    }
  });
}

/**
 * A value as JSON inside `<script type="application/json">`: `<`, `>`, `&` and U+2028/U+2029 as `\uXXXX`
 * escapes, so no string can close the element (`</script>`), open a comment (`<!--`) or end a line in a parser
 * that treats those separators as line ends. JSON.parse gives the same value back.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
