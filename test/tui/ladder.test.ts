import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonDocument } from '../../src/export/json-types.js';
import { buildLadder, type LadderEntry } from '../../src/format/ladder.js';
import { flattenLadder, ladderHeader, ladderLayout, ladderRowLine } from '../../src/format/ladder-lines.js';
import { lineText } from '../../src/format/line.js';
import { displayWidth } from '../../src/format/text-width.js';
import { built, CHAT, corpusFile, HAVE_CORPUS, syntheticDocument } from './fixtures.js';

let chat: JsonDocument;
beforeAll(async () => {
  chat = (await built(CHAT)).doc;
});

const labels = (es: readonly LadderEntry[]): string[] => es.map((e) => lineText(e.label));

describe('ladder of the chat session', () => {
  it('has the two endpoints as columns', () => {
    const l = buildLadder(chat, { kind: 'session', session: 0 });
    expect(l.title).toBe('session 0: alice@example.com ↔ bob@example.net');
    expect(l.participants).toEqual([
      { short: 'A', label: 'alice@example.com 192.0.2.10:2855/a1iceS3ss', kind: 'endpoint' },
      { short: 'B', label: 'bob@example.net 198.51.100.20:2855/b0bS3ssi0n', kind: 'endpoint' },
    ]);
  });

  it('folds each message into one arrow, with SIP INVITE/200/BYE on the same timeline', () => {
    const l = buildLadder(chat, { kind: 'session', session: 0 });
    expect(labels(l.entries)).toEqual([
      'SIP INVITE alice@example.com → bob@example.net',
      'SIP 200 (SDP answer)',
      'SEND 25 B ✓ 200 · REPORT 000 200 OK · 12 ms',
      'SEND 39 B ✓ 200 · 10 ms',
      'SEND 262 B ✓ 200 · 9.10 ms',
      'SEND 10000 B in 3 chunks ✓ 200 · REPORT 000 200 OK · 42 ms',
      'SIP BYE (callee ends the call)',
    ]);
    expect(l.entries.map((e) => [e.from, e.to])).toEqual([[0, 1], [1, 0], [0, 1], [1, 0], [0, 1], [0, 1], [1, 0]]);
    expect(l.entries.map((e) => e.at.frame)).toEqual([1, 3, 8, 12, 16, 21, 47]);
    expect(l.entries.some((e) => e.fail)).toBe(false);
    const file = l.entries[5] as LadderEntry;
    expect(file.folded).toBe(true);
    expect(file.target).toEqual({ kind: 'message', message: 3, transaction: 4 });
    expect(file.transactions).toEqual([4, 5, 6, 7]);
  });

  it('expands a folded message into its chunks, responses and REPORT', () => {
    const l = buildLadder(chat, { kind: 'session', session: 0 });
    const file = l.entries[5] as LadderEntry;
    expect(labels(file.children)).toEqual([
      'SEND 1-4096/* 4096 B +',
      '200 OK · 6.05 ms',
      'SEND 4097-8192/* 4096 B +',
      '200 OK · 6.05 ms',
      'SEND 8193-10000/10000 1808 B $',
      '200 OK · 6.05 ms',
      'REPORT 000 200 OK 1-10000/10000',
    ]);
    expect(file.children.map((e) => [e.from, e.to])).toEqual([[0, 1], [1, 0], [0, 1], [1, 0], [0, 1], [1, 0], [1, 0]]);
    const flat = flattenLadder(l, new Set([file.key]));
    expect(flat).toHaveLength(7 + 7);
    expect(flat[5]?.expanded).toBe(true);
    expect(flat.slice(6, 13).every((r) => r.depth === 1)).toBe(true);
    expect(flattenLadder(l, new Set())).toHaveLength(7);
  });

  it('draws rows in 80 columns: time, lifelines, arrow, label', () => {
    const l = buildLadder(chat, { kind: 'session', session: 0 });
    const layout = ladderLayout(l.participants.length, 80);
    const header = ladderHeader(l, layout, 'absolute').map(lineText);
    expect(header).toEqual([
      'A alice@example.com 192.0.2.10:2855/a1iceS3ss',
      'B bob@example.net 198.51.100.20:2855/b0bS3ssi0n',
      'Time (UTC)   A         B  Request / response                                    ',
    ]);
    const file = l.entries[5] as LadderEntry;
    const flat = flattenLadder(l, new Set([file.key]));
    const text = flat.map((r, i) => lineText(ladderRowLine(r, flat[i - 1], layout, 'absolute')));
    expect(text[0]).toBe('09:46:40.000 │────────>│    SIP INVITE alice@example.com → bob@example.net');
    expect(text[1]).toBe('09:46:40.920 │<────────│    SIP 200 (SDP answer)');
    expect(text[2]).toBe('09:46:43.927 │════════>│  ▸ SEND 25 B ✓ 200 · REPORT 000 200 OK · 12 ms');
    expect(text[5]).toBe('09:46:49.958 │════════>│  ▾ SEND 10000 B in 3 chunks ✓ 200 · REPORT 000 200 OK …');
    expect(text[6]).toBe('09:46:49.958 │────────>│    └ SEND 1-4096/* 4096 B +');
    expect(text[7]).toBe('09:46:49.964 │<────────│    └ 200 OK · 6.05 ms');
    for (const t of text) expect(displayWidth(t)).toBeLessThanOrEqual(80);
    const delta = flat.map((r, i) => lineText(ladderRowLine(r, flat[i - 1], layout, 'delta')));
    expect(delta[0]?.startsWith('09:46:40.000 ')).toBe(true);
    expect(delta[1]?.startsWith('+0.920000    ')).toBe(true);
    expect(delta[2]?.startsWith('+3.007200    ')).toBe(true);
    expect(lineText(ladderHeader(l, layout, 'delta')[2] ?? []).startsWith('Δ time')).toBe(true);
  });

  it('marks failures red: a failure response, an aborted leg', () => {
    const doc = JSON.parse(JSON.stringify(chat)) as JsonDocument;
    const t = doc.transactions[2];
    if (t?.response) {
      t.response.status = 481;
      t.response.comment = 'No Such Session';
    }
    const l = buildLadder(doc, { kind: 'session', session: 0 });
    const reply = l.entries[3] as LadderEntry;
    expect(lineText(reply.label)).toBe('SEND 39 B ✗ 481 · 10 ms');
    expect(reply.fail).toBe(true);
    expect(reply.label.find((s) => s.text.includes('481'))?.style).toBe('fail');
    const layout = ladderLayout(2, 80);
    const row = ladderRowLine({ entry: reply, depth: 0, expanded: false }, undefined, layout, 'absolute');
    expect(row.find((s) => s.text.includes('<'))?.style).toBe('fail');
    expect(labels(reply.children)[1]).toBe('481 No Such Session · 10 ms');
  });
});

