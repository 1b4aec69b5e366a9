import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RawHeader } from '../../src/msrp/types.js';
import { ByteArena } from '../../src/model/byte-arena.js';
import { PathCache } from '../../src/model/connections.js';
import { HeaderTable } from '../../src/model/header-table.js';
import { MessageRecord, MessageTable } from '../../src/model/messages.js';
import { SessionRecord } from '../../src/model/sessions.js';
import { at } from '../helpers/frames.js';

const h = (name: string, value: string): RawHeader => ({ name, value });

describe('HeaderTable', () => {
  it('shares repeated headers and keeps lists at their exact length', () => {
    const t = new HeaderTable();
    const a = [h('To-Path', 'msrp://a:1/s;tcp'), h('From-Path', 'msrp://b:2/t;tcp'), h('Message-ID', 'id1')];
    const b = [h('To-Path', 'msrp://a:1/s;tcp'), h('From-Path', 'msrp://b:2/t;tcp'), h('Message-ID', 'id1')];
    const ka = t.keep(a);
    const kb = t.keep(b);
    expect(kb).toEqual(b);
    expect(kb).not.toBe(b);
    expect(kb[0]).toBe(ka[0]);
    expect(kb[1]).toBe(ka[1]);
    // Message-ID values are unique per message: not shared through the table.
    expect(kb[2]).toBe(b[2]);
    // A different case of the name is a different header as sent.
    expect(t.keep([h('to-path', 'msrp://a:1/s;tcp')])[0]).not.toBe(ka[0]);
  });

  it('reuses the previous list of the direction position by position', () => {
    const t = new HeaderTable();
    const prev = t.keep([h('To-Path', 'x'), h('Message-ID', 'same'), h('Byte-Range', '1-2/2')]);
    const next = t.keep([h('To-Path', 'x'), h('Message-ID', 'same'), h('Byte-Range', '1-3/3')], prev);
    expect(next[0]).toBe(prev[0]);
    expect(next[1]).toBe(prev[1]);
    expect(next[2]).toEqual(h('Byte-Range', '1-3/3'));
    expect(t.keep([h('Message-ID', 'other')], prev)).toEqual([h('Message-ID', 'other')]);
  });

  it('gives back the previous list itself when every header repeats (a connection\'s responses)', () => {
    const t = new HeaderTable();
    const prev = t.keep([h('To-Path', 'msrp://a:1/s;tcp'), h('From-Path', 'msrp://b:2/r;tcp')]);
    expect(t.keep([h('To-Path', 'msrp://a:1/s;tcp'), h('From-Path', 'msrp://b:2/r;tcp')], prev)).toBe(prev);
    const longer = t.keep([h('To-Path', 'msrp://a:1/s;tcp'), h('From-Path', 'msrp://b:2/r;tcp'), h('X', '1')], prev);
    expect(longer).not.toBe(prev);
    expect(longer[0]).toBe(prev[0]);
    const other = t.keep([h('To-Path', 'msrp://a:1/s;tcp'), h('From-Path', 'msrp://c:3/r;tcp')], prev);
    expect(other).not.toBe(prev);
    expect(other).toEqual([h('To-Path', 'msrp://a:1/s;tcp'), h('From-Path', 'msrp://c:3/r;tcp')]);
  });

  it('stays bounded: past its size it starts over, values stay right', () => {
    const t = new HeaderTable(8);
    const kept: RawHeader[][] = [];
    for (let i = 0; i < 100; i++) kept.push(t.keep([h(`X-${i % 13}`, `v${i % 7}`)]));
    kept.forEach((l, i) => expect(l).toEqual([h(`X-${i % 13}`, `v${i % 7}`)]));
    expect((t as unknown as { entries: number }).entries).toBeLessThanOrEqual(8);
  });
});

describe('ByteArena', () => {
  it('copies into shared slabs, never aliasing the source', () => {
    const arena = new ByteArena();
    const src = Buffer.from('hello world');
    const a = arena.copy(src, 5);
    const b = arena.copy(Buffer.from('second'));
    src.fill(0);
    expect(a.toString()).toBe('hello');
    expect(b.toString()).toBe('second');
    expect(a.buffer).toBe(b.buffer);
    expect(arena.copy(src, 0).length).toBe(0);
    expect(arena.copy(Buffer.alloc(0)).length).toBe(0);
  });

  it('gives large values a buffer of their own and fills slabs without overlap', () => {
    const arena = new ByteArena();
    const big = arena.copy(Buffer.alloc(5000, 1));
    expect(big.length).toBe(5000);
    expect(big.buffer.byteLength).toBe(5000);
    const parts: Buffer[] = [];
    for (let i = 0; i < 200; i++) parts.push(arena.copy(Buffer.alloc(1000, i & 0xff)));
    parts.forEach((p, i) => expect(p.equals(Buffer.alloc(1000, i & 0xff))).toBe(true));
    expect(new Set(parts.map((p) => p.buffer)).size).toBeGreaterThan(1);
  });
});

