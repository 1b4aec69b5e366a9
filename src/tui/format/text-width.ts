/**
 * Display width of terminal text, and fitting text into a number of cells. The text reaching these
 * functions is already escaped (no control characters); wide East Asian characters and emoji take two
 * cells, combining marks none, everything else one (what blessed assumes with `fullUnicode`).
 */

function isCombining(cp: number): boolean {
  return (
    (cp >= 0x0300 && cp <= 0x036f) ||
    (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x1dc0 && cp <= 0x1dff) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xfe20 && cp <= 0xfe2f)
  );
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Cells one code point takes. */
export function charWidth(cp: number): number {
  if (isCombining(cp)) return 0;
  return isWide(cp) ? 2 : 1;
}

/** Cells a string takes on the terminal. */
export function displayWidth(s: string): number {
  let n = 0;
  for (const ch of s) n += charWidth(ch.codePointAt(0) ?? 0);
  return n;
}

/** Cuts `s` to at most `width` cells, ending with `…` when something was cut. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(s) <= width) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const w = charWidth(ch.codePointAt(0) ?? 0);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

/** Shortens in the middle (ids and URIs differ at both ends). */
export function truncateMiddle(s: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...s];
  if (displayWidth(s) <= width) return s;
  if (width <= 2) return truncate(s, width);
  const keep = width - 1;
  const headCells = Math.ceil(keep / 2);
  let head = '';
  let used = 0;
  let i = 0;
  for (; i < chars.length; i++) {
    const w = charWidth(chars[i]?.codePointAt(0) ?? 0);
    if (used + w > headCells) break;
    head += chars[i];
    used += w;
  }
  let tail = '';
  let tailUsed = 0;
  for (let j = chars.length - 1; j >= i; j--) {
    const w = charWidth(chars[j]?.codePointAt(0) ?? 0);
    if (used + tailUsed + w > keep) break;
    tail = (chars[j] ?? '') + tail;
    tailUsed += w;
  }
  return `${head}…${tail}`;
}

/** Pads (or cuts) to exactly `width` cells. */
export function fit(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const t = truncate(s, width);
  const fill = ' '.repeat(Math.max(0, width - displayWidth(t)));
  return align === 'right' ? fill + t : t + fill;
}

/** Splits text into lines of at most `width` cells (hard wrap; continuation lines get `indent`). */
export function wrap(s: string, width: number, indent = ''): string[] {
  if (width <= 0) return [''];
  const out: string[] = [];
  let line = '';
  let used = 0;
  const indentW = displayWidth(indent);
  for (const ch of s) {
    const w = charWidth(ch.codePointAt(0) ?? 0);
    if (used + w > width && used > 0) {
      out.push(line);
      line = indent;
      used = indentW;
      if (used + w > width) {
        line = '';
        used = 0;
      }
    }
    line += ch;
    used += w;
  }
  out.push(line);
  return out;
}