describe('ladder of thousands of rows', () => {
  it('builds 5000 folded entries and formats only what is asked', () => {
    const doc = syntheticDocument(chat, 5000);
    const l = buildLadder(doc, { kind: 'session', session: 0 });
    expect(l.entries).toHaveLength(5000);
    expect(lineText(l.entries[4999]?.label ?? [])).toBe('SEND 25 B ✓ 200');
    const flat = flattenLadder(l, new Set());
    expect(flat).toHaveLength(5000);
    expect(flat[4321]?.entry.target).toEqual({ kind: 'message', message: 4321, transaction: 4321 });
  });
});

describe.skipIf(!HAVE_CORPUS)('ladders through relays', () => {
  it('orders the columns endpoint, relays, endpoint and draws each leg between its hops', async () => {
    const { doc } = await built(corpusFile('relay_chunked.pcap'));
    const l = buildLadder(doc, { kind: 'session', session: 0 });
    expect(l.participants.map((p) => `${p.short} ${p.label}`)).toEqual([
      'A 127.0.0.1:38676/fnL3zO6lNZHl',
      'R1 127.0.0.1:2865',
      'R2 127.0.0.1:2867',
      'B 127.0.0.1:39930/8vsl2OBdRU93',
    ]);
    const big = l.entries.filter((e) => e.target.kind === 'message' && e.target.message === 0);
    expect(big.map((e) => [e.from, e.to])).toEqual([[0, 1], [1, 2], [2, 3]]);
    expect(big.map((e) => lineText(e.label).split(' · ')[0])).toEqual([
      'SEND 120000 B in 30 chunks ✓ 200',
      'SEND 120000 B in 30 chunks ✓ 200',
      'SEND 120000 B in 30 chunks ✓ 200',
    ]);
    // The REPORT from B travels back B → R2 → R1 → A; each hop is folded into the leg it answers.
    expect(lineText(big[0]?.label ?? [])).toMatch(/^SEND 120000 B in 30 chunks ✓ 200 · REPORT 000 200 OK · \d+ ms$/);
    expect(lineText(big[1]?.label ?? [])).toMatch(/· REPORT 000 200 OK · /);
    expect(lineText(big[2]?.label ?? [])).toMatch(/· REPORT 000 200 OK · /);
    // AUTH of both endpoints shares the timeline: A ↔ R1 and B ↔ R2.
    const auth = l.entries.filter((e) => lineText(e.label).startsWith('AUTH'));
    expect(auth.map((e) => [e.from, e.to])).toEqual([[0, 1], [0, 1], [3, 2], [3, 2]]);
    expect(labels(l.entries.filter((e) => lineText(e.label).includes('(AUTH)')))).toEqual([
      '401 Unauthorized · 0.24 ms (AUTH)',
      '200 OK · 0.08 ms (AUTH)',
      '401 Unauthorized · 0.12 ms (AUTH)',
      '200 OK · 0.06 ms (AUTH)',
    ]);
    const layout = ladderLayout(4, 80);
    const flat = flattenLadder(l, new Set());
    const row = lineText(ladderRowLine(flat.find((r) => r.entry === big[1]) as (typeof flat)[number], undefined, layout, 'absolute'));
    expect(row).toBe('17:22:51.946 │       │══════>│       │  ▸ SEND 120000 B in 30 chunks ✓ 200 · RE…');
  });

  it('shows failures and aborts in red, and the "(no session)" ladder of a connection', async () => {
    const { doc } = await built(corpusFile('relay_abort_fail.pcap'));
    const l = buildLadder(doc, { kind: 'session', session: 0 });
    const aborted = l.entries.filter((e) => e.target.kind === 'message' && e.target.message === 0);
    expect(aborted).toHaveLength(3);
    for (const e of aborted) {
      expect(e.fail).toBe(true);
      // The leg state comes first, so a narrow screen still shows it; no success mark beside it.
      expect(lineText(e.label)).toMatch(/^SEND aborted at 16384 of 60000 B by the sender \(chunk 4, frame \d+\) · 4×200 · /);
      expect(lineText(e.label)).not.toContain('✓');
    }
    expect(aborted.map((e) => [e.from, e.to])).toEqual([[0, 1], [1, 2], [2, 3]]);
    const rejected = l.entries.find((e) => lineText(e.label).includes('✗ 415'));
    expect(rejected && [rejected.from, rejected.to]).toEqual([2, 3]);
    const c1 = buildLadder(doc, { kind: 'connection', connection: 1 });
    expect(c1.title).toBe('connection 1 (no session): 127.0.0.1:57638 ↔ 127.0.0.1:2865');
    expect(labels(c1.entries)).toEqual([
      'AUTH',
      '401 Unauthorized · 0.19 ms (AUTH)',
      'AUTH (with credentials)',
      '423 Interval Out Of Bounds · 0.10 ms (AUTH) (cut)',
    ]);
    expect(c1.entries[3]?.fail).toBe(true);
    const s2 = buildLadder(doc, { kind: 'session', session: 2 });
    expect(labels(s2.entries).slice(-2)).toEqual(['NICKNAME', '501 Request-method-not-understood · 0.16 ms (NICKNAME)']);
  });
});
