/**
 * Lines → blessed markup. Every segment's text is escaped again here (control characters and bidi
 * overrides become visible escapes; `{` and `}` become blessed's `{open}` / `{close}`), so text from a
 * capture can neither reach the terminal raw nor be read as a blessed tag. Styles are the only tags.
 */
import { escapeText } from '../../util/escape.js';
import { fitLine, type Line, type Style } from '../../format/line.js';

const TAGS: Record<Style, [string, string]> = {
  fail: ['{red-fg}', '{/red-fg}'],
  ok: ['{green-fg}', '{/green-fg}'],
  warn: ['{yellow-fg}', '{/yellow-fg}'],
  dim: ['{gray-fg}', '{/gray-fg}'],
  head: ['{bold}', '{/bold}'],
  sip: ['{magenta-fg}', '{/magenta-fg}'],
  key: ['{bold}{yellow-fg}', '{/yellow-fg}{/bold}'],
  accent: ['{cyan-fg}', '{/cyan-fg}'],
};

/** Text safe inside blessed content with `tags: true`. */
export function tagSafe(text: string): string {
  return escapeText(text).replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}

/** One screen line: cut to `width` cells; the selected line is padded and drawn inverse. */
export function lineMarkup(l: Line, width: number, selected = false): string {
  const fitted = fitLine(l, width, selected);
  let out = '';
  for (const s of fitted) {
    const t = tagSafe(s.text);
    if (s.style === undefined) out += t;
    else {
      const [open, close] = TAGS[s.style];
      out += `${open}${t}${close}`;
    }
  }
  return selected ? `{inverse}${out}{/inverse}` : out;
}
