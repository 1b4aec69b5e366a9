/**
 * End to end under tmux with the four common TERMs: the built viewer (dist/, via launch-tui.mjs) draws
 * dim text (footer hints, ladder times and lifelines, detail keys, the list's state) in a colour the
 * terminal can show. blessed alone drew it as colour 0 (ESC[30m, black) under tmux-256color,
 * screen-256color and xterm. The screen comes back with `tmux capture-pane -p -e` (escapes kept) and is
 * read back into the attributes of every character. Skipped when tmux or the build is missing.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dimLook, readTermCaps, type DimLook } from '../../src/tui/terminfo.js';
import { CORPUS, HAVE_CORPUS } from './fixtures.js';
import { createTmuxHarness, HAVE_BUILD, HAVE_TMUX, LAUNCHER } from './tmux-harness.js';

const ABORT_FAIL = path.join(CORPUS, 'relay_abort_fail.pcap');
const TERMS = ['tmux-256color', 'screen-256color', 'xterm', 'xterm-256color'] as const;

/** Sessions of 100×30; the pane comes back with its escapes (colours and attributes as tmux holds them). */
const h = createTmuxHarness('terms', { width: 100, height: 30, escapes: true });
const { keys, exitCode } = h;

/** The styled pane once `text` shows. */
async function waitForText(name: string, text: string): Promise<Styled> {
  return styled(await h.waitForScreen(name, `"${text}"`, (screen) => styled(screen).plain.includes(text)));
}

/** Starts the viewer on `capture` with TERM set; its exit code lands in a file. */
function launch(name: string, term: string, capture: string): string {
  return h.launch(name, `node '${LAUNCHER}' '${capture}'`, { env: { TERM: term } });
}

interface Attr {
  /** 'default', or the colour number (0–7 normal, 8–15 bright). */
  fg: number | 'default';
  bg: number | 'default';
  bold: boolean;
  dim: boolean;
  inverse: boolean;
}

interface Styled {
  plain: string;
  attrs: Attr[];
  /** Every SGR parameter seen. */
  params: string[];
}

const PLAIN: Attr = { fg: 'default', bg: 'default', bold: false, dim: false, inverse: false };

/** Reads capture-pane -e output: the text, and the attributes of each character (state runs across lines). */
function styled(capture: string): Styled {
  let a: Attr = { ...PLAIN };
  let plain = '';
  const attrs: Attr[] = [];
  const params: string[] = [];
  const re = /\x1b\[([0-9;:]*)m/g;
  let at = 0;
  const text = (s: string): void => {
    for (const ch of s) {
      plain += ch;
      attrs.push(a);
    }
  };
  for (let m = re.exec(capture); m !== null; m = re.exec(capture)) {
    text(capture.slice(at, m.index));
    at = m.index + m[0].length;
    const p = (m[1] ?? '').split(/[;:]/);
    params.push(...p);
    a = { ...a };
    for (let i = 0; i < p.length; i++) {
      const n = p[i] === '' ? 0 : Number(p[i]);
      if (n === 0) a = { ...PLAIN };
      else if (n === 1) a.bold = true;
      else if (n === 2) a.dim = true;
      else if (n === 22) a = { ...a, bold: false, dim: false };
      else if (n === 7) a.inverse = true;
      else if (n === 27) a.inverse = false;
      else if (n >= 30 && n <= 37) a.fg = n - 30;
      else if (n >= 90 && n <= 97) a.fg = n - 90 + 8;
      else if (n === 39) a.fg = 'default';
      else if (n >= 40 && n <= 47) a.bg = n - 40;
      else if (n >= 100 && n <= 107) a.bg = n - 100 + 8;
      else if (n === 49) a.bg = 'default';
      else if (n === 38 || n === 48) {
        const colour = p[i + 1] === '5' ? Number(p[i + 2]) : -1;
        if (n === 38) a.fg = colour;
        else a.bg = colour;
        i += p[i + 1] === '5' ? 2 : 4;
      }
    }
  }
  text(capture.slice(at));
  return { plain, attrs, params };
}

/** The attributes of the first character of `text` (the nth time it shows). */
function attrOf(s: Styled, text: string, nth = 0): Attr {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = s.plain.indexOf(text, i + 1);
    if (i < 0) throw new Error(`"${text}" (#${nth}) not on screen:\n${s.plain}`);
  }
  const a = s.attrs[i];
  if (a === undefined) throw new Error(`no attributes for "${text}"`);
  return a;
}

