import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Correlator } from '../../src/model/correlator.js';
import type { FoldOptions } from '../../src/model/message-fold.js';
import { HashSet53, keyHash } from '../../src/util/hash53.js';
import { summaryJson } from '../../src/export/json.js';
import { summaryInput } from '../../src/export/summary-input.js';
import { renderSummary } from '../../src/export/summary.js';
import { createNdjsonWriter } from '../../src/export/ndjson.js';
import { foldOptions } from '../../src/cli/analyze.js';
import { ALICE, BOB, RELAY_A, feedRequest, feedResponse, finishStore, reportHeaders, sendHeaders, tcpConn } from '../helpers/frames.js';

interface Spec {
  /** Capture time of its first chunk (ms). */
  ms: number;
  /** Body length (chunked by 40 bytes). */
  size: number;
  /** Success REPORT status sent back ('200 OK', '415 …'), none when undefined. */
  report?: string;
  /** Status of the responses (200 unless given). */
  status?: number;
  /** Sent through a relay (To-Path of two URIs: a 200 says only the relay got it). */
  relayed?: boolean;
  /** Last chunk ends with '#'. */
  abort?: boolean;
  session?: number;
}

/** Feeds message `i` of `spec`: its chunks, each answered, then its REPORT. Frame numbers are i × 100 + n. */
function feedMessage(store: Correlator, i: number, spec: Spec): void {
  const c = tcpConn(spec.session ?? 0);
  const id = `m${i}abc`;
  const body = Buffer.alloc(spec.size, 0x61 + (i % 26));
  const to = spec.relayed === true ? [RELAY_A, BOB] : [BOB];
  let frame = i * 100 + 1;
  let ms = spec.ms;
  for (let start = 0; start < spec.size; start += 40) {
    const end = Math.min(spec.size, start + 40);
    const last = end === spec.size;
    const tid = `t${i}x${start}`;
    feedRequest(store, c, 0, {
      tid,
      method: 'SEND',
      headers: sendHeaders({ id, to, range: `${start + 1}-${end}/${spec.size}`, type: 'text/plain', extra: [['Success-Report', spec.report === undefined ? 'no' : 'yes']] }),
      body: body.subarray(start, end),
      flag: last ? (spec.abort === true ? '#' : '$') : '+',
      frame: frame++,
      ms: ms++,
    });
    feedResponse(store, c, 1, { tid, status: spec.status ?? 200, frame: frame++, ms: ms++ });
  }
  if (spec.report !== undefined) {
    feedRequest(store, c, 1, {
      tid: `r${i}rep`,
      method: 'REPORT',
      headers: reportHeaders({ id, range: `1-${spec.size}/${spec.size}`, status: `000 ${spec.report}` }),
      frame: frame++,
      ms: ms++,
    });
  }
}

function run(specs: Spec[], fold?: FoldOptions, after?: (store: Correlator) => void): { store: Correlator; lines: string[] } {
  const store = new Correlator({ foldMessages: fold, retainTransactions: false, keepPreviews: 'text' });
  const lines: string[] = [];
  createNdjsonWriter(store, (l) => lines.push(l));
  specs.forEach((s, i) => feedMessage(store, i, s));
  after?.(store);
  finishStore(store);
  return { store, lines };
}

/** A mix of outcomes, one message a second of capture time. */
function mixed(n: number): Spec[] {
  return Array.from({ length: n }, (_, i): Spec => {
    const base = { ms: i * 1000, size: 10 + ((i * 37) % 150), session: i % 3 };
    switch (i % 5) {
      case 0: return { ...base, report: '200 OK' };
      case 1: return { ...base, report: '415 Unsupported media' };
      case 2: return { ...base, relayed: true };
      case 3: return { ...base, status: 481 };
      default: return { ...base, abort: true };
    }
  });
}

const FOLD: FoldOptions = { keepFirst: 3, after: 4, settledMs: 2000, idleMs: 10_000 };

