/**
 * Terminal safety: a document whose every capture-derived string carries OSC (window title), BEL, CSI,
 * C1 controls, NEL, bidi overrides and blessed tags is driven through every screen; nothing but blessed's
 * own escape sequences may reach the terminal, and the hostile text must show up escaped, not obeyed.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JsonDocument } from '../../src/export/json-types.js';
import { startTui, type TuiSession } from '../../src/tui/app.js';
import { screenText } from '../../src/tui/terminal.js';
import { built, CHAT, EVIL_SHOWN, fakeTerminal, hostileDocument, KEYS, press, type FakeTerminal } from './fixtures.js';

let evil: JsonDocument;
beforeAll(async () => {
  evil = hostileDocument((await built(CHAT)).doc);
});

const open: TuiSession[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.stop(0);
});

/** Every sequence blessed itself writes: CSI …, save/restore cursor, keypad modes, charset selection. */
const BLESSED_SEQUENCE = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[78=>]|[()][0B])/g;

function assertClean(written: string): void {
  expect(written).not.toContain('\x1b]');
  expect(written).not.toContain('\x07');
  expect(written).not.toContain('\x1b[31mRED');
  expect(written).not.toMatch(/[\u0080-\u009f]/);
  expect(written).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  const rest = written.replace(BLESSED_SEQUENCE, '');
  expect(rest).not.toContain('\x1b');
  // No C0 control other than line feed / carriage return / backspace / tab survives outside sequences.
  expect(rest).not.toMatch(/[\x00-\x07\x0b\x0c\x0e-\x1f\x7f]/);
}

async function visitEverything(term: FakeTerminal, tui: TuiSession, seen: string[]): Promise<void> {
  const snap = (): void => {
    seen.push(screenText(tui.screen).join('\n'));
  };
  snap();
  await press(term, '/', 'X');
  snap();
  await press(term, KEYS.escape, KEYS.enter, 'x');
  snap();
  // Every ladder row: detail (all pages) and raw.
  for (let i = 0; i < 30; i++) {
    await press(term, KEYS.enter);
    snap();
    for (let p = 0; p < 4; p++) {
      await press(term, KEYS.pageDown);
      snap();
    }
    await press(term, 'r');
    snap();
    await press(term, KEYS.pageDown);
    snap();
    await press(term, 'q', 'q', KEYS.down);
  }
  await press(term, 't');
  snap();
  await press(term, 'q', 'd');
  snap();
  await press(term, KEYS.enter);
  snap();
  await press(term, 'q', 'q', 'q', '?');
  snap();
}

describe('terminal safety', () => {
  for (const [cols, rows] of [
    [80, 24],
    [250, 60],
  ] as const) {
    it(`lets no capture control sequence through (${cols}×${rows})`, async () => {
      const term = fakeTerminal(cols, rows);
      const tui = startTui({ getDocument: () => evil, input: term.input, output: term.output, title: `t${'\x1b]2;x\x07'}` });
      open.push(tui);
      const seen: string[] = [];
      await visitEverything(term, tui, seen);
      await press(term, 'q', 'q', 'q');
      await expect(tui.done).resolves.toBe(0);
      assertClean(term.written());
      const all = seen.join('\n');
      expect(all).toContain('\\x1b]0;pwned\\x07');
      expect(all).toContain('\\u202eRTL');
      if (cols === 250) {
        // Whole: escaped, and blessed tags shown as text (not applied).
        expect(all).toContain(EVIL_SHOWN);
        expect(all).toContain('{red-fg}TAG{/red-fg}');
        expect(all).toContain(`X-EvilX\\x1b]0;pwned`);
        expect(all).toContain(`detail${EVIL_SHOWN}`);
      }
    });
  }

  it('keeps hostile text inert in a live redraw too', async () => {
    const term = fakeTerminal(120, 30);
    let doc = evil;
    let notify: () => void = () => undefined;
    const tui = startTui({
      getDocument: () => doc,
      subscribe: (f) => {
        notify = f;
        return () => undefined;
      },
      live: true,
      input: term.input,
      output: term.output,
    });
    open.push(tui);
    doc = JSON.parse(JSON.stringify(evil)) as JsonDocument;
    notify();
    await new Promise((r) => setTimeout(r, 150));
    expect(tui.redraws).toBe(1);
    await press(term, KEYS.enter, KEYS.enter, 'q', 'q', 'q');
    await expect(tui.done).resolves.toBe(0);
    assertClean(term.written());
  });
});
