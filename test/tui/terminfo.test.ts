/**
 * Dim text under every terminfo: the capabilities read from compiled entries of both formats, the
 * capability → attribute decision, the SGR rewrite, and the TUI drawing its footer hint and ladder times
 * on fake terminals whose entries have 256 colours, 8 colours with dim, and 8 colours without dim.
 * blessed alone drew `gray` as colour 0 (ESC[30m, black) on every terminal it read as 8 colours.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTui, type TuiSession } from '../../src/tui/app.js';
import { createScreen, screenLook, screenText } from '../../src/tui/terminal.js';
import { colorsFromName, dimLook, parseTerminfo, readTermCaps, rewriteDim, terminfoDirs } from '../../src/tui/terminfo.js';
import { built, CHAT, fakeTerminal, KEYS, press, type Built } from './fixtures.js';

/** A compiled terminfo entry with max_colors (index 13) and enter_dim_mode (index 30) only. */
function entry(opts: { extended: boolean; colors?: number; dim?: string; names?: string }): Buffer {
  const names = Buffer.from(`${opts.names ?? 'test-term|a test terminal'}\0`, 'latin1');
  const boolCount = 3;
  const numCount = 15;
  const strCount = 40;
  const table = opts.dim === undefined ? Buffer.alloc(0) : Buffer.from(`${opts.dim}\0`, 'latin1');
  const numberSize = opts.extended ? 4 : 2;
  const header = Buffer.alloc(12);
  header.writeInt16LE(opts.extended ? 0o1036 : 0o432, 0);
  header.writeInt16LE(names.length, 2);
  header.writeInt16LE(boolCount, 4);
  header.writeInt16LE(numCount, 6);
  header.writeInt16LE(strCount, 8);
  header.writeInt16LE(table.length, 10);
  const bools = Buffer.alloc(boolCount + ((12 + names.length + boolCount) % 2), 0);
  bools[0] = 1;
  const numbers = Buffer.alloc(numCount * numberSize, 0xff);
  // cols#80 first, so a reader that takes the wrong number width reads the wrong value.
  if (opts.extended) numbers.writeInt32LE(80, 0);
  else numbers.writeInt16LE(80, 0);
  if (opts.colors !== undefined) {
    if (opts.extended) numbers.writeInt32LE(opts.colors, 13 * 4);
    else numbers.writeInt16LE(opts.colors, 13 * 2);
  }
  const strings = Buffer.alloc(strCount * 2, 0xff);
  if (opts.dim !== undefined) strings.writeInt16LE(0, 30 * 2);
  return Buffer.concat([header, names, bools, numbers, strings, table]);
}

describe('capability → dim attribute', () => {
  it('is bright black with 16 colours or more, else dim when the terminal has it, else the default colour', () => {
    expect(dimLook({ colors: 256, dim: true })).toBe('bright-black');
    expect(dimLook({ colors: 256, dim: false })).toBe('bright-black');
    expect(dimLook({ colors: 16, dim: false })).toBe('bright-black');
    expect(dimLook({ colors: 8, dim: true })).toBe('dim');
    expect(dimLook({ colors: 0, dim: true })).toBe('dim');
    expect(dimLook({ colors: 8, dim: false })).toBe('default');
    expect(dimLook({ colors: 0, dim: false })).toBe('default');
  });
});

