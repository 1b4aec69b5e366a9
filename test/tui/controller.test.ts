import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonDocument } from '../../src/export/json-types.js';
import { lineText } from '../../src/format/line.js';
import { TuiController, type Frame } from '../../src/tui/screens/controller.js';
import type { KeyPress } from '../../src/tui/screens/view.js';
import { built, CHAT, clone, corpusFile, HAVE_CORPUS, syntheticDocument, k, ENTER, ESC } from './fixtures.js';

let chat: JsonDocument;
beforeAll(async () => {
  chat = (await built(CHAT)).doc;
});

const DOWN = k('down');

function rows(f: Frame): string[] {
  return f.rows.map((r) => lineText(r.line));
}
function selected(f: Frame): string | undefined {
  const r = f.rows.find((x) => x.selected);
  return r === undefined ? undefined : lineText(r.line);
}
function keys(c: TuiController, ...ks: KeyPress[]): number | undefined {
  let code: number | undefined;
  for (const x of ks) code = c.key(x) ?? code;
  return code;
}

describe('screen navigation without a terminal', () => {
  it('goes list → ladder → detail → raw and back, and quits with 0 from the list', () => {
    const c = new TuiController({ getDocument: () => chat });
    let f = c.frame(80, 24);
    expect(f.rows).toHaveLength(22);
    expect(lineText(f.top)).toBe('msrpscope · Sessions');
    expect(selected(f)).toContain('alice@exampl… ↔ bob@example…');
    expect(lineText(f.bottom)).toContain('Enter ladder');

    expect(c.key(ENTER)).toBeUndefined();
    f = c.frame(80, 24);
    expect(c.top.kind).toBe('ladder');
    expect(lineText(f.top)).toBe('msrpscope · session 0: alice@example.com ↔ bob@example.net');
    expect(selected(f)).toContain('SIP INVITE');

    keys(c, DOWN, DOWN);
    expect(selected(c.frame(80, 24))).toContain('SEND 25 B ✓ 200 · REPORT 000 200 OK · 12 ms');
    c.key(ENTER);
    f = c.frame(80, 24);
    expect(c.top.kind).toBe('detail');
    expect(lineText(f.top)).toBe('msrpscope · Message 0: m-hello-0001');
    expect(rows(f)[0]).toBe('── Message 0 ');
    let scrolled = 0;
    while (!rows(c.frame(80, 24)).includes('  Hello Bob! Are you there?') && scrolled < 60) {
      c.key(DOWN);
      scrolled++;
    }
    expect(scrolled).toBeGreaterThan(10);
    expect(scrolled).toBeLessThan(60);

    c.key(k('r'));
    f = c.frame(80, 24);
    expect(c.top.kind).toBe('raw');
    expect(rows(f)).toContain('MSRP t1a9b3c4 SEND');

    expect(keys(c, k('q'), k('q'), ESC)).toBeUndefined();
    expect(c.top.kind).toBe('list');
    expect(c.key(ESC)).toBeUndefined();
    expect(c.depth).toBe(1);
    expect(c.key(k('q'))).toBe(0);
  });

  it('quits at once on C-c with 130', () => {
    const c = new TuiController({ getDocument: () => chat });
    c.key(ENTER);
    expect(c.key(k('C-c'))).toBe(130);
  });

  it('folds and unfolds a message with Space, → and ←, and all with x', () => {
    const c = new TuiController({ getDocument: () => chat });
    c.key(ENTER);
    keys(c, k('end'), k('up'));
    expect(selected(c.frame(80, 24))).toContain('▸ SEND 10000 B in 3 chunks');
    c.key(k('space', ' '));
    let f = c.frame(80, 24);
    expect(selected(f)).toContain('▾ SEND 10000 B in 3 chunks');
    expect(rows(f).filter((r) => r.includes('└'))).toHaveLength(7);
    keys(c, DOWN, DOWN, DOWN);
    expect(selected(c.frame(80, 24))).toContain('└ SEND 4097-8192/* 4096 B +');
    c.key(k('left'));
    f = c.frame(80, 24);
    expect(selected(f)).toContain('▸ SEND 10000 B in 3 chunks');
    expect(rows(f).filter((r) => r.includes('└'))).toHaveLength(0);
    c.key(k('x'));
    expect(rows(c.frame(80, 40)).filter((r) => r.includes('└'))).toHaveLength(3 + 2 + 2 + 7);
    c.key(k('x'));
    expect(rows(c.frame(80, 40)).filter((r) => r.includes('└'))).toHaveLength(0);
  });

  it('toggles absolute and delta time with t', () => {
    const c = new TuiController({ getDocument: () => chat });
    c.key(ENTER);
    c.key(k('t'));
    const f = c.frame(80, 24);
    expect(rows(f)[2]).toMatch(/^Δ time/);
    expect(rows(f)[4]).toMatch(/^\+0\.920000 +│<────────│ +SIP 200/);
    expect(lineText(f.top)).toContain('Δt');
    expect(lineText(f.bottom)).toBe('time: delta to the row above');
    c.key(k('t'));
    expect(rows(c.frame(80, 24))[4]).toMatch(/^09:46:40\.920 /);
  });

  it('filters the list incrementally and restores on Esc', () => {
    const doc = clone(chat);
    const second = clone(chat).sessions[0];
    if (second === undefined) throw new Error('no session');
    second.id = 1;
    second.sip = null;
    second.endpoints = [
      { uri: 'msrp://10.0.0.1:2855/carolS;tcp', sessionId: 'carolS' },
      { uri: 'msrp://10.0.0.2:2855/daveS;tcp', sessionId: 'daveS' },
    ];
    doc.sessions.push(second);
    const c = new TuiController({ getDocument: () => doc });
    const listed = (): string[] => rows(c.frame(80, 24)).slice(3).filter((r) => r.trim() !== '');
    expect(listed()).toHaveLength(2);
    c.key(k('/'));
    for (const ch of '10.0.0') c.key(k(ch));
    expect(listed()).toHaveLength(1);
    expect(listed()[0]).toContain('  1 09:46:43 …0.0.1:2855/carolS ↔ 10.0.0.2:2855/daveS ');
    expect(lineText(c.frame(80, 24).bottom)).toBe('/10.0.0█  Enter keep · Esc cancel');
    c.key(ESC);
    expect(listed()).toHaveLength(2);
    c.key(k('/'));
    for (const ch of 'c7f3') c.key(k(ch));
    c.key(ENTER);
    expect(listed()).toHaveLength(1);
    expect(listed()[0]).toContain('alice@exa');
    expect(lineText(c.frame(80, 24).bottom)).toContain('filter: c7f3');
    // q and d are text inside the prompt, not commands.
    c.key(k('/'));
    c.key(k('q'));
    c.key(k('d'));
    expect(c.depth).toBe(1);
    expect(listed()).toEqual(['  no session matches the filter']);
    c.key(k('backspace'));
    c.key(k('backspace'));
    c.key(ENTER);
    c.key(ESC);
    expect(listed()).toHaveLength(2);
    c.key(k('/'));
    for (const ch of 'state:closed bogus:') c.key(k(ch));
    expect(lineText(c.frame(80, 24).bottom)).toContain('/state:closed bogus:█');
  });

  it('sorts with s and reverses with S', () => {
    const c = new TuiController({ getDocument: () => chat });
    expect(rows(c.frame(80, 24))[2]).toMatch(/^ #▲ Start {4}Ends/);
    c.key(k('s', 's'));
    expect(rows(c.frame(80, 24))[2]).toMatch(/^ {2}# Start▲ {3}Ends/);
    c.key(k('S-s', 'S'));
    expect(rows(c.frame(80, 24))[2]).toMatch(/^ {2}# Start▼ {3}Ends/);
    // s walks the columns on screen: the chat capture has no relays, so the hidden Relays column is skipped.
    const marked: string[] = [];
    for (let i = 0; i < 6; i++) {
      c.key(k('s', 's'));
      marked.push(/(\S+)▼/.exec(rows(c.frame(80, 24))[2] ?? '')?.[1] ?? '');
    }
    expect(marked).toEqual(['Ends', 'Call-ID', 'Msg', 'Byte', 'Deliver', 'State']);
    c.key(k('s', 's'));
    expect(rows(c.frame(80, 24))[2]).toMatch(/^ #▼ Start/);
  });

  it('opens help with ? and F1, lists keys, closes with q', () => {
    const c = new TuiController({ getDocument: () => chat });
    c.key(k('?'));
    let f = c.frame(80, 24);
    expect(lineText(f.top)).toBe('msrpscope · Help');
    expect(rows(f).some((r) => r.includes('quit at once'))).toBe(true);
    c.key(k('q'));
    c.key(k('f1'));
    expect(c.top.kind).toBe('help');
    c.key(k('pagedown'));
    f = c.frame(80, 24);
    expect(rows(f)[0]).not.toBe('msrpscope — MSRP capture viewer');
    c.key(k('end'));
    f = c.frame(80, 24);
    expect(rows(f).some((r) => r.includes('jump to the message (or session) of the frame'))).toBe(true);
    c.key(ESC);
    expect(c.top.kind).toBe('list');
  });

  it('renders in any size and keeps the frame height exact', () => {
    const c = new TuiController({ getDocument: () => chat });
    c.key(ENTER);
    for (const [w, h] of [[80, 24], [40, 10], [200, 60], [1, 3]] as const) {
      const f = c.frame(w, h);
      expect(f.rows).toHaveLength(h - 2);
    }
  });
});

describe('thousands of rows', () => {
  it('renders only the rows in view and reaches the last one with End', () => {
    const doc = syntheticDocument(chat, 5000);
    const c = new TuiController({ getDocument: () => doc });
    c.key(ENTER);
    let f = c.frame(80, 24);
    expect(f.rows).toHaveLength(22);
    // Header: legend (one line here) and column titles; the other 20 rows are ladder rows.
    expect(rows(f).filter((r) => r.includes('SEND 25 B'))).toHaveLength(20);
    c.key(k('end'));
    f = c.frame(80, 24);
    expect(selected(f)).toMatch(/SEND 25 B ✓ 200$/);
    expect(rows(f)[21]).toBe(selected(f));
    c.key(k('pageup'));
    c.key(ENTER);
    expect(lineText(c.frame(80, 24).top)).toBe(`msrpscope · Message 4980: m-4980`);
  });
});

describe('live updates', () => {
  it('follows the newest row until a movement key, f toggles follow', () => {
    let doc = clone(chat);
    const c = new TuiController({ getDocument: () => doc, live: true });
    expect(c.follow).toBe(true);
    expect(lineText(c.frame(80, 24).top)).toContain('[LIVE follow]');
    const more = clone(chat);
    for (let i = 1; i < 40; i++) {
      const s = clone(chat).sessions[0];
      if (s === undefined) continue;
      s.id = i;
      s.first = { ...s.first, epoch: s.first.epoch + i, frame: s.first.frame + i };
      s.sip = null;
      more.sessions.push(s);
    }
    doc = more;
    c.refresh();
    let f = c.frame(80, 24);
    expect(selected(f)).toMatch(/^ {1}39 /);
    c.key(k('up'));
    expect(c.follow).toBe(false);
    expect(selected(c.frame(80, 24))).toMatch(/^ {1}38 /);
    c.key(k('f'));
    expect(c.follow).toBe(true);
    f = c.frame(80, 24);
    expect(selected(f)).toMatch(/^ {1}39 /);
    expect(lineText(f.bottom)).toContain('follow on');
  });
});

describe.skipIf(!HAVE_CORPUS)('diagnostics screen', () => {
  it('opens with d and jumps to the message of a frame with Enter', async () => {
    const { doc } = await built(corpusFile('relay_abort_fail.pcap'));
    const c = new TuiController({ getDocument: () => doc });
    c.key(k('d'));
    let f = c.frame(80, 24);
    expect(lineText(f.top)).toBe('msrpscope · Diagnostics (4)');
    expect(rows(f)[0]).toBe('malformed-header-line  warning  ×1');
    expect(selected(f)).toMatch(/^ {2}frame 20 /);
    // Down skips the code heading.
    c.key(DOWN);
    expect(selected(c.frame(80, 24))).toBe('  frame 38     conn 3  no SYN seen: the capture starts mid-connection');
    c.key(ENTER);
    f = c.frame(80, 24);
    expect(c.top.kind).toBe('detail');
    expect(lineText(f.top)).toBe('msrpscope · Message 0: obcyQL5omCx5Vh');
    c.key(k('q'));
    f = c.frame(80, 24);
    expect(c.top.kind).toBe('ladder');
    expect(selected(f)).toMatch(/│       │══════>│       │  ▸ SEND aborted at 16384 of 60000 B by t…/);
    keys(c, k('q'), k('q'));
    expect(c.top.kind).toBe('list');
  });
});
