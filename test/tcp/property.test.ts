import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Segment } from '../../src/net/types.js';
import type { Dir } from '../../src/tcp/types.js';
import { harness, SegmentFactory, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type RecordingSink } from './helpers.js';

const PSH = 0x08;

/** Seeded shuffle (mulberry32), so fast-check can shrink the seed. */
function shuffle<T>(items: T[], seed: number): T[] {
  const out = items.slice();
  let a = seed >>> 0;
  const rnd = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

interface Range {
  start: number;
  end: number;
}

/** Cuts [0, len) into consecutive ranges whose sizes cycle through `sizes`. */
function cut(len: number, sizes: number[]): Range[] {
  const out: Range[] = [];
  let off = 0;
  let i = 0;
  while (off < len) {
    const n = Math.min(sizes[i % sizes.length]!, len - off);
    out.push({ start: off, end: off + n });
    off += n;
    i++;
  }
  return out;
}

/** Maximal sub-ranges of [0, len) covered by none of `ranges`. */
function uncovered(len: number, ranges: Range[]): [number, number][] {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
  const out: [number, number][] = [];
  let pos = 0;
  for (const r of sorted) {
    if (r.start > pos) out.push([pos, r.start - pos]);
    if (r.end > pos) pos = r.end;
  }
  if (pos < len) out.push([pos, len - pos]);
  return out;
}

const streamArb = fc.record({
  data: fc.uint8Array({ minLength: 0, maxLength: 2500 }),
  isn: fc.oneof(fc.integer({ min: 2 ** 32 - 3000, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
  sizes: fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 20 }),
  extras: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 500 })), { maxLength: 12 }),
  dups: fc.array(fc.nat(), { maxLength: 12 }),
  seed: fc.integer(),
});

type StreamCase = typeof streamArb extends fc.Arbitrary<infer T> ? T : never;

/** Segment ranges of a case: the cut, duplicates of some pieces, extra overlapping ranges. */
function ranges(c: StreamCase, drop: boolean[] = []): { sent: Range[]; dropped: Range[] } {
  const len = c.data.length;
  const base = cut(len, c.sizes);
  const sent = base.filter((_, i) => drop[i] !== true);
  const dropped = base.filter((_, i) => drop[i] === true);
  if (base.length > 0) for (const d of c.dups) sent.push(base[d % base.length]!);
  if (len > 0) {
    for (const [s, n] of c.extras) {
      const start = s % len;
      sent.push({ start, end: Math.min(len, start + n) });
    }
  }
  return { sent, dropped };
}

/** Every data call is one frame's bytes, equal to the original at its offset; returns the gap list. */
function checkCalls(sink: RecordingSink, conn: number, dir: Dir, data: Uint8Array, frames: Map<number, Range>): void {
  const original = Buffer.from(data);
  for (const d of sink.chunks.filter((x) => x.conn === conn && x.dir === dir)) {
    expect(d.bytes.equals(original.subarray(d.offset, d.offset + d.bytes.length))).toBe(true);
    const r = frames.get(d.from.frame);
    expect(r).toBeDefined();
    expect(d.offset).toBeGreaterThanOrEqual(r!.start);
    expect(d.offset + d.bytes.length).toBeLessThanOrEqual(r!.end);
  }
}