describe('terminfo entries', () => {
  it('reads max_colors and enter_dim_mode from the legacy (16-bit) format', () => {
    expect(parseTerminfo(entry({ extended: false, colors: 8, dim: '\x1b[2m' }))).toEqual({ colors: 8, dim: true });
    expect(parseTerminfo(entry({ extended: false, colors: 256 }))).toEqual({ colors: 256, dim: false });
    expect(parseTerminfo(entry({ extended: false, dim: '\x1b[2m' }))).toEqual({ colors: 0, dim: true });
  });

  it('reads them from the ncurses 6 format with 32-bit numbers (what blessed misreads)', () => {
    expect(parseTerminfo(entry({ extended: true, colors: 256, dim: '\x1b[2m' }))).toEqual({ colors: 256, dim: true });
    expect(parseTerminfo(entry({ extended: true, colors: 0x1000000 }))).toEqual({ colors: 0x1000000, dim: false });
    // Odd-length names: the numbers start after a pad byte.
    expect(parseTerminfo(entry({ extended: true, colors: 88, dim: '\x1b[2m', names: 'ab|c' }))).toEqual({ colors: 88, dim: true });
  });

  it('treats an empty dim string as no dim, and rejects what is not an entry', () => {
    expect(parseTerminfo(entry({ extended: false, colors: 8, dim: '' }))).toEqual({ colors: 8, dim: false });
    expect(parseTerminfo(Buffer.from('not a terminfo entry'))).toBeUndefined();
    expect(parseTerminfo(Buffer.alloc(4))).toBeUndefined();
    expect(parseTerminfo(entry({ extended: true, colors: 256 }).subarray(0, 40))).toBeUndefined();
  });

  it('looks in $TERMINFO first, under the first letter or its hex code, and never follows a path', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'msrpscope-terminfo-'));
    try {
      mkdirSync(path.join(dir, 'm'));
      mkdirSync(path.join(dir, '6e'));
      writeFileSync(path.join(dir, 'm', 'msrp-a'), entry({ extended: true, colors: 256 }));
      writeFileSync(path.join(dir, '6e', 'nsrp-b'), entry({ extended: false, colors: 8, dim: '\x1b[2m' }));
      const env = { TERMINFO: dir };
      expect(terminfoDirs(env)[0]).toBe(dir);
      expect(readTermCaps('msrp-a', env)).toEqual({ colors: 256, dim: false });
      expect(readTermCaps('nsrp-b', env)).toEqual({ colors: 8, dim: true });
      expect(readTermCaps('msrp-missing', env)).toBeUndefined();
      expect(readTermCaps(`${dir}/m/msrp-a`, env)).toBeUndefined();
      expect(readTermCaps('../m/msrp-a', env)).toBeUndefined();
      expect(terminfoDirs({ TERMINFO_DIRS: `/x::/y` })).toEqual(expect.arrayContaining(['/x', '/y', '/lib/terminfo', '/usr/share/terminfo']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // The system's own entries, where installed (ncurses 6 compiles the 256-colour ones with 32-bit numbers).
  const system = (term: string): boolean => terminfoDirs({}).some((d) => existsSync(path.join(d, term.charAt(0), term)));
  for (const [term, colors] of [
    ['xterm', 8],
    ['xterm-256color', 256],
    ['tmux-256color', 256],
    ['screen-256color', 256],
  ] as const) {
    it.skipIf(!system(term))(`reads the system's ${term}: ${colors} colours, dim`, () => {
      expect(readTermCaps(term, {})).toEqual({ colors, dim: true });
    });
  }
});

describe('colours a name promises (used only when there is no entry)', () => {
  it('reads -256color, -88color, -16color', () => {
    expect(colorsFromName('tmux-256color')).toBe(256);
    expect(colorsFromName('screen-256color-bce')).toBe(256);
    expect(colorsFromName('rxvt-88color')).toBe(88);
    expect(colorsFromName('xterm-16color')).toBe(16);
    expect(colorsFromName('xterm')).toBe(0);
    expect(colorsFromName('xterm-256colorful')).toBe(0);
  });
});

describe('SGR rewrite of colour 8', () => {
  it('turns bright black into dim or the default colour, and leaves everything else alone', () => {
    expect(rewriteDim('\x1b[m\x1b[90mhint', 'dim')).toBe('\x1b[m\x1b[2mhint');
    expect(rewriteDim('\x1b[m\x1b[90mhint', 'default')).toBe('\x1b[m\x1b[39mhint');
    expect(rewriteDim('\x1b[7;90;100m', 'dim')).toBe('\x1b[7;2;49m');
    expect(rewriteDim('\x1b[7;90m', 'bright-black')).toBe('\x1b[7;90m');
    expect(rewriteDim('\x1b[38;5;90m\x1b[48;5;100m\x1b[38;2;90;100;90m', 'dim')).toBe('\x1b[38;5;90m\x1b[48;5;100m\x1b[38;2;90;100;90m');
    expect(rewriteDim('\x1b[38;5;1;90m', 'dim')).toBe('\x1b[38;5;1;2m');
    expect(rewriteDim('90 packets \x1b[31m\x1b[90;4H', 'dim')).toBe('90 packets \x1b[31m\x1b[90;4H');
  });
});

/** Lets the fake terminal's stream deliver what blessed wrote. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
};

describe('dim text on terminals of 256, 8+dim and 8 colours', () => {
  let dir = '';
  let chat: Built;
  const open: TuiSession[] = [];
  beforeAll(async () => {
    chat = await built(CHAT);
    dir = mkdtempSync(path.join(tmpdir(), 'msrpscope-terminfo-'));
    mkdirSync(path.join(dir, 'm'));
    writeFileSync(path.join(dir, 'm', 'msrp-256'), entry({ extended: true, colors: 256, dim: '\x1b[2m' }));
    writeFileSync(path.join(dir, 'm', 'msrp-8dim'), entry({ extended: false, colors: 8, dim: '\x1b[2m' }));
    writeFileSync(path.join(dir, 'm', 'msrp-8'), entry({ extended: false, colors: 8 }));
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.stop(0);
    vi.unstubAllEnvs();
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('decides the look once, at screen start, from the entry (or, without one, blessed and the name)', () => {
    for (const [term, caps, dim] of [
      ['msrp-256', { colors: 256, dim: true }, 'bright-black'],
      ['msrp-8dim', { colors: 8, dim: true }, 'dim'],
      ['msrp-8', { colors: 8, dim: false }, 'default'],
      // No entry anywhere: blessed falls back to its xterm (8 colours, no dim); the name says 256.
      ['msrp-none-256color', { colors: 256, dim: false }, 'bright-black'],
      ['msrp-none', { colors: 8, dim: false }, 'default'],
    ] as const) {
      const t = fakeTerminal(40, 5);
      const screen = createScreen(t, { TERM: term, TERMINFO: dir });
      expect(screenLook(screen)).toEqual({ terminal: term, caps, dim });
      screen.destroy();
    }
  });

  // The footer hint and the ladder's time column are `dim`; colour 0 (ESC[30m) is black on black.
  for (const [term, sgr] of [
    ['msrp-256', '\x1b[90m'],
    ['msrp-8dim', '\x1b[2m'],
    ['msrp-8', '\x1b[39m'],
  ] as const) {
    it(`${term}: the footer hint and ladder times are drawn with ${JSON.stringify(sgr)}, never black; other colours kept`, async () => {
      vi.stubEnv('TERM', term);
      vi.stubEnv('TERMINFO', dir);
      const term80 = fakeTerminal(80, 24);
      const tui = startTui({ getDocument: () => chat.doc, input: term80.input, output: term80.output, title: 'msrpscope', getBody: chat.body });
      open.push(tui);
      await settle();
      let written = term80.written();
      expect(written).toContain(`${sgr}Enter ladder  / filter`);
      await press(term80, KEYS.enter);
      await settle();
      const times = screenText(tui.screen).flatMap((l) => /^(\d\d:\d\d:\d\d\.\d{3}) │/.exec(l)?.[1] ?? []);
      expect(times).toEqual(['09:46:40.000', '09:46:40.920', '09:46:43.927', '09:46:46.439', '09:46:47.949', '09:46:49.958', '09:46:50.809']);
      written = term80.written();
      expect(written).toContain(`${sgr}09:46:43.927 │`);
      expect(written).toContain(`${sgr}09:46:50.809 │`);
      // No black foreground or background anywhere, bright black only where the terminal has 16 colours.
      const params = [...written.matchAll(/\x1b\[([0-9;]*)m/g)].flatMap((m) => (m[1] ?? '').split(';'));
      expect(params).not.toContain('30');
      expect(params).not.toContain('40');
      expect(params.includes('90')).toBe(term === 'msrp-256');
      expect(params.includes('2')).toBe(term === 'msrp-8dim');
      // Success green, SIP magenta, accent cyan, the blue title bar: all still there.
      for (const p of ['32', '35', '36', '44', '37', '1']) expect(params).toContain(p);
    });
  }
});
