/**
 * What the terminal can show for dim text, read once at screen start.
 *
 * blessed reads compiled terminfo itself, but only the legacy format (16-bit numbers): the files ncurses 6
 * compiles for tmux-256color, screen-256color and xterm-256color use 32-bit numbers, so blessed falls
 * back to its own xterm entry with 8 colours, and then draws `gray` (colour 8, bright black) as colour 0,
 * black: invisible on a dark background. This module reads the two capabilities that matter here itself
 * (max_colors, enter_dim_mode) from either format, and decides how dim text is drawn:
 * bright black where the terminal has 16 colours or more, else the dim attribute, else the default colour.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface TermCaps {
  /** max_colors (`colors#`), 0 when the entry has none. */
  colors: number;
  /** The entry has enter_dim_mode (`dim=`). */
  dim: boolean;
}

/** How dim text (the `dim` style, blessed's `gray`) reaches the terminal. */
export type DimLook = 'bright-black' | 'dim' | 'default';

/** Bright black (SGR 90) needs 16 colours; else the dim attribute (SGR 2) if the terminal has one; else no attribute. */
export function dimLook(caps: TermCaps): DimLook {
  if (caps.colors >= 16) return 'bright-black';
  return caps.dim ? 'dim' : 'default';
}

const LEGACY_MAGIC = 0o432;
const EXTENDED_NUMBER_MAGIC = 0o1036;
/** Indexes in terminfo's fixed number and string tables (term.h order). */
const MAX_COLORS = 13;
const ENTER_DIM_MODE = 30;

/** max_colors and enter_dim_mode of a compiled terminfo entry, or undefined when the bytes are not one. */
export function parseTerminfo(data: Uint8Array): TermCaps | undefined {
  if (data.length < 12) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const short = (at: number): number => view.getInt16(at, true);
  const magic = short(0);
  if (magic !== LEGACY_MAGIC && magic !== EXTENDED_NUMBER_MAGIC) return undefined;
  const numberSize = magic === LEGACY_MAGIC ? 2 : 4;
  const [namesSize, boolCount, numCount, strCount, tableSize] = [short(2), short(4), short(6), short(8), short(10)];
  if (namesSize < 0 || boolCount < 0 || numCount < 0 || strCount < 0 || tableSize < 0) return undefined;
  let at = 12 + namesSize + boolCount;
  if (at % 2 === 1) at++;
  const numbersAt = at;
  const stringsAt = numbersAt + numCount * numberSize;
  const tableAt = stringsAt + strCount * 2;
  if (tableAt + tableSize > data.length) return undefined;

  let colors = 0;
  if (MAX_COLORS < numCount) {
    const n = numberSize === 2 ? short(numbersAt + MAX_COLORS * 2) : view.getInt32(numbersAt + MAX_COLORS * 4, true);
    if (n > 0) colors = n;
  }
  let dim = false;
  if (ENTER_DIM_MODE < strCount) {
    const offset = short(stringsAt + ENTER_DIM_MODE * 2);
    // Negative offsets mean absent (-1) or cancelled (-2); an empty string does nothing either.
    dim = offset >= 0 && offset < tableSize && data[tableAt + offset] !== 0;
  }
  return { colors, dim };
}

/** Where ncurses looks for compiled entries, in its order. */
export function terminfoDirs(env: NodeJS.ProcessEnv): string[] {
  const system = ['/etc/terminfo', '/lib/terminfo', '/usr/share/terminfo', '/usr/lib/terminfo', '/usr/share/lib/terminfo', '/usr/local/share/terminfo'];
  const dirs: string[] = [];
  if (env.TERMINFO !== undefined && env.TERMINFO !== '') dirs.push(env.TERMINFO);
  if (env.HOME !== undefined && env.HOME !== '') dirs.push(path.join(env.HOME, '.terminfo'));
  if (env.TERMINFO_DIRS !== undefined && env.TERMINFO_DIRS !== '') {
    // An empty member stands for the system directories.
    for (const d of env.TERMINFO_DIRS.split(':')) dirs.push(...(d === '' ? system : [d]));
  }
  dirs.push(...system);
  return [...new Set(dirs)];
}

/** The capabilities of `term` from the first compiled entry found, or undefined when there is none. */
export function readTermCaps(term: string, env: NodeJS.ProcessEnv = process.env): TermCaps | undefined {
  // A terminal name, never a path.
  if (term === '' || term.includes('/') || term.includes('\\') || term.startsWith('.')) return undefined;
  const first = term.charAt(0);
  const hex = (first.codePointAt(0) ?? 0).toString(16).padStart(2, '0');
  for (const dir of terminfoDirs(env)) {
    for (const sub of [first, hex]) {
      let data: Buffer;
      try {
        data = readFileSync(path.join(dir, sub, term));
      } catch {
        continue;
      }
      const caps = parseTerminfo(data);
      if (caps !== undefined) return caps;
    }
  }
  return undefined;
}

/** The colour count a terminal's name promises (`…-256color`, `…-88color`, `…-16color`), else 0. */
export function colorsFromName(term: string): number {
  const m = /-(256|88|16)colou?r(?:-|$)/.exec(term);
  return m === null ? 0 : Number(m[1]);
}

/**
 * Rewrites the SGR sequences blessed writes so colour 8 shows as `look`: SGR 90 (bright black foreground)
 * becomes 2 (dim) or 39 (default colour), SGR 100 (bright black background) becomes 49. blessed resets
 * attributes (`ESC[m`) before every change, so the dim attribute never outlives its text.
 * Colour numbers inside 38;5;n / 48;5;n / 38;2;r;g;b are left alone.
 */
export function rewriteDim(text: string, look: DimLook): string {
  if (look === 'bright-black' || !text.includes('\x1b[')) return text;
  return text.replace(/\x1b\[([0-9;]*)m/g, (all, params: string) => {
    const p = params.split(';');
    let changed = false;
    for (let i = 0; i < p.length; i++) {
      if ((p[i] === '38' || p[i] === '48') && (p[i + 1] === '5' || p[i + 1] === '2')) {
        i += p[i + 1] === '5' ? 2 : 4;
        continue;
      }
      if (p[i] === '90') {
        p[i] = look === 'dim' ? '2' : '39';
        changed = true;
      } else if (p[i] === '100') {
        p[i] = '49';
        changed = true;
      }
    }
    return changed ? `\x1b[${p.join(';')}m` : all;
  });
}
