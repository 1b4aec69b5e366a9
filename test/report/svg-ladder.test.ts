/** The report's diagram without a browser: one arrow per entry, folds, red failures, hover titles, pages. */
import { describe, expect, it } from 'vitest';
import { buildLadder } from '../../src/format/ladder.js';
import { ladderData } from '../../src/report/ladder-data.js';
import { ladderRows, ladderSvg } from '../../src/report/svg-ladder.js';
import type { LadderData } from '../../src/report/types.js';
import { built, CHAT, corpusFile, HAVE_CORPUS } from '../tui/fixtures.js';
import { count } from './helpers.js';

function synthetic(): LadderData {
  return {
    id: 'session-0',
    title: 'session 0: <a> ↔ b',
    b: 1000,
    p: [
      { s: 'A', l: 'alice <x>', k: 'endpoint' },
      { s: 'R1', l: 'relay', k: 'relay' },
      { s: 'B', l: 'bob', k: 'endpoint' },
    ],
    r: [
      {
        k: 'm0',
        t: '10:00:00.000',
        e: 0,
        n: 1,
        f: 0,
        o: 1,
        l: [['SEND', 'head'], [' 10 B in 2 chunks', ''], [' ✓ 200', 'ok']],
        s: 1,
        h: 'm0 · 2 chunks',
        q: [0, 1],
        c: [
          { t: '10:00:00.000', e: 0, n: 1, f: 0, o: 1, l: [['SEND', 'head']], h: 'SEND t0 · RTT 1.00 ms', q: [0] },
          { t: '10:00:00.001', e: 1000, n: 2, f: 1, o: 0, l: [['200 OK', 'ok']], h: 'SEND t0 · RTT 1.00 ms', q: [0] },
          { t: '10:00:00.003', e: 3000, n: 4, f: 0, o: 1, l: [['SEND', 'head']], h: 'SEND t1 · RTT 2.00 ms', q: [1] },
          { t: '10:00:00.005', e: 5000, n: 5, f: 1, o: 0, l: [['200 OK', 'ok']], h: 'SEND t1 · RTT 2.00 ms', q: [1] },
        ],
      },
      { t: '10:00:00.002', e: 2000, n: 3, f: 1, o: 2, l: [['SEND', 'head'], [' ✗ 481 <b>', 'fail']], x: 1, h: 'SEND t2 · RTT 0.50 ms', q: [2] },
      { t: '10:00:00.004', e: 4000, n: 4, f: 2, o: 1, l: [['481 No session', 'fail']], x: 1, h: 'RTT 0.50 ms', q: [2] },
    ],
    sip: [],
  };
}

describe('SVG ladder', () => {
  it('draws one arrow per entry, folded messages as one double arrow, failures red', () => {
    const v = ladderSvg(synthetic(), {}, 0, 100);
    expect(v.rows).toBe(3);
    expect(count(v.svg, /<g class="arrow/)).toBe(3);
    expect(count(v.svg, /<g class="arrow fail/)).toBe(2);
    expect(count(v.svg, /<g class="arrow ok folded" data-tx="0 1" data-fold="m0"/)).toBe(1);
    expect(count(v.svg, /<line class="shaft"/)).toBe(4); // two for the folded arrow, one each for the others
    expect(v.svg).toContain('<title>SEND t2 · RTT 0.50 ms</title>');
    expect(count(v.svg, /<text class="short"/)).toBe(3);
    // Capture text is escaped in titles, labels and participants.
    expect(v.svg).not.toMatch(/<a>|<b>|<x>/);
    expect(v.svg).toContain('✗ 481 &lt;b&gt;');
  });

  it('unfolds a message into its chunks, in time order among the other rows', () => {
    const rows = ladderRows(synthetic(), { m0: true });
    expect(rows.map((r) => r.row.n)).toEqual([1, 1, 2, 3, 4, 4, 5]);
    expect(rows.map((r) => r.depth)).toEqual([0, 1, 1, 0, 1, 0, 1]);
    const v = ladderSvg(synthetic(), { m0: true }, 0, 100);
    expect(count(v.svg, /<g class="arrow/)).toBe(7);
    expect(count(v.svg, /class="arrow [a-z]+ plain child"/)).toBe(4);
    expect(v.svg).toContain('aria-expanded="true"');
  });

  it('pages long ladders', () => {
    const v = ladderSvg(synthetic(), { m0: true }, 1, 3);
    expect(v).toMatchObject({ rows: 7, pages: 3, page: 1 });
    expect(count(v.svg, /<g class="arrow/)).toBe(3);
    expect(ladderSvg(synthetic(), {}, 99, 3).page).toBe(0);
  });

  it('draws the ladder view model of a real capture: an arrow per entry, and per request/response unfolded', async () => {
    const { doc } = await built(CHAT);
    const d = ladderData(doc, { kind: 'session', session: 0 });
    const l = buildLadder(doc, { kind: 'session', session: 0 });
    expect(d.r).toHaveLength(l.entries.length);
    expect(d.p.map((p) => p.s)).toEqual(l.participants.map((p) => p.short));
    const folded = ladderSvg(d, {}, 0, 1000);
    expect(count(folded.svg, /<g class="arrow/)).toBe(l.entries.length);
    const open = Object.fromEntries(d.r.flatMap((r) => (r.k === undefined ? [] : [[r.k, true]])));
    const all = ladderSvg(d, open, 0, 1000);
    const txs = doc.transactions.filter((t) => t.session === 0);
    const parts = txs.reduce((n, t) => n + (t.request === null ? 0 : 1) + (t.response === null ? 0 : 1), 0);
    expect(count(all.svg, /class="arrow [a-z]+ plain/)).toBe(parts);
    expect(all.svg).toMatch(/<title>SEND [^<]* · RTT [0-9.]+ ms<\/title>/);
  });

  it.skipIf(!HAVE_CORPUS)('marks the aborted message and the failed responses red (relay_abort_fail)', async () => {
    const { doc } = await built(corpusFile('relay_abort_fail.pcap'));
    const d = ladderData(doc, { kind: 'session', session: 0 });
    const svg = ladderSvg(d, {}, 0, 1000).svg;
    // The 60000-byte image aborted by its sender: one folded arrow per hop, each red.
    expect(count(svg, /<g class="arrow fail folded"[^>]*>(?:(?!<\/g>).)*aborted at 16384 of 60000 B/)).toBe(3);
    // 481 and 415 failures on the message legs.
    expect(svg).toMatch(/<g class="arrow fail folded"(?:(?!<\/g>).)*✗ 481/);
    expect(svg).toMatch(/<g class="arrow fail folded"(?:(?!<\/g>).)*✗ 415/);
  });

  it.skipIf(!HAVE_CORPUS)('draws a response cut before its end-line red (relay_abort_fail, the 423 of connection 1)', async () => {
    const { doc } = await built(corpusFile('relay_abort_fail.pcap'));
    const d = ladderData(doc, { kind: 'connection', connection: 1 });
    const row = d.r.find((r) => r.l.some(([t]) => t.includes('(cut)')));
    expect(row?.l.map(([t]) => t).join('')).toMatch(/^423 .*\(cut\)/);
    expect(row?.x).toBe(1);
    expect(ladderSvg(d, {}, 0, 100).svg).toMatch(/<g class="arrow fail plain"(?:(?!<\/g>).)*423 /);
  });
});
