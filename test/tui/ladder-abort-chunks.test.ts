/**
 * Aborted messages, body byte counts, every chunk in the detail, time order of unfolded chunks, and the
 * hop wording: the ladder and detail formatters on an aborted message (a variant of the chat capture's
 * file transfer, and the corpus capture relay_abort_fail.pcap when ../shared is present).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonDocument, JsonMessage, JsonTransaction } from '../../src/export/json-types.js';
import { bodyAccount } from '../../src/format/chunks.js';
import { detailSections, type Section } from '../../src/format/detail.js';
import { chunkPages, chunksSection } from '../../src/format/detail-chunks.js';
import { helpLines } from '../../src/format/help.js';
import { buildLadder, type Ladder, type LadderEntry } from '../../src/format/ladder.js';
import { flattenLadder, ladderLayout, ladderRowLine, type LadderRow } from '../../src/format/ladder-lines.js';
import { lineText, seg } from '../../src/format/line.js';
import { LadderView } from '../../src/tui/screens/ladder-view.js';
import { DetailView } from '../../src/tui/screens/detail-view.js';
import type { KeyPress, ViewContext } from '../../src/tui/screens/view.js';
import { built, CHAT, clone, corpusFile, HAVE_CORPUS, type Built } from './fixtures.js';

let chat: Built;
beforeAll(async () => {
  chat = await built(CHAT);
});

const text = (s: Section | undefined): string[] => (s === undefined ? [] : s.lines.map(lineText));
const section = (list: Section[], title: string): Section | undefined => list.find((s) => s.title === title);

/**
 * The chat capture's file transfer (message 3: chunks 1-4096, 4097-8192, 8193-10000) turned into a
 * 20000-byte message its sender aborted with `#` on the third chunk, with no REPORT.
 */
function abortedChat(base: JsonDocument): JsonDocument {
  const doc = clone(base);
  const m = doc.messages[3] as JsonMessage;
  m.size = 20000;
  m.state = 'aborted';
  m.reports = [];
  m.reportCount = 0;
  m.delivery = { state: 'unknown', code: null, via: null, at: null, latencyMs: null };
  m.file = null;
  const leg = m.legs[0];
  if (leg === undefined) throw new Error('no leg');
  leg.state = 'aborted';
  leg.lastFlag = '#';
  leg.total = 20000;
  leg.holes = [[10001, 20000]];
  leg.finalResponse = null;
  const last = doc.transactions[6] as JsonTransaction;
  if (last.request === null || last.byteRange === null) throw new Error('no request');
  last.request.flag = '#';
  last.byteRange = { start: 8193, end: null, total: 20000 };
  doc.transactions = doc.transactions.filter((t) => t.id !== 7);
  return doc;
}