/** What dim text must look like on this terminal. */
function expectDim(a: Attr, look: DimLook | undefined, inverse = false): void {
  expect(a.inverse).toBe(inverse);
  // Never black: colour 0 on a dark background is invisible.
  expect(a.fg).not.toBe(0);
  if (look === 'bright-black') expect({ fg: a.fg, dim: a.dim }).toEqual({ fg: 8, dim: false });
  else if (look === 'dim') expect({ fg: a.fg, dim: a.dim }).toEqual({ fg: 'default', dim: true });
  else if (look === 'default') expect({ fg: a.fg, dim: a.dim }).toEqual({ fg: 'default', dim: false });
  else expect([8, 'default']).toContain(a.fg);
}

/** No black foreground or background anywhere on the screen. */
function expectNoBlack(s: Styled): void {
  expect(s.params).not.toContain('30');
  expect(s.params).not.toContain('40');
  for (const a of s.attrs) {
    expect(a.fg).not.toBe(0);
    expect(a.bg).not.toBe(0);
  }
}

describe.skipIf(!HAVE_TMUX || !HAVE_BUILD)('dim text under tmux with TERM tmux-256color, screen-256color, xterm, xterm-256color', () => {
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  for (const term of TERMS) {
    // The look the terminal's own terminfo asks for (undefined where this machine has no entry for it).
    const caps = readTermCaps(term);
    const look = caps === undefined ? undefined : dimLook(caps);

    it(`${term}: dim text is ${look ?? 'visible'} on the list, ladder and detail; colours kept`, async () => {
      const name = term.replace(/[^a-z0-9]/g, '');
      const codeFile = launch(name, term, 'samples/chat.pcap');

      // Session list: the footer hint, and the state of the selected row (inverse).
      let s = await waitForText(name, 'Enter ladder  / filter');
      expectNoBlack(s);
      expectDim(attrOf(s, 'Enter ladder'), look);
      expectDim(attrOf(s, 'closed'), look, true);
      expect(attrOf(s, 'msrpscope · Sessions')).toEqual({ fg: 7, bg: 4, bold: true, dim: false, inverse: false });
      expect(attrOf(s, 'samples/chat.pcap').fg).toBe(6);

      // Ladder: times and lifelines dim, SIP magenta, the 200s green, the endpoint line cyan.
      keys(name, 'Enter');
      s = await waitForText(name, '09:46:50.809 │');
      expectNoBlack(s);
      for (const t of ['09:46:40.920', '09:46:43.927', '09:46:46.439', '09:46:47.949', '09:46:49.958', '09:46:50.809']) expectDim(attrOf(s, t), look);
      expectDim(attrOf(s, '09:46:40.000'), look, true);
      expectDim(attrOf(s, '│', 3), look);
      expectDim(attrOf(s, 'Enter detail'), look);
      expect(attrOf(s, 'SIP 200 (SDP answer)').fg).toBe(5);
      expect(attrOf(s, '✓ 200').fg).toBe(2);
      expect(attrOf(s, 'A alice@example.com').fg).toBe(6);
      expect(attrOf(s, 'SEND')).toMatchObject({ bold: true, fg: 'default' });

      // Detail: the keys are dim, the delivery green.
      keys(name, 'Down', 'Down', 'Enter');
      s = await waitForText(name, 'Message-ID');
      expectNoBlack(s);
      for (const k of ['Message-ID', 'Content-Type', 'sha256', 'delivery']) expectDim(attrOf(s, k), look);
      expect(attrOf(s, 'complete').fg).toBe(2);

      keys(name, 'q');
      await waitForText(name, 'Enter detail');
      keys(name, 'q');
      await waitForText(name, 'Enter ladder');
      keys(name, 'q');
      expect(await exitCode(codeFile)).toBe(0);
    });

    it.skipIf(!HAVE_CORPUS || !existsSync(ABORT_FAIL))(`${term}: failures stay red, times dim (relay_abort_fail.pcap)`, async () => {
      const name = `fail${term.replace(/[^a-z0-9]/g, '')}`;
      const codeFile = launch(name, term, ABORT_FAIL);
      await waitForText(name, 'Enter ladder');
      keys(name, 'Enter');
      const s = await waitForText(name, '401 Unauthorized');
      expectNoBlack(s);
      expect(attrOf(s, '401 Unauthorized').fg).toBe(1);
      expect(attrOf(s, '401 Unauthorized', 1).fg).toBe(1);
      expectDim(attrOf(s, '17:22:57.188'), look);
      keys(name, 'q');
      await waitForText(name, 'Enter ladder');
      keys(name, 'q');
      expect(await exitCode(codeFile)).toBe(0);
    });
  }
});