describe('folding settled messages into counts', () => {
  it('folds all but the first rows and the recent ones, and the summary reads the same as without folding', () => {
    const specs = mixed(40);
    const plain = run(specs);
    const folded = run(specs, FOLD);
    const view = folded.store.view();
    const counted = view.foldedMessages();
    expect(view.messageTotal()).toBe(40);
    expect(counted?.count).toBeGreaterThan(25);
    expect(view.messages().length + (counted?.count ?? 0)).toBe(40);
    // The first rows stay records, in index order.
    expect(view.messages().slice(0, 3).map((m) => m.index)).toEqual([0, 1, 2]);
    expect(view.messages().every((m) => !m.folded)).toBe(true);
    expect(plain.store.view().messages().length).toBe(40);
    expect(summaryJson(view)).toEqual(summaryJson(plain.store.view()));
    const s = summaryJson(view);
    expect(s.messages).toEqual({ total: 40, complete: 32, aborted: 8, incomplete: 0 });
    expect(s.delivery).toEqual({ delivered: 8, failed: 16, unknown: 16 });
    // The summary's rows are the first keepFirst messages (SUMMARY_ROWS in the CLI), the rest are counted.
    const style = { color: false, columns: 120, maxRows: 3 };
    const text = renderSummary(summaryInput(view), style);
    expect(text).toBe(renderSummary(summaryInput(plain.store.view()), style));
    expect(text).toContain('… 37 more');
    // The NDJSON lines are the same, the summary line included.
    expect(folded.lines).toEqual(plain.lines);
    expect(view.diagnostics().filter((d) => d.code === 'message-after-fold')).toEqual([]);
  });

  it('keeps every message while no more than `after` are held', () => {
    const { store } = run(mixed(12), { keepFirst: 0, after: 12, settledMs: 0, idleMs: 0 });
    expect(store.view().foldedMessages()).toBeUndefined();
    expect(store.view().messages().length).toBe(12);
  });

  it('waits idleMs for a message whose delivery is unknown, settledMs for a decided one', () => {
    // Messages 0-9: decided (REPORT 200) or unknown (relayed), one each 100 ms: 1 s of capture in all.
    const specs = Array.from({ length: 10 }, (_, i): Spec => ({ ms: i * 100, size: 20, ...(i % 2 === 0 ? { report: '200 OK' } : { relayed: true }) }));
    const { store } = run(specs, { keepFirst: 0, after: 0, settledMs: 300, idleMs: 5000 });
    const held = store.view().messages().map((m) => m.index);
    // The decided ones idle for 300 ms at the last chunk (900 ms) folded (6's REPORT came at 602 ms: 298 ms);
    // every unknown one is still held.
    expect(held).toEqual([1, 3, 5, 6, 7, 8, 9]);
    expect(store.view().foldedMessages()?.delivery).toEqual({ delivered: 3, failed: 0, unknown: 0 });
  });

  it('an incomplete message is never folded', () => {
    const specs: Spec[] = [{ ms: 0, size: 100 }, ...Array.from({ length: 6 }, (_, i): Spec => ({ ms: 60_000 + i * 1000, size: 10, report: '200 OK' }))];
    const { store } = run(specs, { keepFirst: 0, after: 0, settledMs: 0, idleMs: 0 }, (s) => {
      // A first chunk of a message whose end never comes.
      feedRequest(s, tcpConn(0), 0, {
        tid: 'open1chunk', method: 'SEND', headers: sendHeaders({ id: 'open-one', range: '1-40/100' }), body: 'x'.repeat(40), flag: '+', frame: 5000, ms: 100_000,
      });
      feedRequest(s, tcpConn(0), 0, {
        tid: 'late1chunk', method: 'SEND', headers: sendHeaders({ id: 'late-two', range: '1-5/5' }), body: 'hello', frame: 5001, ms: 200_000,
      });
    });
    const held = store.view().messages();
    expect(held.map((m) => m.messageId)).toContain('open-one');
    expect(held.find((m) => m.messageId === 'open-one')?.state()).toBe('incomplete');
  });

  it('a REPORT or chunk that names a folded message is counted as message-after-fold and changes nothing', () => {
    const specs = Array.from({ length: 8 }, (_, i): Spec => ({ ms: i * 1000, size: 30, report: '200 OK' }));
    const { store } = run(specs, { keepFirst: 0, after: 0, settledMs: 500, idleMs: 5000 }, (s) => {
      const c = tcpConn(0);
      // m0abc was folded long ago: a failure REPORT and a repeated chunk for it.
      feedRequest(s, c, 1, { tid: 'lateRep1', method: 'REPORT', headers: reportHeaders({ id: 'm0abc', range: '1-30/30', status: '000 408 Timeout' }), frame: 9000, ms: 20_000 });
      feedRequest(s, c, 0, { tid: 'lateSnd1', method: 'SEND', headers: sendHeaders({ id: 'm0abc', range: '1-30/30' }), body: 'y'.repeat(30), frame: 9001, ms: 20_001 });
      feedResponse(s, c, 1, { tid: 'lateSnd1', status: 200, frame: 9002, ms: 20_002 });
    });
    const v = store.view();
    const late = v.diagnostics().filter((d) => d.code === 'message-after-fold');
    expect(late.map((d) => [d.frame, d.detail])).toEqual([
      [9000, 'REPORT for Message-ID m0abc, already folded into the counts'],
      [9001, 'chunk for Message-ID m0abc, already folded into the counts'],
    ]);
    expect(late[0]?.severity).toBe('note');
    expect(v.diagnostics().some((d) => d.code === 'report-without-message')).toBe(false);
    const s = summaryJson(v);
    expect(s.messages.total).toBe(8);
    expect(s.delivery).toEqual({ delivered: 8, failed: 0, unknown: 0 });
    // The wire counts still count them.
    expect(s.requests).toEqual({ REPORT: 9, SEND: 9 });
  });

  it('a Message-ID folded in one session is a new message in another (ids counted per session)', () => {
    const store = new Correlator({ foldMessages: { keepFirst: 0, after: 0, settledMs: 500, idleMs: 5000 }, retainTransactions: false });
    const CAROL = 'msrp://10.0.0.3:40002/carol789;tcp';
    const send = (from: string, id: string, frame: number, ms: number): void => {
      const c = tcpConn(from === CAROL ? 1 : 0);
      feedRequest(store, c, 0, { tid: `s${frame}abcd`, method: 'SEND', headers: sendHeaders({ id, from: [from], range: '1-3/3' }), body: 'abc', frame, ms });
      feedResponse(store, c, 1, { tid: `s${frame}abcd`, status: 200, frame: frame + 1, ms: ms + 1 });
    };
    for (let i = 0; i < 5; i++) send(ALICE, `n${i}`, 10 + i * 10, i * 1000);
    expect(store.view().foldedMessages()?.count).toBe(4);
    send(CAROL, 'n0', 100, 6000);
    send(ALICE, 'n0', 200, 7000);
    finishStore(store);
    const v = store.view();
    expect(v.messageTotal()).toBe(6);
    expect(v.sessions().map((s) => s.messages)).toEqual([5, 1]);
    expect(v.diagnostics().filter((d) => d.code === 'message-after-fold').map((d) => d.frame)).toEqual([200]);
  });

  it('a response that comes after its message was folded is counted and not applied', () => {
    const store = new Correlator({ foldMessages: { keepFirst: 0, after: 0, settledMs: 500, idleMs: 5000 }, retainTransactions: false });
    const c = tcpConn(0);
    // One chunk, complete, its response withheld: stated, not settled (delivery unknown, a chunk unanswered).
    feedRequest(store, c, 0, { tid: 'slow1resp', method: 'SEND', headers: sendHeaders({ id: 'slow', range: '1-4/4' }), body: 'abcd', frame: 1, ms: 0 });
    feedMessage(store, 1, { ms: 4000, size: 10 });
    expect(store.view().foldedMessages()).toBeUndefined();
    feedMessage(store, 2, { ms: 6000, size: 10 });
    expect(store.view().foldedMessages()?.count).toBe(2);
    expect(store.view().messages().map((m) => m.messageId)).toEqual(['m2abc']);
    feedResponse(store, c, 1, { tid: 'slow1resp', status: 200, frame: 900, ms: 9000 });
    finishStore(store);
    const v = store.view();
    expect(v.diagnostics().filter((d) => d.code === 'message-after-fold').map((d) => d.detail)).toEqual([
      'response for Message-ID slow, already folded into the counts',
    ]);
    expect(summaryJson(v).delivery).toEqual({ delivered: 2, failed: 0, unknown: 1 });
    expect(summaryJson(v).responses).toEqual({ 200: 3 });
  });

  it('the per-session bytes and failures of folded messages reach the session rows', () => {
    const specs = mixed(30);
    const plain = run(specs).store.view();
    const v = run(specs, FOLD).store.view();
    const input = summaryInput(v);
    expect(input.foldedFailedBySession?.size).toBeGreaterThan(0);
    expect(input.sessions.map((s) => [s.id, s.messages, s.bytes])).toEqual(summaryInput(plain).sessions.map((s) => [s.id, s.messages, s.bytes]));
  });
});