describe('an aborted message (chat variant)', () => {
  it('reads as aborted on the folded line: by the sender, where, which chunk and frame; no ✓', () => {
    const doc = abortedChat(chat.doc);
    const l = buildLadder(doc, { kind: 'session', session: 0 });
    const e = l.entries.find((x) => x.target.kind === 'message' && x.target.message === 3) as LadderEntry;
    expect(lineText(e.label)).toBe('SEND aborted at 10000 of 20000 B by the sender (chunk 3, frame 35) · 3×200 · 27 ms');
    expect(e.fail).toBe(true);
    expect(e.label.find((s) => s.text.startsWith('aborted'))?.style).toBe('fail');
    // The responses are listed neutrally: nothing green beside an aborted message.
    expect(e.label.find((s) => s.text === '3×200')?.style).toBeUndefined();
    expect(e.label.some((s) => s.style === 'ok')).toBe(false);
  });

  it('says so in the Delivery section instead of "? unknown"', () => {
    const doc = abortedChat(chat.doc);
    const d = detailSections(doc, { kind: 'message', message: 3, transaction: 4 }, { width: 80 });
    expect(text(section(d, 'Delivery'))).toEqual([
      'delivery          # aborted at 10000 of 20000 B by the sender (chunk 3, frame 35)',
      'aborted on        hop 0  192.0.2.10:49733 → 198.51.100.20:2855  conn 0',
      'no REPORT seen',
    ]);
    expect(section(d, 'Delivery')?.lines[0]?.[1]?.style).toBe('fail');
  });

  it('keeps a verdict the message has, and adds where it was aborted', () => {
    const doc = abortedChat(chat.doc);
    const m = doc.messages[3] as JsonMessage;
    m.delivery = { state: 'failed', code: 400, via: 'report', at: null, latencyMs: null };
    const d = detailSections(doc, { kind: 'message', message: 3, transaction: 4 }, { width: 80 });
    expect(text(section(d, 'Delivery')).slice(0, 2)).toEqual([
      'delivery          ✗ failed 400 (by report)',
      'aborted           at 10000 of 20000 B by the sender (chunk 3, frame 35)',
    ]);
  });

  it('counts the hex dump from what the capture holds, and says what is missing apart', () => {
    const doc = abortedChat(chat.doc);
    const d = detailSections(doc, { kind: 'message', message: 3, transaction: 4 }, { width: 80, body: chat.body(3) });
    const hex = text(section(d, 'Body (hex)'));
    expect(hex).toHaveLength(19);
    // 256 shown + 768 kept + 8976 on the wire = the 10000 B sent; the other 10000 B never were.
    expect(hex.slice(16)).toEqual([
      '… 768 more bytes kept (not shown)',
      '… 8976 more bytes on the wire (not kept)',
      '… 10000 bytes never sent (aborted by the sender)',
    ]);
    const plain = detailSections(doc, { kind: 'message', message: 3, transaction: 4 }, { width: 80 });
    expect(text(section(plain, 'Body'))).toEqual([
      '(10000 of 20000 bytes of application/octet-stream content on the wire; no text preview)',
      '… 10000 bytes never sent (aborted by the sender)',
    ]);
  });

  it('lists every chunk transaction of the message, the # one included', () => {
    const doc = abortedChat(chat.doc);
    const d = detailSections(doc, { kind: 'message', message: 3, transaction: 4 }, { width: 80 });
    const chunks = section(d, 'Chunks');
    expect(text(chunks)).toEqual([
      'hop 0  conn 0 c2s  192.0.2.10:49733 → 198.51.100.20:2855  3 chunks',
      '    1  f0l3chunk0  1-4096/*     +  frames 21–24  200 OK · 6.05 ms (frame 26)',
      '    2  f1l3chunk1  4097-8192/*  +  frames 28–31  200 OK · 6.05 ms (frame 33)',
      '    3  f2l3chunk2  8193-*/20000 #  frames 35–37  200 OK · 6.05 ms (frame 39)',
    ]);
    expect(chunks?.lines[3]?.find((s) => s.text === '#')?.style).toBe('fail');
    expect(text(section(d, 'Hops'))).toEqual([
      'hop 0  conn 0 c2s  192.0.2.10:49733 → 198.51.100.20:2855  To-Path 1',
      '      3 chunks, 10.0 kB, aborted · no final response (aborted)',
      "      first hop (the message's first chunk)",
      '      response time 6.05 ms avg',
    ]);
  });
});

describe('body byte accounting', () => {
  const msg = (over: Partial<JsonMessage>): JsonMessage => ({ ...(chat.doc.messages[3] as JsonMessage), ...over });

  it('splits the rest into not kept, never sent (after the abort) and not captured (holes)', () => {
    const leg = { ...(chat.doc.messages[3]?.legs[0] as JsonMessage['legs'][number]), state: 'aborted' as const, ranges: [[1, 10], [21, 40]] as Array<[number, number]> };
    expect(bodyAccount(msg({ size: 100, bytesSeen: 30, state: 'aborted', legs: [leg] }), 8)).toEqual({ onWire: 30, notKept: 22, neverSent: 60, notCaptured: 10 });
    expect(bodyAccount(msg({ size: 100, bytesSeen: 30, state: 'incomplete', legs: [{ ...leg, state: 'incomplete' }] }), 0)).toEqual({
      onWire: 30,
      notKept: 30,
      neverSent: 0,
      notCaptured: 70,
    });
    expect(bodyAccount(msg({ size: null, bytesSeen: 30, state: 'incomplete' }), 30)).toEqual({ onWire: 30, notKept: 0, neverSent: 0, notCaptured: 0 });
  });
});