describe('reassembly properties', () => {
  it('shuffled, duplicated and overlapping segments give back the exact stream (also across the 2^32 wrap)', () => {
    fc.assert(
      fc.property(streamArb, fc.nat(), (c, finPos) => {
        const { sink, tcp, diags } = harness();
        const f = new SegmentFactory();
        const data = Buffer.from(c.data);
        const { sent } = ranges(c);
        const frames = new Map<number, Range>();
        tcp.push(f.seg(0, c.isn, '', TCP_SYN));
        const segs: Segment[] = shuffle(sent, c.seed).map((r) => {
          const s = f.seg(0, c.isn + 1 + r.start, data.subarray(r.start, r.end), PSH);
          frames.set(s.frame, r);
          return s;
        });
        const fin = f.seg(0, c.isn + 1 + data.length, '', TCP_FIN);
        segs.splice(finPos % (segs.length + 1), 0, fin);
        for (const s of segs) tcp.push(s);
        // Everything was captured: the stream is complete before end().
        expect(sink.stream(0, 0).equals(data)).toBe(true);
        tcp.end();
        expect(sink.gaps).toEqual([]);
        checkCalls(sink, 0, 0, c.data, frames);
        const st = sink.conns[0]!.stats[0];
        expect(st.delivered).toBe(data.length);
        expect(st.bytes).toBe(sent.reduce((n, r) => n + r.end - r.start, 0));
        expect(diags.filter((d) => d.code !== 'tcp-midstream')).toEqual([]);
        expect(tcp.stats.bufferedBytes).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('dropped segments become gaps of exactly the uncovered ranges; data + gaps = stream length', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.boolean(), { maxLength: 80 }), fc.boolean(), (c, drop, acked) => {
        const { sink, tcp } = harness();
        const f = new SegmentFactory();
        const data = Buffer.from(c.data);
        const { sent } = ranges(c, drop);
        const frames = new Map<number, Range>();
        tcp.push(f.seg(0, c.isn, '', TCP_SYN));
        tcp.push(f.seg(1, 99, '', TCP_SYN | TCP_ACK, c.isn + 1));
        for (const r of shuffle(sent, c.seed)) {
          const s = f.seg(0, c.isn + 1 + r.start, data.subarray(r.start, r.end), PSH);
          frames.set(s.frame, r);
          tcp.push(s);
        }
        tcp.push(f.seg(0, c.isn + 1 + data.length, '', TCP_FIN));
        const expected = uncovered(data.length, sent);
        if (acked) {
          // The receiver acknowledges the whole stream and the FIN: every hole is known lost at once.
          tcp.push(f.seg(1, 100, '', TCP_ACK, c.isn + 2 + data.length));
          expect(sink.gapList(0, 0)).toEqual(expected);
          expect(sink.conns[0]!.stats[0].delivered + sink.conns[0]!.stats[0].missingBytes).toBe(data.length);
        }
        tcp.end();
        expect(sink.gapList(0, 0)).toEqual(expected);
        checkCalls(sink, 0, 0, c.data, frames);
        const st = sink.conns[0]!.stats[0];
        expect(st.gaps).toBe(expected.length);
        expect(st.missingBytes).toBe(expected.reduce((n, g) => n + g[1], 0));
        expect(st.delivered + st.missingBytes).toBe(data.length);
        // Gaps interleave with the data at the right offsets.
        const filled = Buffer.from(data);
        for (const [o, n] of expected) filled.fill(0, o, o + n);
        expect(sink.withGaps(0, 0).equals(filled)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('first data wins: each delivered byte comes from the first segment that covered it', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { maxLength: 12 }), (c, garbage) => {
        const { sink, tcp } = harness();
        const f = new SegmentFactory();
        const len = c.data.length;
        const { sent } = ranges(c);
        const pieces: { start: number; bytes: Buffer }[] = shuffle(sent, c.seed).map((r) => ({
          start: r.start,
          bytes: Buffer.from(c.data.subarray(r.start, r.end)),
        }));
        // Conflicting copies of random ranges, inserted at random places.
        garbage.forEach((g, i) => {
          const start = len === 0 ? 0 : (c.extras[i]?.[0] ?? i * 37) % len;
          const bytes = Buffer.from(g.subarray(0, Math.max(0, len - start)));
          if (bytes.length > 0) pieces.splice((c.dups[i] ?? i) % (pieces.length + 1), 0, { start, bytes });
        });
        const first = new Int16Array(len).fill(-1);
        for (const p of pieces) for (let i = 0; i < p.bytes.length; i++) if (first[p.start + i] === -1) first[p.start + i] = p.bytes[i]!;
        tcp.push(f.seg(0, c.isn, '', TCP_SYN));
        for (const p of pieces) tcp.push(f.seg(0, c.isn + 1 + p.start, p.bytes, PSH));
        tcp.push(f.seg(0, c.isn + 1 + len, '', TCP_FIN));
        tcp.end();
        const got = sink.withGaps(0, 0);
        expect(got.length).toBe(len);
        const gapAt = new Set<number>();
        for (const [o, n] of sink.gapList(0, 0)) for (let i = o; i < o + n; i++) gapAt.add(i);
        for (let i = 0; i < len; i++) {
          if (first[i] === -1) expect(gapAt.has(i)).toBe(true);
          else expect(got[i]).toBe(first[i]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a capture starting mid-stream delivers from its first segment on', () => {
    fc.assert(
      fc.property(streamArb, (c) => {
        const data = Buffer.from(c.data);
        fc.pre(data.length > 0);
        const { sink, tcp } = harness();
        const f = new SegmentFactory();
        const base = cut(data.length, c.sizes);
        const [head, ...rest] = base;
        const order = [head!, ...shuffle([...rest, ...rest.filter((_, i) => c.dups.includes(i))], c.seed)];
        for (const r of order) tcp.push(f.seg(0, c.isn + r.start, data.subarray(r.start, r.end), PSH));
        tcp.end();
        expect(sink.conns[0]!.sawSyn).toBe(false);
        expect(sink.stream(0, 0).equals(data)).toBe(true);
        expect(sink.gaps).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('many interleaved connections, both directions, each stream exact; ids in order of first packet', () => {
    const connArb = fc.record({
      up: fc.uint8Array({ maxLength: 1500 }),
      down: fc.uint8Array({ maxLength: 1500 }),
      ci: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      si: fc.oneof(fc.integer({ min: 2 ** 32 - 2000, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
      sizes: fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(fc.array(connArb, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { minLength: 1, maxLength: 50 }), (cs, picks) => {
        const { sink, tcp } = harness();
        const queues = cs.map((c, i) => {
          const f = new SegmentFactory({ address: '192.168.0.1', port: 50000 + i }, { address: '192.168.0.9', port: 2855 });
          const up = Buffer.from(c.up);
          const down = Buffer.from(c.down);
          const body = [
            ...cut(up.length, c.sizes).map((r) => ({ dir: 0 as Dir, r })),
            ...cut(down.length, c.sizes).map((r) => ({ dir: 1 as Dir, r })),
          ];
          const segs = [f.seg(0, c.ci, '', TCP_SYN), f.seg(1, c.si, '', TCP_SYN | TCP_ACK, c.ci + 1)];
          for (const { dir, r } of shuffle(body, c.seed)) {
            const isn = dir === 0 ? c.ci : c.si;
            const src = dir === 0 ? up : down;
            segs.push(f.seg(dir, isn + 1 + r.start, src.subarray(r.start, r.end), PSH));
          }
          segs.push(f.seg(0, c.ci + 1 + up.length, '', TCP_FIN), f.seg(1, c.si + 1 + down.length, '', TCP_FIN));
          return segs;
        });
        // Interleave: repeatedly take the next segment of a picked connection.
        const order: number[] = [];
        let k = 0;
        const pos = queues.map(() => 0);
        for (;;) {
          const live = queues.map((q, i) => (pos[i]! < q.length ? i : -1)).filter((i) => i >= 0);
          if (live.length === 0) break;
          const i = live[picks[k++ % picks.length]! % live.length]!;
          if (pos[i] === 0) order.push(i);
          tcp.push(queues[i]![pos[i]!]!);
          pos[i]!++;
        }
        tcp.end();
        expect(sink.conns.map((c) => c.client.port)).toEqual(order.map((i) => 50000 + i));
        sink.conns.forEach((conn, id) => {
          const c = cs[conn.client.port - 50000]!;
          expect(sink.stream(id, 0).equals(Buffer.from(c.up))).toBe(true);
          expect(sink.stream(id, 1).equals(Buffer.from(c.down))).toBe(true);
          expect(conn.ended).toBe('fin');
        });
        expect(sink.gaps).toEqual([]);
        expect(tcp.stats.open).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});

describe('arbitrary input', () => {
  const segArb = fc.record({
    pair: fc.integer({ min: 0, max: 4 }),
    dir: fc.constantFrom<Dir>(0, 1),
    flags: fc.constantFrom(TCP_SYN, TCP_SYN | TCP_ACK, TCP_ACK, TCP_ACK | PSH, TCP_FIN | TCP_ACK, TCP_RST, TCP_RST | TCP_ACK, PSH, 0, 0xff),
    seq: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 2 ** 32 - 3000, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
    ack: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
    window: fc.constantFrom(0, 1, 65535),
    len: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 1500 })),
  });

  it('never throws; memory stays bounded; every byte and gap is accounted for; every connection closes once', () => {
    fc.assert(
      fc.property(fc.array(segArb, { maxLength: 150 }), (segs) => {
        const maxBufferedBytes = 5000;
        const { sink, tcp } = harness({ maxBufferedBytes, maxBufferedPerDirection: 2000, maxConnections: 3 });
        const fs = [0, 1, 2, 3, 4].map((i) => new SegmentFactory({ address: '10.9.0.1', port: 1000 + i }, { address: '10.9.0.2', port: 80 }));
        const payload = Buffer.alloc(1500, 0x41);
        let frame = 0;
        for (const s of segs) {
          const f = fs[s.pair]!;
          f.frame = frame++;
          tcp.push(f.seg(s.dir, s.seq, payload.subarray(0, s.len), s.flags, s.ack, s.window));
          expect(tcp.stats.bufferedBytes).toBeGreaterThanOrEqual(0);
          expect(tcp.stats.bufferedBytes).toBeLessThanOrEqual(maxBufferedBytes);
        }
        tcp.end();
        expect(tcp.stats.open).toBe(0);
        expect(tcp.stats.bufferedBytes).toBe(0);
        expect(sink.conns.map((c) => c.id)).toEqual([...sink.conns.keys()]);
        expect(tcp.stats.connections).toBe(sink.conns.length);
        expect(sink.closes.map((c) => c.conn).sort((a, b) => a - b)).toEqual([...sink.conns.keys()]);
        let total = 0;
        for (const c of sink.conns) {
          expect(c.ended).toBeDefined();
          const closedAt = sink.events.indexOf(`close ${c.id} ${c.ended}`);
          for (const dir of [0, 1] as const) {
            const data = sink.chunks.filter((d) => d.conn === c.id && d.dir === dir);
            const gaps = sink.gaps.filter((g) => g.conn === c.id && g.dir === dir);
            for (const d of data) expect(d.bytes.length).toBeGreaterThan(0);
            for (const g of gaps) expect(g.length).toBeGreaterThan(0);
            const delivered = data.reduce((n, d) => n + d.bytes.length, 0);
            total += delivered;
            expect(c.stats[dir].delivered).toBe(delivered);
            expect(c.stats[dir].missingBytes).toBe(gaps.reduce((n, g) => n + g.length, 0));
            expect(c.stats[dir].gaps).toBe(gaps.length);
            expect(c.stats[dir].delivered).toBeLessThanOrEqual(c.stats[dir].bytes);
          }
          const last = sink.events.reduce((m, e, i) => (e.startsWith(`data ${c.id}/`) || e.startsWith(`gap ${c.id}/`) ? i : m), -1);
          expect(last).toBeLessThan(closedAt);
        }
        expect(tcp.stats.delivered).toBe(total);
      }),
      { numRuns: 400 },
    );
  });
});