describe('folded Message-IDs', () => {
  it('keyHash: 53 bits, never 0, differs on one character', () => {
    for (const s of ['', 'a', 'msg-1', 'x'.repeat(300)]) {
      const h = keyHash(s);
      expect(Number.isSafeInteger(h) && h > 0 && h < 2 ** 53).toBe(true);
    }
    expect(keyHash('m1abc')).not.toBe(keyHash('m1abd'));
    expect(keyHash('m1abc')).toBe(keyHash('m1abc'));
  });

  it('HashSet53 holds what it was given through its growth, and nothing else (100k ids)', () => {
    const set = new HashSet53();
    const ids = Array.from({ length: 100_000 }, (_, i) => `id-${i}-${(i * 2654435761) >>> 0}`);
    for (const id of ids) set.add(keyHash(id));
    set.add(keyHash(ids[5]!));
    expect(set.size).toBe(100_000);
    expect(ids.every((id) => set.has(keyHash(id)))).toBe(true);
    expect(ids.some((id) => set.has(keyHash(`${id}x`)))).toBe(false);
  });

  it('HashSet53 agrees with a Set for any values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 2 ** 53 - 1 }), { maxLength: 3000 }), fc.array(fc.integer({ min: 1, max: 2 ** 53 - 1 }), { maxLength: 50 }), (add, probe) => {
        const set = new HashSet53();
        const ref = new Set<number>();
        for (const v of add) {
          set.add(v);
          ref.add(v);
        }
        expect(set.size).toBe(ref.size);
        for (const v of [...add, ...probe]) expect(set.has(v)).toBe(ref.has(v));
      }),
      { numRuns: 60 },
    );
  });
});

