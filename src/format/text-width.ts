/**
 * Display width of terminal text, and fitting text into a number of cells, measured with blessed's own
 * `unicode.strWidth`: the number of cells blessed (with `fullUnicode`) puts a string in, so a padded
 * column lines up in what blessed draws. Text is cut only between grapheme clusters, never inside a
 * surrogate pair, a base with its combining marks, an emoji with its modifier or a ZWJ sequence.
 * The text reaching these functions is already escaped (no control characters).
 */
import { createRequire } from 'node:module';

/**
 * The part of blessed's lib/unicode.js used here. It is loaded alone (about 2 ms; all of blessed takes
 * about 35 ms), so the formatters stay free of the terminal library.
 */
interface BlessedUnicode {
  charWidth(s: string | number, i?: number): number;
  strWidth(s: string): number;
}

const unicode = createRequire(import.meta.url)('blessed/lib/unicode.js') as BlessedUnicode;

/** Printable ASCII: one cell per character, one character per cluster (the common case, kept fast). */
const ASCII = /^[\x20-\x7e]*$/;

/** Made at the first text that is not printable ASCII: loading ICU's break rules takes about 8 ms of a start. */
let segmenter: Intl.Segmenter | undefined;

/** One grapheme cluster and the cells blessed draws it in. */
export interface Cluster {
  text: string;
  width: number;
}

/** Cells one code point takes (blessed's `unicode.charWidth`). */
export function charWidth(cp: number): number {
  return unicode.charWidth(cp);
}

/**
 * blessed's width of each code point of the Basic Multilingual Plane, plus one (0: not asked yet). Ladder and list
 * lines are mostly box drawing, arrows and marks: asking blessed per character took 1.4 s of a 10 s `--ladder`.
 */
const BMP_WIDTH = new Uint8Array(0x10000);

/** Cells a string takes on the terminal (blessed's `unicode.strWidth`). */
export function displayWidth(s: string): number {
  if (ASCII.test(s)) return s.length;
  let w = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Surrogates (pairs, or lone) and tabs: blessed's own walk, which pairs and expands them.
    if ((c >= 0xd800 && c <= 0xdfff) || c === 0x09) return unicode.strWidth(s);
    let k = BMP_WIDTH[c] as number;
    if (k === 0) {
      k = unicode.charWidth(c) + 1;
      BMP_WIDTH[c] = k;
    }
    w += k - 1;
  }
  return w;
}

/** The grapheme clusters of `s` with their widths: the units text is cut and wrapped at. */
export function clusters(s: string): Cluster[] {
  const out: Cluster[] = [];
  if (ASCII.test(s)) {
    for (const ch of s) out.push({ text: ch, width: 1 });
    return out;
  }
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of segmenter.segment(s)) out.push({ text: segment, width: unicode.strWidth(segment) });
  return out;
}

/** Cuts `s` to at most `width` cells, ending with `…` when something was cut. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(s) <= width) return s;
  let out = '';
  let used = 0;
  for (const c of clusters(s)) {
    if (used + c.width > width - 1) break;
    out += c.text;
    used += c.width;
  }
  return `${out}…`;
}

/** Shortens in the middle (ids and URIs differ at both ends). */
export function truncateMiddle(s: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(s) <= width) return s;
  if (width <= 2) return truncate(s, width);
  const parts = clusters(s);
  const keep = width - 1;
  const headCells = Math.ceil(keep / 2);
  let head = '';
  let used = 0;
  let i = 0;
  for (; i < parts.length; i++) {
    const c = parts[i];
    if (c === undefined || used + c.width > headCells) break;
    head += c.text;
    used += c.width;
  }
  let tail = '';
  let tailUsed = 0;
  for (let j = parts.length - 1; j >= i; j--) {
    const c = parts[j];
    if (c === undefined || used + tailUsed + c.width > keep) break;
    tail = c.text + tail;
    tailUsed += c.width;
  }
  return `${head}…${tail}`;
}

/** Pads (or cuts) to exactly `width` cells. */
export function fit(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const t = truncate(s, width);
  const fill = ' '.repeat(Math.max(0, width - displayWidth(t)));
  return align === 'right' ? fill + t : t + fill;
}

/**
 * Splits text into lines of at most `width` cells (hard wrap; continuation lines get `indent`). A cluster
 * wider than a whole line is not split: it gets a line of its own.
 */
export function wrap(s: string, width: number, indent = ''): string[] {
  if (width <= 0) return [''];
  const out: string[] = [];
  let line = '';
  let used = 0;
  const indentW = displayWidth(indent);
  for (const c of clusters(s)) {
    if (used + c.width > width && used > 0) {
      out.push(line);
      line = indent;
      used = indentW;
      if (used + c.width > width) {
        line = '';
        used = 0;
      }
    }
    line += c.text;
    used += c.width;
  }
  out.push(line);
  return out;
}
