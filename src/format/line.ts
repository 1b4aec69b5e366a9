/**
 * What the formatters (src/format) produce: lines of styled segments. Segment text is plain, already escaped text (never
 * markup); the renderer decides what a style looks like and escapes again before anything is drawn.
 */
import { escapeText } from '../util/escape.js';
import { displayWidth, truncate } from './text-width.js';

export type Style = 'fail' | 'ok' | 'warn' | 'dim' | 'head' | 'sip' | 'key' | 'accent';

export interface Seg {
  text: string;
  style?: Style;
}

export type Line = Seg[];

/** A segment of document text: escaped here, so no capture byte can reach a terminal as-is. */
export function seg(text: string, style?: Style): Seg {
  const t = escapeText(text);
  return style === undefined ? { text: t } : { text: t, style };
}

/** Styled characters joined into a line: neighbours of one style become one segment. */
export function cellsToLine(cells: ReadonlyArray<{ ch: string; style: Style | undefined }>): Line {
  const out: Line = [];
  for (const c of cells) {
    const last = out[out.length - 1];
    if (last !== undefined && last.style === c.style) last.text += c.ch;
    else out.push(c.style === undefined ? { text: c.ch } : { text: c.ch, style: c.style });
  }
  return out;
}

export function line(text: string, style?: Style): Line {
  return [seg(text, style)];
}

/** The plain text of a line (what a test or a filter looks at). */
export function lineText(l: Line): string {
  let s = '';
  for (const x of l) s += x.text;
  return s;
}

/** Cuts a line to `width` cells (ending with `…` when cut), keeping styles; pads with spaces when `pad`. */
export function fitLine(l: Line, width: number, pad = false): Line {
  let total = 0;
  for (const x of l) total += displayWidth(x.text);
  let out: Line = l;
  let used = total;
  if (total > width) {
    out = [];
    used = 0;
    for (const s of l) {
      const w = displayWidth(s.text);
      if (used + w <= width - 1) {
        out.push(s);
        used += w;
        continue;
      }
      // Something after this point is cut, so the line must end with the ellipsis.
      const cut = truncate(`${s.text} `, width - used);
      if (cut.length > 0) out.push(s.style === undefined ? { text: cut } : { text: cut, style: s.style });
      used += displayWidth(cut);
      break;
    }
  }
  if (pad && used < width) out = [...out, { text: ' '.repeat(width - used) }];
  return out;
}
