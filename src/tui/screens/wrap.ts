/** Wrapping styled lines to the screen width (detail, raw and help text). */
import { cellsToLine, type Line, type Style } from '../../format/line.js';
import { clusters } from '../../format/text-width.js';

interface Cell {
  ch: string;
  style: Style | undefined;
  w: number;
}

/**
 * Splits a line into lines of at most `width` cells, at a space when one is in the second half of the
 * line, else anywhere (hex, hashes, URIs). Continuation lines start with `indent` spaces.
 */
export function wrapLine(l: Line, width: number, indent = 4): Line[] {
  if (width <= indent + 1) indent = 0;
  const cells: Cell[] = [];
  for (const s of l) for (const c of clusters(s.text)) cells.push({ ch: c.text, style: s.style, w: c.width });
  const out: Line[] = [];
  const pad: Cell[] = indent > 0 ? [{ ch: ' '.repeat(indent), style: undefined, w: indent }] : [];
  let start = 0;
  let first = true;
  while (start < cells.length || first) {
    const room = first ? width : width - indent;
    let used = 0;
    let end = start;
    while (end < cells.length && used + (cells[end]?.w ?? 0) <= room) used += cells[end++]?.w ?? 0;
    if (end === start && end < cells.length) end++;
    if (end < cells.length) {
      // Prefer breaking after a space in the second half of the line.
      for (let i = end - 1; i > start + Math.floor(room / 2); i--) {
        if (cells[i]?.ch === ' ') {
          end = i + 1;
          break;
        }
      }
    }
    out.push(cellsToLine(first ? cells.slice(start, end) : [...pad, ...cells.slice(start, end)]));
    start = end;
    first = false;
  }
  return out;
}

export function wrapLines(lines: readonly Line[], width: number): Line[] {
  const out: Line[] = [];
  for (const l of lines) out.push(...wrapLine(l, width));
  return out;
}
