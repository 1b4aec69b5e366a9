/** Message bodies as screen text: escaped text split at line ends, or a hex dump for binary content. */
import { isTextualType } from '../model/body-preview.js';
import { escapeText } from '../util/escape.js';
import type { JsonMessage } from '../export/json-types.js';
import { bodyAccount, bodyRestLines } from './chunks.js';
import { hexDump } from './hexdump.js';

/** Whether a body reads as text is the model's decision (model/body-preview.ts); this file only lays it out. */
export { isTextualType as isTextual } from '../model/body-preview.js';

/** Text split into lines after each line end; every control character is shown escaped (`\r`, `\x1b`). */
export function escapedTextLines(text: string, maxLines = 60): string[] {
  const out: string[] = [];
  // Break after "\n" so each line shows its own line end escaped.
  const parts = text.split('\n');
  parts.forEach((p, i) => {
    const last = i === parts.length - 1;
    if (last && p === '') return;
    out.push(escapeText(last ? p : `${p}\n`));
  });
  if (out.length > maxLines) return [...out.slice(0, maxLines), `… ${out.length - maxLines} more lines`];
  return out;
}

/**
 * The exporter's preview is already escaped (`\r\n` appears as the four characters `\r\n`): split it after
 * each escaped line feed so it reads as lines, keeping the escapes visible.
 */
export function previewLines(preview: string, maxLines = 60): string[] {
  const safe = escapeText(preview);
  const out: string[] = [];
  let from = 0;
  for (;;) {
    const i = safe.indexOf('\\n', from);
    if (i < 0) break;
    out.push(safe.slice(from, i + 2));
    from = i + 2;
  }
  if (from < safe.length) out.push(safe.slice(from));
  if (out.length > maxLines) return [...out.slice(0, maxLines), `… ${out.length - maxLines} more lines`];
  return out;
}

/** Body lines from the bytes the model kept (text or hex dump), or from the document's preview. */
export function bodyLines(m: JsonMessage, bytes: Uint8Array | null | undefined, maxLines = 60, maxHexBytes = 256): { lines: string[]; hex: boolean } {
  const type = m.contentType;
  if (bytes !== null && bytes !== undefined && bytes.length > 0) {
    if (isTextualType(type) || (type === null && m.preview !== null)) {
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      const lines = escapedTextLines(text, maxLines);
      lines.push(...bodyRestLines(m, bytes.length, bytes.length));
      return { lines, hex: false };
    }
    const shown = Math.min(bytes.length, maxHexBytes);
    const lines = hexDump(bytes.subarray(0, shown), shown);
    lines.push(...bodyRestLines(m, bytes.length, shown));
    return { lines, hex: true };
  }
  if (m.preview !== null) {
    const lines = previewLines(m.preview, maxLines);
    if (m.previewTruncated) lines.push('… (preview cut)');
    return { lines, hex: false };
  }
  const what = `${type ?? 'untyped'} content`;
  const partial = m.size !== null && m.size > m.bytesSeen;
  const lines = [partial ? `(${m.bytesSeen} of ${m.size} bytes of ${what} on the wire; no text preview)` : `(${m.size ?? m.bytesSeen} bytes of ${what}; no text preview)`];
  const a = bodyAccount(m, 0);
  if (a.neverSent > 0) lines.push(`… ${a.neverSent} bytes never sent (aborted by the sender)`);
  if (a.notCaptured > 0) lines.push(`… ${a.notCaptured} bytes not in the capture`);
  return { lines, hex: false };
}
