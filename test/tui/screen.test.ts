import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JsonDocument } from '../../src/export/json-types.js';
import { MIN_REDRAW_MS, startTui, type TuiSession } from '../../src/tui/app.js';
import { screenText } from '../../src/tui/terminal.js';
import { built, CHAT, clone, fakeTerminal, KEYS, press, type Built, type FakeTerminal } from './fixtures.js';

let chat: Built;
beforeAll(async () => {
  chat = await built(CHAT);
});

const open: TuiSession[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.stop(0);
});

function start(doc: JsonDocument | (() => JsonDocument), opts: { columns?: number; rows?: number; subscribe?: (f: () => void) => () => void; live?: boolean } = {}): {
  term: FakeTerminal;
  tui: TuiSession;
  lines: () => string[];
  text: () => string;
} {
  const term = fakeTerminal(opts.columns ?? 80, opts.rows ?? 24);
  const tui = startTui({
    getDocument: typeof doc === 'function' ? doc : () => doc,
    input: term.input,
    output: term.output,
    title: 'msrpscope',
    getBody: chat.body,
    ...(opts.subscribe === undefined ? {} : { subscribe: opts.subscribe }),
    ...(opts.live === undefined ? {} : { live: opts.live }),
  });
  open.push(tui);
  const lines = (): string[] => screenText(tui.screen);
  return { term, tui, lines, text: () => lines().join('\n') };
}

interface Cells {
  lines?: Array<Array<[number, string]>>;
}
/** Attribute flags (bold 1, underline 2, blink 4, inverse 8) and foreground colour of a screen cell. */
function cellAttr(tui: TuiSession, row: number, col: number): { flags: number; fg: number } {
  const attr = (tui.screen as unknown as Cells).lines?.[row]?.[col]?.[0] ?? 0;
  return { flags: (attr >> 18) & 0x1ff, fg: (attr >> 9) & 0x1ff };
}