describe('which outputs fold', () => {
  it('only when every output reads counts of most messages, and the summary is not filtered', () => {
    expect(foldOptions(['rows'], false)).toEqual({ keepFirst: 200 });
    expect(foldOptions(['counts'], false)).toEqual({ keepFirst: 0 });
    expect(foldOptions(['counts'], true)).toEqual({ keepFirst: 0 });
    expect(foldOptions(['rows', 'counts'], false)).toEqual({ keepFirst: 200 });
    expect(foldOptions(['rows'], true)).toBeUndefined();
    expect(foldOptions(['counts', 'all'], false)).toBeUndefined();
    expect(foldOptions([], false)).toBeUndefined();
    // --json and --extract each take every record as it is let go; the summary's rows stay beside them.
    expect(foldOptions(['records'], false)).toEqual({ keepFirst: 0, records: true });
    expect(foldOptions(['records', 'records'], false)).toEqual({ keepFirst: 0, records: true });
    expect(foldOptions(['rows', 'records'], false)).toEqual({ keepFirst: 200, records: true });
    expect(foldOptions(['records', 'counts'], true)).toBeUndefined();
    expect(foldOptions(['records', 'all'], false)).toBeUndefined();
    // -w reads no message record without a filter, every one with a filter.
    expect(foldOptions(['filtered'], false)).toEqual({ keepFirst: 0 });
    expect(foldOptions(['filtered', 'records'], false)).toEqual({ keepFirst: 0, records: true });
    expect(foldOptions(['filtered'], true)).toBeUndefined();
    expect(foldOptions(['filtered', 'counts'], true)).toBeUndefined();
  });
});
