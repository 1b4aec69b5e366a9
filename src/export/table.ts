import { escapeText } from '../util/escape.js';

export interface Column {
  title: string;
  align?: 'left' | 'right';
  /** Columns that may shrink (ids, URIs) are shortened in the middle when the table is too wide. */
  flexible?: boolean;
  /** Smallest width a flexible column is shrunk to. */
  min?: number;
}

/** Display width of a string: one cell per code point (the escaped text holds no control characters). */
export function cellWidth(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Shortens in the middle with an ellipsis, keeping both ends (ids differ at their ends). */
export function shortenMiddle(s: string, width: number): string {
  const chars = [...s];
  if (chars.length <= width) return s;
  if (width <= 1) return chars.slice(0, width).join('');
  const keep = width - 1;
  const head = Math.ceil(keep / 2);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (keep - head)).join('')}`;
}

function pad(s: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - cellWidth(s)));
  return align === 'right' ? fill + s : s + fill;
}

/**
 * Renders rows as an aligned text table that fits in `maxWidth` columns: flexible columns shrink (middle
 * ellipsis) before anything wraps. Every cell is escaped, so capture text cannot reach the terminal raw.
 */
export function renderTable(columns: Column[], rows: string[][], maxWidth: number, indent = '  '): string {
  const cells = rows.map((r) => columns.map((_, i) => escapeText(r[i] ?? '')));
  const widths = columns.map((c, i) => Math.max(cellWidth(c.title), ...cells.map((r) => cellWidth(r[i] ?? ''))));
  const sep = 2;
  const total = (): number => indent.length + widths.reduce((a, b) => a + b, 0) + sep * (columns.length - 1);
  // Shrink the widest flexible column one cell at a time until the table fits (or nothing can shrink).
  while (total() > maxWidth) {
    let best = -1;
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i];
      if (!c?.flexible) continue;
      const min = Math.max(c.min ?? 8, cellWidth(c.title));
      if ((widths[i] ?? 0) > min && (best < 0 || (widths[i] ?? 0) > (widths[best] ?? 0))) best = i;
    }
    if (best < 0) break;
    const over = total() - maxWidth;
    const min = Math.max(columns[best]?.min ?? 8, cellWidth(columns[best]?.title ?? ''));
    widths[best] = Math.max(min, (widths[best] ?? 0) - over);
  }
  const line = (r: string[]): string =>
    indent +
    columns
      .map((c, i) => pad(shortenMiddle(r[i] ?? '', widths[i] ?? 0), widths[i] ?? 0, c.align ?? 'left'))
      .join(' '.repeat(sep))
      .trimEnd();
  return [line(columns.map((c) => c.title)), ...cells.map(line)].join('\n') + '\n';
}