describe('chunks of a long message', () => {
  it('lists every chunk of each hop, 50 a page, in time order; the last page holds the # chunk', () => {
    const m = chat.doc.messages[3] as JsonMessage;
    const t0 = chat.doc.transactions[4] as JsonTransaction;
    const txs: JsonTransaction[] = [];
    for (let i = 0; i < 10000; i++) {
      const t = JSON.parse(JSON.stringify(t0)) as JsonTransaction;
      t.id = 100 + i;
      t.transactionId = `c${i + 1}`;
      t.byteRange = { start: i * 10 + 1, end: i * 10 + 10, total: 100000 };
      if (t.request !== null) {
        t.request.at = { frame: 100 + 2 * i, time: t0.request?.at.time ?? '', epoch: 1795600000 + i / 1000 };
        t.request.lastFrame = 100 + 2 * i;
        t.request.flag = i === 9999 ? '#' : '+';
      }
      txs.push(t);
    }
    expect(chunkPages(m, txs)).toBe(200);
    // Listed in reverse: the section orders chunks by time.
    const first = text(chunksSection(m, txs.slice().reverse()));
    expect(first).toHaveLength(1 + 1 + 50);
    expect(first[0]).toBe('page 1 of 200: chunks 1–50 of each hop · [ previous page · ] next page');
    expect(first[1]).toBe('hop 0  conn 0 c2s  192.0.2.10:49733 → 198.51.100.20:2855  10000 chunks');
    expect(first[2]).toMatch(/^ {4} {4}1 {2}c1 +1-10\/100000 +\+ {2}frame 100 {2}200 OK/);
    expect(first[51]).toMatch(/^ {4} {3}50 {2}c50 /);
    const second = text(chunksSection(m, txs, 1));
    expect(second[0]).toBe('page 2 of 200: chunks 51–100 of each hop · [ previous page · ] next page');
    expect(second[2]).toMatch(/^ {4} {3}51 {2}c51 /);
    // Past the end is the last page, whose last line is the # chunk.
    const last = text(chunksSection(m, txs, 999));
    expect(last[0]).toBe('page 200 of 200: chunks 9951–10000 of each hop · [ previous page · ] next page');
    expect(last[2]).toMatch(/^ {4} 9951 {2}c9951 /);
    expect(last[51]).toMatch(/^ {4}10000 {2}c10000 +99991-100000\/100000 # {2}frame 20098 /);
    expect(last).toHaveLength(52);
  });
});

/** A ladder by hand: message A at t=1 with chunks at 1, 3, 5; message B at t=2 with chunks at 2, 4. */
function overlapping(): Ladder {
  const at = (s: number): { frame: number; time: string; epoch: number } => ({ frame: s, time: `2026-01-01T00:00:0${s}.000000Z`, epoch: 1000 + s });
  const entry = (key: string, t: number, children: LadderEntry[] = []): LadderEntry => ({
    key,
    at: at(t),
    from: 0,
    to: 1,
    label: [seg(key)],
    fail: false,
    cut: false,
    folded: children.length > 0,
    sip: false,
    target: { kind: 'transaction', transaction: t, part: 'request' },
    transactions: [],
    expandable: children.length > 0,
    children,
  });
  return {
    scope: { kind: 'session', session: 0 },
    title: 't',
    participants: [],
    entries: [entry('A', 1, [entry('a1', 1), entry('a3', 3), entry('a5', 5)]), entry('B', 2, [entry('b2', 2), entry('b4', 4)])],
  };
}

describe('unfolded chunks in time order', () => {
  it('places chunk rows at their own times, interleaved with the other messages, each knowing its message', () => {
    const l = overlapping();
    const flat = flattenLadder(l, new Set(['A', 'B']));
    expect(flat.map((r) => r.entry.key)).toEqual(['A', 'a1', 'B', 'b2', 'a3', 'b4', 'a5']);
    expect(flat.map((r) => r.parent?.key ?? '-')).toEqual(['-', 'A', '-', 'B', 'A', 'B', 'A']);
    const layout = ladderLayout(2, 80);
    const delta = flat.map((r, i) => lineText(ladderRowLine(r, flat[i - 1], layout, 'delta')).slice(0, 12).trim());
    expect(delta).toEqual(['00:00:01.000', '+0.000000', '+1.000000', '+0.000000', '+1.000000', '+1.000000', '+1.000000']);
    // Only A open: B stays between A's chunks.
    expect(flattenLadder(l, new Set(['A'])).map((r) => r.entry.key)).toEqual(['A', 'a1', 'B', 'a3', 'a5']);
    expect(flattenLadder(l, new Set()).map((r) => r.entry.key)).toEqual(['A', 'B']);
  });

  it('never shows a negative delta, even for rows out of order', () => {
    const l = overlapping();
    const [a, b] = l.entries as [LadderEntry, LadderEntry];
    const layout = ladderLayout(2, 80);
    const row = (e: LadderEntry): LadderRow => ({ entry: e, depth: 0, expanded: false });
    expect(lineText(ladderRowLine(row(a), row(b), layout, 'delta')).startsWith('+0.000000 ')).toBe(true);
  });
});

describe('help', () => {
  it('names the hop times and the final response in words', () => {
    const lines = helpLines().map(lineText);
    expect(lines).toContain('Message detail: what the words mean');
    expect(lines).toContain("  since previous  time since previous hop: this hop's first chunk after the previous hop's");
    expect(lines).toContain("  since first     time since first hop: this hop's first chunk after the message's first chunk");
    expect(lines).toContain('  final response  the response to the last chunk ($); no final response when it was never sent or answered');
  });
});

describe.skipIf(!HAVE_CORPUS)('relay_abort_fail.pcap: an image aborted on chunk 4 after 16384 of 60000 B', () => {
  let c: Built;
  beforeAll(async () => {
    c = await built(corpusFile('relay_abort_fail.pcap'));
  });

  it('reads as aborted on each hop, with no ✓', () => {
    const l = buildLadder(c.doc, { kind: 'session', session: 0 });
    const aborted = l.entries.filter((e) => e.target.kind === 'message' && e.target.message === 0);
    expect(aborted.map((e) => lineText(e.label))).toEqual([
      'SEND aborted at 16384 of 60000 B by the sender (chunk 4, frame 52) · 4×200 · 0.99 ms',
      'SEND aborted at 16384 of 60000 B by the sender (chunk 4, frame 55) · 4×200 · 1.02 ms',
      'SEND aborted at 16384 of 60000 B by the sender (chunk 4, frame 61) · 4×200 · 43 ms',
    ]);
    for (const e of aborted) expect(e.label.some((s) => s.style === 'ok')).toBe(false);
  });

  it('orders every row by time with every message unfolded; no delta is negative', () => {
    const l = buildLadder(c.doc, { kind: 'session', session: 0 });
    const flat = flattenLadder(l, new Set(l.entries.filter((e) => e.expandable).map((e) => e.key)));
    for (let i = 1; i < flat.length; i++) expect((flat[i]?.entry.at.epoch ?? 0) >= (flat[i - 1]?.entry.at.epoch ?? 0)).toBe(true);
    const layout = ladderLayout(l.participants.length, 160);
    const delta = flat.map((r, i) => lineText(ladderRowLine(r, flat[i - 1], layout, 'delta')));
    expect(delta.filter((t) => t.startsWith('-'))).toEqual([]);
    // The three hops of the image overlap: their chunk rows interleave (frames in capture order).
    const from = flat.findIndex((r) => r.entry.key === aborted0(l));
    const frames = flat.slice(from, from + 27).map((r) => `${r.depth === 0 ? 'h' : ''}${r.entry.at.frame}`);
    expect(frames).toEqual(['h35', '35', '36', 'h38', '38', '40', '42', 'h43', '43', '45', '46', '47', '48', '49', '50', '51', '52', '53', '54', '55', '57', '58', '59', '60', '61', '63', '66']);
  });

  it('folds the message of an interleaved chunk row (Left), not the message drawn above it', () => {
    const view = new LadderView({ kind: 'session', session: 0 });
    const ctx: ViewContext = { doc: c.doc, timeMode: 'absolute', follow: false, live: false, body: undefined };
    const key = (name: string, ch?: string): KeyPress => ({ name, ch });
    view.render(ctx, 160, 40);
    view.key(key('x', 'x'), ctx);
    const rows = view.rows(ctx);
    // Hop 0's second chunk (frame 42) comes after hop 1's message row (frame 38).
    const i = rows.findIndex((r) => r.depth === 1 && r.entry.at.frame === 42);
    const above = rows.slice(0, i).reverse().find((r) => r.depth === 0);
    expect(above?.entry.at.frame).toBe(38);
    expect(rows[i]?.parent?.key).toBe(aborted0(buildLadder(c.doc, { kind: 'session', session: 0 })));
    for (let k = 0; k < i; k++) view.key(key('down'), ctx);
    view.key(key('left'), ctx);
    const after = view.rows(ctx);
    const hop0 = after.find((r) => r.entry.key === rows[i]?.parent?.key);
    const hop1 = after.find((r) => r.entry.key === above?.entry.key);
    expect(hop0?.expanded).toBe(false);
    expect(hop1?.expanded).toBe(true);
    expect(after[view.cursor]?.entry.key).toBe(hop0?.entry.key);
  });

  it('says in the detail who aborted where, counts the bytes from the capture, and lists every chunk', () => {
    const d = detailSections(c.doc, { kind: 'message', message: 0, transaction: 7 }, { width: 160, body: c.body(0) });
    expect(text(section(d, 'Delivery'))).toEqual([
      'delivery          # aborted at 16384 of 60000 B by the sender (chunk 4, frame 52)',
      'aborted on        hop 0  127.0.0.1:57624 → 127.0.0.1:2865  conn 0; passed on by hops 1, 2',
      'no REPORT seen',
    ]);
    const hex = text(section(d, 'Body (hex)'));
    expect(hex.slice(16)).toEqual([
      '… 768 more bytes kept (not shown)',
      '… 15360 more bytes on the wire (not kept)',
      '… 43616 bytes never sent (aborted by the sender)',
    ]);
    expect(text(section(d, 'Chunks'))).toEqual([
      'hop 0  conn 0 c2s  127.0.0.1:57624 → 127.0.0.1:2865  4 chunks',
      '    1  TrSEuM8HYR  1-4096/60000      +  frame 35  200 OK · 0.11 ms (frame 36)',
      '    2  ZLO4lY8uLA  4097-8192/60000   +  frame 42  200 OK · 0.08 ms (frame 45)',
      '    3  FoRcXUkLlT  8193-12288/60000  +  frame 50  200 OK · 0.06 ms (frame 51)',
      '    4  w5ifSSjHN1  12289-16384/60000 #  frame 52  200 OK · 0.06 ms (frame 54)',
      'hop 1  conn 3 c2s  127.0.0.1:51574 → 127.0.0.1:2867  4 chunks',
      '    1  TrSEuM8HYR  1-4096/60000      +  frame 38  200 OK · 0.08 ms (frame 40)',
      '    2  ZLO4lY8uLA  4097-8192/60000   +  frame 46  200 OK · 0.02 ms (frame 47)',
      '    3  FoRcXUkLlT  8193-12288/60000  +  frame 53  200 OK · 0.16 ms (frame 57)',
      '    4  w5ifSSjHN1  12289-16384/60000 #  frame 55  200 OK · 0.13 ms (frame 60)',
      'hop 2  conn 2 s2c  127.0.0.1:2867 → 127.0.0.1:46588  4 chunks',
      '    1  TrSEuM8HYR  1-4096/60000      +  frame 43  200 OK · 0.16 ms (frame 49)',
      '    2  ZLO4lY8uLA  4097-8192/60000   +  frame 48  200 OK · 0.77 ms (frame 59)',
      '    3  FoRcXUkLlT  8193-12288/60000  +  frame 58  200 OK · 0.15 ms (frame 63)',
      '    4  w5ifSSjHN1  12289-16384/60000 #  frame 61  200 OK · 42 ms (frame 66)',
    ]);
  });

  it('names the hop times and the missing final response in words', () => {
    const d = detailSections(c.doc, { kind: 'message', message: 0, transaction: 7 }, { width: 160 });
    expect(text(section(d, 'Hops'))).toEqual([
      'hop 0  conn 0 c2s  127.0.0.1:57624 → 127.0.0.1:2865  To-Path 3',
      '      4 chunks, 16.4 kB, aborted · no final response (aborted)',
      "      first hop (the message's first chunk)",
      '      response time 0.07 ms avg (0.06 ms–0.11 ms)',
      'hop 1  conn 3 c2s  127.0.0.1:51574 → 127.0.0.1:2867  To-Path 2',
      '      4 chunks, 16.4 kB, aborted · no final response (aborted)',
      '      +0.18 ms since previous hop · +0.18 ms since first hop',
      '      response time 0.10 ms avg (0.02 ms–0.16 ms)',
      'hop 2  conn 2 s2c  127.0.0.1:2867 → 127.0.0.1:46588  To-Path 1',
      '      4 chunks, 16.4 kB, aborted · no final response (aborted)',
      '      +0.13 ms since previous hop · +0.32 ms since first hop',
      '      response time 11 ms avg (0.15 ms–42 ms)',
    ]);
  });
});

function aborted0(l: Ladder): string {
  return l.entries.find((e) => e.target.kind === 'message' && e.target.message === 0)?.key ?? '';
}

describe('the detail screen pages the Chunks section', () => {
  it('] and [ move between pages; the hint names the keys only when there are pages', () => {
    const doc = clone(chat.doc);
    const t0 = doc.transactions[4] as JsonTransaction;
    doc.transactions = doc.transactions.filter((t) => t.message !== 3);
    for (let i = 0; i < 120; i++) {
      const t = JSON.parse(JSON.stringify(t0)) as JsonTransaction;
      t.id = 1000 + i;
      t.transactionId = `p${i + 1}`;
      t.byteRange = { start: i * 10 + 1, end: i * 10 + 10, total: 1200 };
      if (t.request !== null) {
        t.request.at = { frame: 1000 + i, time: t0.request?.at.time ?? '', epoch: 1795600000 + i / 1000 };
        t.request.lastFrame = 1000 + i;
      }
      doc.transactions.push(t);
    }
    const ctx: ViewContext = { doc, timeMode: 'absolute', follow: false, live: false, body: undefined };
    const view = new DetailView({ kind: 'message', message: 3, transaction: 1000 }, [], undefined);
    const page = (): string[] => view.text(ctx, 100).map((l) => lineText(l).trim()).filter((l) => l.startsWith('page ') || /^\d+ {2}p\d+ /.test(l));
    let lines = page();
    expect(lines[0]).toBe('page 1 of 3: chunks 1–50 of each hop · [ previous page · ] next page');
    expect(lines.slice(1).map((l) => l.split(/ +/)[1])).toEqual(Array.from({ length: 50 }, (_, i) => `p${i + 1}`));
    expect(view.hints()).toContain('[ ] chunk pages');
    view.key({ name: ']', ch: ']' }, ctx);
    view.key({ name: ']', ch: ']' }, ctx);
    view.key({ name: ']', ch: ']' }, ctx);
    lines = page();
    expect(lines[0]).toBe('page 3 of 3: chunks 101–150 of each hop · [ previous page · ] next page');
    expect(lines.slice(1).map((l) => l.split(/ +/)[1])).toEqual(Array.from({ length: 20 }, (_, i) => `p${i + 101}`));
    view.key({ name: '[', ch: '[' }, ctx);
    expect(page()[0]).toBe('page 2 of 3: chunks 51–100 of each hop · [ previous page · ] next page');
    // A message of 3 chunks has one page and no page hint.
    const small = new DetailView({ kind: 'message', message: 3, transaction: 4 }, [], undefined);
    small.text({ ...ctx, doc: chat.doc }, 100);
    expect(small.hints()).not.toContain('[ ]');
  });
});