describe('PathCache', () => {
  /** The former cache: a Map keyed by `to \n from`, the first inserted key evicted past 8 entries. */
  class MapCache {
    readonly m = new Map<string, number | undefined>();
    has(to: string | undefined, from: string | undefined): boolean {
      return this.m.has(`${to ?? ''}\n${from ?? ''}`);
    }
    get(to: string | undefined, from: string | undefined): number | undefined {
      return this.m.get(`${to ?? ''}\n${from ?? ''}`);
    }
    set(to: string | undefined, from: string | undefined, v: number | undefined): void {
      if (this.m.size >= 8) this.m.delete(this.m.keys().next().value as string);
      this.m.set(`${to ?? ''}\n${from ?? ''}`, v);
    }
  }

  it('answers like a Map of path pairs with oldest-first eviction', () => {
    const sessions = Array.from({ length: 12 }, (_, i) => new SessionRecord(i, `k${i}`, `msrp://a/${i}`, `msrp://b/${i}`, at(1)));
    const value = fc.option(fc.constantFrom('', 'a', 'b', 'c', 'd', 'e', 'msrp://x:1/y;tcp'), { nil: undefined });
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value, fc.integer({ min: 0, max: 12 })), { maxLength: 80 }), (ops) => {
        const cache = new PathCache();
        const ref = new MapCache();
        for (const [to, from, s] of ops) {
          const slot = cache.find(to, from);
          expect(slot >= 0).toBe(ref.has(to, from));
          if (slot >= 0) expect(cache.session(slot)?.index).toBe(ref.get(to, from));
          else {
            const session = s === 12 ? undefined : sessions[s];
            cache.set(to, from, session);
            ref.set(to, from, session?.index);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('MessageTable', () => {
  it('finds messages by session and Message-ID, and the latest by Message-ID alone', () => {
    const s0 = new SessionRecord(0, 'k0', 'msrp://a/0', 'msrp://b/0', at(1));
    const s1 = new SessionRecord(1, 'k1', 'msrp://a/1', 'msrp://b/1', at(1));
    const table = new MessageTable();
    const m0 = new MessageRecord('id', s0, at(1), undefined, undefined, false, false);
    const m1 = new MessageRecord('id', s1, at(2), undefined, undefined, false, false);
    const m2 = new MessageRecord('id', undefined, at(3), undefined, undefined, false, false);
    table.add(m0);
    expect(table.anyWithId('id')).toBe(m0);
    table.add(m1);
    table.add(m2);
    expect(table.get(s0, 'id')).toBe(m0);
    expect(table.get(s1, 'id')).toBe(m1);
    expect(table.get(undefined, 'id')).toBe(m2);
    expect(table.get(s0, 'other')).toBeUndefined();
    expect(table.anyWithId('id')).toBe(m2);
    expect(table.confirm(m1)).toBe(true);
    expect(table.confirm(m1)).toBe(false);
    expect(table.list).toEqual([m1]);
    expect(table.unconfirmed).toBe(2);
  });
});

describe('Leg: rare fields made on first use', () => {
  const hashOf = (s: string): string => createHash('sha256').update(s).digest('hex');

  it('RTT minimum, maximum and sum: none, one, then several responses', () => {
    const m = new MessageRecord('id', undefined, at(1), undefined, undefined, false, false);
    const leg = m.legFor(0, 0, at(1), 1);
    expect([leg.rttCount, leg.rttMin, leg.rttMax]).toEqual([0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    leg.noteResponse(200, at(2), 5.5, false);
    expect([leg.rttCount, leg.rttSum, leg.rttMin, leg.rttMax]).toEqual([1, 5.5, 5.5, 5.5]);
    leg.noteResponse(200, at(3), 2.25, false);
    leg.noteResponse(200, at(4), null, false);
    leg.noteResponse(200, at(5), 9, true);
    expect([leg.rttCount, leg.rttSum, leg.rttMin, leg.rttMax]).toEqual([3, 16.75, 2.25, 9]);
    expect(leg.responses()).toEqual([[200, 4]]);
    expect(leg.finalResponse).toEqual({ status: 200, frame: at(5), rttMs: 9 });
  });

  it('the first response code is counted without a map; other codes come in order of first sight', () => {
    const leg = new MessageRecord('id', undefined, at(1), undefined, undefined, false, false).legFor(0, 1, at(1), 1);
    leg.noteResponse(200, at(2), 1, false);
    leg.noteResponse(413, at(3), 1, false);
    leg.noteResponse(200, at(4), 1, false);
    leg.noteResponse(481, at(5), 1, false);
    leg.noteResponse(413, at(6), 1, false);
    expect(leg.responses()).toEqual([[200, 2], [413, 2], [481, 1]]);
    expect([leg.responseCount(200), leg.responseCount(413), leg.responseCount(500)]).toEqual([2, 2, 0]);
  });

  it('hashes in order to a digest (sha-1 too when asked); counts out-of-order and cut chunks', () => {
    const leg = new MessageRecord('id', undefined, at(1), undefined, undefined, true, false).legFor(0, 0, at(1), 1);
    leg.total = 10;
    expect(leg.beginChunk(1)).toBe(0);
    leg.hash(Buffer.from('hello'));
    leg.endChunk(1, 5, true, '+', false);
    expect(leg.digest256).toBeUndefined();
    expect(leg.beginChunk(6)).toBe(0);
    leg.hash(Buffer.from('world'));
    leg.endChunk(6, 5, true, '$', true);
    expect(leg.state()).toBe('complete');
    expect(leg.digest256).toBe(hashOf('helloworld'));
    expect(leg.digest1).toBe(createHash('sha1').update('helloworld').digest('hex'));
    expect([leg.outOfOrder, leg.truncatedChunks, leg.sawAbort, leg.hashOk]).toEqual([0, 1, false, true]);
    // A chunk after completion neither hashes again nor loses the digest.
    expect(leg.beginChunk(1)).toBe(-1);
    leg.stopHashing();
    expect(leg.digest256).toBe(hashOf('helloworld'));
    expect(leg.outOfOrder).toBe(1);
  });

  it('a hole before the hashed position drops the hashes; an abort is remembered', () => {
    const leg = new MessageRecord('id', undefined, at(1), undefined, undefined, false, false).legFor(0, 0, at(1), 1);
    leg.hash(Buffer.from('abc'));
    leg.endChunk(1, 3, true, '+', false);
    expect(leg.beginChunk(10)).toBe(-1);
    expect([leg.hashOk, leg.outOfOrder]).toEqual([false, 1]);
    leg.endChunk(10, 2, false, '#', false);
    expect([leg.state(), leg.sawAbort, leg.digest256]).toEqual(['aborted', true, undefined]);
  });
});

describe('MessageRecord: rare fields and flags', () => {
  it('reads unset rare fields as undefined and keeps each flag apart', () => {
    const m = new MessageRecord('id', undefined, at(1), 'a', 'b', false, false);
    expect([m.contentDisposition, m.body, m.failureByReport, m.failureByResponse, m.composing, m.fileSelector]).toEqual([
      undefined, undefined, undefined, undefined, undefined, undefined,
    ]);
    expect([m.totalConflict, m.successUnranged, m.contentDecoded, m.announced, m.deliveryAnnounced, m.wantSha1]).toEqual([
      false, false, false, false, false, false,
    ]);
    m.announced = true;
    m.totalConflict = true;
    expect([m.totalConflict, m.successUnranged, m.contentDecoded, m.announced, m.deliveryAnnounced]).toEqual([true, false, false, true, false]);
    m.announced = false;
    expect([m.totalConflict, m.announced]).toEqual([true, false]);
    m.contentDisposition = 'attachment';
    m.failureByResponse = { code: 413, at: at(7) };
    expect([m.contentDisposition, m.failureByResponse, m.failureByReport]).toEqual(['attachment', { code: 413, at: at(7) }, undefined]);
    m.contentDisposition = undefined;
    expect(m.contentDisposition).toBeUndefined();
    expect(new MessageRecord('id', undefined, at(1), 'a', 'b', true, true).wantSha1).toBe(true);
    expect(new MessageRecord('id', undefined, at(1), 'a', 'b', true, true).body).toBeDefined();
  });

  it('REPORTs: ranged successes, an unranged one, the first failure', () => {
    const m = new MessageRecord('id', undefined, at(1), 'a', 'b', false, false);
    const note = (frame: number, code: number, start?: number, end?: number) => ({
      transaction: frame, connection: 0, dir: 0 as const, frame: at(frame), status: { namespace: 0, code, comment: '' },
      byteRange: start === undefined ? undefined : { start, end: end ?? null, total: null },
    });
    m.addReport(note(2, 200, 1, 10));
    m.addReport(note(3, 200));
    m.addReport(note(4, 413));
    m.addReport(note(5, 481));
    expect([m.reportCount, m.successUnranged, m.successRanges?.covered, m.failureByReport]).toEqual([4, true, 10, { code: 413, at: at(4) }]);
  });

  it('finds legs by connection and direction past the linear search', () => {
    const m = new MessageRecord('id', undefined, at(1), 'a', 'b', false, false);
    const legs = Array.from({ length: 12 }, (_, i) => m.legFor(i >> 1, (i & 1) as 0 | 1, at(i + 1), 1));
    for (let i = 0; i < 12; i++) expect(m.legFor(i >> 1, (i & 1) as 0 | 1, at(99), 1)).toBe(legs[i]);
    expect(m.legs.length).toBe(12);
  });
});