const until = async (cond: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('blessed screens on fake terminal streams', () => {
  it('draws the session list in 80×24', () => {
    const { lines, tui, term } = start(chat.doc);
    const l = lines();
    expect(l).toHaveLength(24);
    for (const x of l) expect([...x]).toHaveLength(80);
    expect(l[0]?.trimEnd()).toBe('msrpscope · Sessions');
    expect(l[1]).toMatch(/chat\.pcap {2}47 packets {2}1 connections {2}1 sessions {2}0 diagnostics/);
    expect(l[3]).toMatch(/^ #▲ Start {4}Ends/);
    expect(l[4]).toBe('  0 09:46:43 alice@exampl… ↔ bob@example… c7f3a9e2@1…    4   10k ✓4 ✗0 ?0 closed');
    expect(l[23]).toMatch(/^Enter ladder {2}\/ filter/);
    expect(term.input.isRaw).toBe(true);
    // The selected row is drawn inverse, the others are not.
    expect(cellAttr(tui, 4, 5).flags & 8).toBe(8);
    expect(cellAttr(tui, 3, 5).flags & 8).toBe(0);
  });

  it('opens the ladder, a message, its raw text, then backs out and quits with 0', async () => {
    const { term, tui, lines, text } = start(chat.doc);
    await press(term, KEYS.enter);
    expect(lines()[0]?.trimEnd()).toBe('msrpscope · session 0: alice@example.com ↔ bob@example.net');
    expect(text()).toContain('09:46:43.927 │════════>│  ▸ SEND 25 B ✓ 200 · REPORT 000 200 OK · 12 ms');
    expect(text()).toContain('09:46:50.809 │<────────│    SIP BYE (callee ends the call)');
    await press(term, KEYS.down, 'j', KEYS.enter);
    expect(lines()[0]?.trimEnd()).toBe('msrpscope · Message 0: m-hello-0001');
    expect(lines()[1]?.trimEnd()).toBe('── Message 0');
    await press(term, KEYS.pageDown);
    expect(text()).toContain('  Hello Bob! Are you there?');
    await press(term, 'r');
    expect(lines()[0]?.trimEnd()).toBe('msrpscope · Raw MSRP');
    expect(text()).toContain('MSRP t1a9b3c4 SEND');
    expect(text()).toContain('-------t1a9b3c4$');
    await press(term, 'q');
    expect(lines()[0]).toContain('Message 0: m-hello-0001');
    await press(term, KEYS.escape, 'q');
    expect(lines()[0]?.trimEnd()).toBe('msrpscope · Sessions');
    await press(term, 'q');
    await expect(tui.done).resolves.toBe(0);
    expect(term.input.isRaw).toBe(false);
  });

  it('unfolds the chunks of a message with Space and colours them', async () => {
    const { term, text, lines, tui } = start(chat.doc);
    await press(term, KEYS.enter, KEYS.end, KEYS.up, ' ');
    expect(text()).toContain('09:46:49.958 │════════>│  ▾ SEND 10000 B in 3 chunks ✓ 200 · REPORT 000 200 OK …');
    expect(text()).toContain('09:46:49.979 │────────>│    └ SEND 8193-10000/10000 1808 B $');
    expect(text()).toContain('09:46:50.000 │<────────│    └ REPORT 000 200 OK 1-10000/10000');
    // "✓ 200" is green.
    const row = lines().findIndex((l) => l.includes('▾ SEND 10000 B'));
    const col = [...(lines()[row] ?? '')].indexOf('✓');
    expect(cellAttr(tui, row, col).fg).toBe(2);
  });

  it('draws failures red', async () => {
    const doc = clone(chat.doc);
    const t = doc.transactions[2];
    if (t?.response) {
      t.response.status = 481;
      t.response.comment = 'No Such Session';
    }
    const { term, lines, tui } = start(doc);
    await press(term, KEYS.enter);
    const row = lines().findIndex((l) => l.includes('✗ 481'));
    expect(row).toBeGreaterThan(0);
    const col = [...(lines()[row] ?? '')].indexOf('✗');
    expect(cellAttr(tui, row, col).fg).toBe(1);
  });

  it('filters as you type and restores the list on Esc', async () => {
    const { term, text, lines } = start(chat.doc);
    await press(term, '/', 'z', 'z');
    expect(text()).toContain('no session matches the filter');
    expect(lines()[23]).toMatch(/^\/zz█ {2}Enter keep · Esc cancel/);
    await press(term, KEYS.backspace, KEYS.backspace, 'b', 'o', 'b');
    expect(text()).toContain('alice@exampl… ↔ bob@example…');
    await press(term, KEYS.escape);
    expect(lines()[23]).toMatch(/^Enter ladder/);
    await press(term, '/', 'm', 'e', 't', 'h', 'o', 'd', ':', 'A', 'U', 'T', 'H', KEYS.enter);
    expect(text()).toContain('no session matches the filter');
    expect(lines()[23]).toMatch(/^filter: method:AUTH/);
  });

  it('shows help on ? and F1, diagnostics on d', async () => {
    const { term, lines, text } = start(chat.doc);
    await press(term, '?');
    expect(lines()[0]?.trimEnd()).toBe('msrpscope · Help');
    await press(term, 'q', KEYS.f1);
    expect(lines()[0]?.trimEnd()).toBe('msrpscope · Help');
    expect(text()).toContain('quit at once');
    await press(term, 'q', 'd');
    expect(lines()[0]?.trimEnd()).toBe('msrpscope · Diagnostics (0)');
    expect(text()).toContain('no diagnostics: nothing odd in this capture');
  });

  it('adapts to a resize', async () => {
    const { term, lines } = start(chat.doc);
    term.resize(130, 30);
    await until(() => lines().length === 30 && (lines()[0]?.length ?? 0) === 130);
    expect(lines()[4]).toMatch(/^ {2}0 09:46:43\.927 alice@example\.com ↔ bob@example\.net +c7f3a9e2@192\.0\.2\.10 /);
    expect(lines()[29]).toMatch(/^Enter ladder/);
    term.resize(60, 12);
    await until(() => lines().length === 12 && (lines()[0]?.length ?? 0) === 60);
    expect(lines()[11]).toMatch(/^Enter ladder/);
  });

  it('leaves C-c to quit at once with 130', async () => {
    const { term, tui } = start(chat.doc);
    await press(term, KEYS.enter, KEYS.ctrlC);
    await expect(tui.done).resolves.toBe(130);
  });
});

describe('live mode', () => {
  it('redraws at most every 100 ms while the document changes, and shows new rows', async () => {
    let doc = clone(chat.doc);
    let notify: () => void = () => undefined;
    let unsubscribed = false;
    const { tui, text, term } = start(() => doc, {
      live: true,
      subscribe: (f) => {
        notify = f;
        return () => {
          unsubscribed = true;
        };
      },
    });
    expect(text()).toContain('[LIVE follow]');
    const t0 = Date.now();
    for (let i = 1; i <= 40; i++) {
      const next = clone(doc);
      const s = clone(chat.doc).sessions[0];
      if (s !== undefined) {
        s.id = i;
        s.sip = null;
        s.first = { ...s.first, epoch: s.first.epoch + i };
        next.sessions.push(s);
      }
      doc = next;
      notify();
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, MIN_REDRAW_MS + 50));
    const elapsed = Date.now() - t0;
    expect(tui.redraws).toBeGreaterThanOrEqual(1);
    expect(tui.redraws).toBeLessThanOrEqual(Math.ceil(elapsed / MIN_REDRAW_MS) + 1);
    expect(tui.redraws).toBeLessThan(40);
    // The last change was drawn, and follow keeps the newest row (40) selected and in view.
    expect(text()).toMatch(/\n {1}40 09:4\d:\d\d /);
    const rows = screenText(tui.screen);
    const sel = rows.findIndex((l) => l.startsWith(' 40 '));
    expect(((((tui.screen as unknown as Cells).lines?.[sel]?.[3]?.[0] ?? 0) >> 18) & 8)).toBe(8);
    await press(term, 'q');
    await expect(tui.done).resolves.toBe(0);
    expect(unsubscribed).toBe(true);
  });
});
