import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CaptureParser } from '../../src/capture/parser.js';
import { CaptureError } from '../../src/capture/errors.js';
import { pcapngBlock, writePcap, writePcapng } from '../../src/capture/writer.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import { expected, parseBuffer, parseChunks, sampleRecords, split } from './helpers.js';

/** End offsets of each record/block after the file header (pcap: 16 + caplen each). */
function pcapRecordEnds(recs: { data: Buffer }[]): number[] {
  const ends: number[] = [];
  let off = 24;
  for (const r of recs) ends.push((off += 16 + r.data.length));
  return ends;
}

function blockEnds(buf: Buffer, le = true): { start: number; end: number; type: number }[] {
  const out: { start: number; end: number; type: number }[] = [];
  for (let off = 0; off < buf.length; ) {
    const len = le ? buf.readUInt32LE(off + 4) : buf.readUInt32BE(off + 4);
    out.push({ start: off, end: off + len, type: le ? buf.readUInt32LE(off) : buf.readUInt32BE(off) });
    off += len;
  }
  return out;
}

function collect(): { sink: (d: Diagnostic) => void; list: Diagnostic[] } {
  const list: Diagnostic[] = [];
  return { sink: (d) => list.push(d), list };
}

describe('truncated captures', () => {
  const recs = sampleRecords(6);

  it('pcap cut at every offset: CaptureError only inside the header, records and flag exact otherwise', () => {
    const full = writePcap(recs, { linkType: 1 });
    const ends = pcapRecordEnds(recs);
    const want = expected(recs, () => 1);
    for (let cut = 0; cut <= full.length; cut++) {
      const buf = full.subarray(0, cut);
      if (cut === 0) {
        expect(() => parseBuffer(buf)).toThrow(new CaptureError('empty file, not a capture'));
        continue;
      }
      if (cut < 24) {
        expect(() => parseBuffer(buf), `cut ${cut}`).toThrow(new CaptureError('capture cut short inside the file header'));
        continue;
      }
      const { records, info, diagnostics } = parseBuffer(buf);
      const n = ends.filter((e) => e <= cut).length;
      const onBoundary = cut === 24 || ends.includes(cut);
      expect(records, `cut ${cut}`).toEqual(want.slice(0, n));
      expect(info.packets).toBe(n);
      expect(info.truncated, `cut ${cut}`).toBe(!onBoundary);
      if (onBoundary) expect(diagnostics).toEqual([]);
      else {
        const start = n === 0 ? 24 : ends[n - 1]!;
        expect(diagnostics).toEqual([
          { code: 'capture-truncated', severity: 'warning', frame: n + 1, connection: -1, offset: start, detail: `capture cut short after frame ${n}` },
        ]);
      }
    }
  });

  it('pcapng cut at every offset (two sections, BE then LE, skipped blocks in between)', () => {
    const a = writePcapng(recs.slice(0, 3), { interfaces: [{ linkType: 1 }], bigEndian: true });
    const isb = pcapngBlock(5, Buffer.alloc(12), true); // belongs to the big-endian section
    const b = writePcapng(recs.slice(3), { interfaces: [{ linkType: 113 }, { linkType: 1 }] });
    const full = Buffer.from([...a, ...isb, ...b]);
    const blocks = [...blockEnds(a, false), { start: a.length, end: a.length + isb.length, type: 5 }, ...blockEnds(b).map((x) => ({ ...x, start: x.start + a.length + isb.length, end: x.end + a.length + isb.length }))];
    const packetEnds = blocks.filter((x) => x.type === 6).map((x) => x.end);
    const boundaries = new Set(blocks.map((x) => x.end));
    const firstShb = blocks[0]!.end;
    const want = expected(recs, (r) => (recs.indexOf(r) < 3 ? 1 : 113)).map((f, i) => ({ ...f, interfaceId: i < 3 ? 0 : 1 }));
    for (let cut = 1; cut <= full.length; cut++) {
      const buf = full.subarray(0, cut);
      if (cut < firstShb) {
        expect(() => parseBuffer(buf), `cut ${cut}`).toThrow(CaptureError);
        continue;
      }
      const { records, info, diagnostics } = parseBuffer(buf);
      const n = packetEnds.filter((e) => e <= cut).length;
      expect(records, `cut ${cut}`).toEqual(want.slice(0, n));
      expect(info.truncated, `cut ${cut}`).toBe(!boundaries.has(cut));
      expect(diagnostics.map((d) => d.code)).toEqual(boundaries.has(cut) ? [] : ['capture-truncated']);
    }
  });

  it('a truncated capture fed byte by byte gives the same result', () => {
    const full = writePcap(recs, { linkType: 1 });
    const cut = full.subarray(0, full.length - 5);
    expect(parseChunks(split(cut, [1]))).toEqual(parseBuffer(cut));
  });
});

describe('corrupt records', () => {
  const recs = sampleRecords(5);

  it('stops at an impossible pcap captured length with frame number and offset', () => {
    const buf = writePcap(recs, { linkType: 1 });
    const ends = pcapRecordEnds(recs);
    buf.writeUInt32LE(262145, ends[2]! + 8); // 4th record
    const { records, info, diagnostics } = parseBuffer(buf);
    expect(records).toEqual(expected(recs.slice(0, 3), () => 1));
    expect(info).toMatchObject({ packets: 3, truncated: true });
    expect(diagnostics).toEqual([
      { code: 'capture-corrupt-record', severity: 'error', frame: 4, connection: -1, offset: ends[2], detail: `frame 4 at offset ${ends[2]}: captured length 262145 exceeds 262144` },
    ]);
  });

  it('accepts a captured length of exactly 262144', () => {
    const big = [{ tsSec: 1, tsNsec: 0, data: Buffer.alloc(262144, 7) }];
    const { records, diagnostics } = parseBuffer(writePcap(big, { linkType: 1 }));
    expect(records.length).toBe(1);
    expect(diagnostics).toEqual([]);
  });

  it('ignores everything pushed after a corrupt record', () => {
    const buf = writePcap(recs, { linkType: 1 });
    buf.writeUInt32BE(0xffffffff, 24 + 8);
    const { sink, list } = collect();
    const p = new CaptureParser({ onDiagnostic: sink });
    expect(p.push(buf)).toEqual([]);
    expect(p.push(writePcap(recs, { linkType: 1 }))).toEqual([]);
    p.end();
    expect(list.map((d) => [d.code, d.frame, d.offset])).toEqual([['capture-corrupt-record', 1, 24]]);
    expect(p.info.truncated).toBe(true);
  });

  const pcapngCases: [string, (b: Buffer, off: number) => void, string][] = [
    ['length not a multiple of 4', (b, off) => b.writeUInt32LE(b.readUInt32LE(off + 4) + 2, off + 4), 'impossible block length'],
    ['length below 12', (b, off) => b.writeUInt32LE(8, off + 4), 'impossible block length 8'],
    ['length above 16 MiB', (b, off) => b.writeUInt32LE(16 * 1024 * 1024 + 4, off + 4), 'impossible block length 16777220'],
    ['length of 4 GB', (b, off) => b.writeUInt32LE(0xfffffffc, off + 4), 'impossible block length 4294967292'],
    ['trailing length differs', (b, off) => b.writeUInt32LE(12, off + b.readUInt32LE(off + 4) - 4), 'trailing block length 12 differs'],
    ['captured length beyond the block', (b, off) => b.writeUInt32LE(b.readUInt32LE(off + 4), off + 20), 'does not fit the block'],
    ['unknown interface', (b, off) => b.writeUInt32LE(3, off + 8), 'names interface 3'],
  ];
  for (const [name, damage, detail] of pcapngCases) {
    it(`stops at a pcapng block with ${name}`, () => {
      const buf = writePcapng(recs, { interfaces: [{ linkType: 1 }] });
      const blk = blockEnds(buf).filter((x) => x.type === 6)[2]!;
      damage(buf, blk.start);
      const { records, info, diagnostics } = parseBuffer(buf);
      expect(records).toEqual(expected(recs.slice(0, 2), () => 1));
      expect(info.truncated).toBe(true);
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({ code: 'capture-corrupt-record', severity: 'error', frame: 3, offset: blk.start });
      expect(diagnostics[0]?.detail).toContain(detail);
    });
  }

  it('reports a 4 GB block as soon as its header arrives, without waiting for it', () => {
    const head = writePcapng([], { interfaces: [{ linkType: 1 }] });
    const { sink, list } = collect();
    const p = new CaptureParser({ onDiagnostic: sink });
    p.push(head);
    const blockHeader = Buffer.alloc(12);
    blockHeader.writeUInt32LE(6, 0);
    blockHeader.writeUInt32LE(0xfffffffc, 4);
    for (const c of split(blockHeader, [5])) p.push(c);
    expect(list.map((d) => d.code)).toEqual(['capture-corrupt-record']);
    expect(p.done).toBe(true);
    expect(p.push(Buffer.alloc(1 << 20))).toEqual([]);
  });

  it('reports a later section header with a bad byte-order magic', () => {
    const a = writePcapng(recs.slice(0, 2), { interfaces: [{ linkType: 1 }] });
    const b = writePcapng(recs.slice(2), { interfaces: [{ linkType: 1 }] });
    b.writeUInt32LE(0x01020304, 8);
    const { records, diagnostics } = parseBuffer(Buffer.from([...a, ...b]));
    expect(records.length).toBe(2);
    expect(diagnostics).toMatchObject([{ code: 'capture-corrupt-record', frame: 3, offset: a.length }]);
  });
});

describe('not a capture', () => {
  it('throws on an empty input', () => {
    const p = new CaptureParser();
    expect(() => p.end()).toThrow(new CaptureError('empty file, not a capture'));
  });

  it('throws on a bad magic as soon as the first byte rules every capture out', () => {
    const p = new CaptureParser();
    expect(() => p.push(Buffer.from('G'))).toThrow(new CaptureError('not a pcap or pcapng capture'));
    expect(p.push(Buffer.from('ET / HTTP/1.1'))).toEqual([]);
  });

  it('throws on a bad magic in a larger chunk', () => {
    expect(() => parseBuffer(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))).toThrow(new CaptureError('not a pcap or pcapng capture'));
    expect(() => parseBuffer(Buffer.from([0xd4, 0xc3, 0xb2, 0xa2, 0, 0, 0, 0]))).toThrow(new CaptureError('not a pcap or pcapng capture'));
  });

  it('throws on a 3-byte input that differs from every magic, and on one that is a magic prefix', () => {
    expect(() => parseBuffer(Buffer.from([0xd4, 0xc3, 0x00]))).toThrow(new CaptureError('not a pcap or pcapng capture'));
    expect(() => parseBuffer(Buffer.from([0xd4, 0xc3, 0xb2]))).toThrow(new CaptureError('capture cut short inside the file header'));
  });

  it('throws on a pcapng section header with a bad byte-order magic at the start', () => {
    const buf = writePcapng([], { interfaces: [] });
    buf.writeUInt32LE(0xdeadbeef, 8);
    expect(() => parseBuffer(buf)).toThrow(new CaptureError('not a pcap or pcapng capture'));
  });
});

describe('fuzzed input', () => {
  const bases = [
    writePcap(sampleRecords(8), { linkType: 1 }),
    writePcap(sampleRecords(8), { linkType: 1, nanosecond: true, bigEndian: true }),
    writePcapng(sampleRecords(8).map((r, i) => ({ ...r, interfaceId: i % 2 })), { interfaces: [{ linkType: 1, tsresol: 0x80 | 24 }, { linkType: 113, tsoffset: -7 }] }),
    writePcapng(sampleRecords(8), { interfaces: [{ linkType: 1 }], block: 'spb', bigEndian: true }),
    writePcapng(sampleRecords(8), { interfaces: [{ linkType: 1, tsresol: 12 }], block: 'opb' }),
  ];

  it('never throws anything but CaptureError, and gives the same result for any split', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: bases.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 }),
        (i, edits, tail, sizes) => {
          const buf = Buffer.from([...bases[i]!, ...tail]);
          for (const [at, v] of edits) buf[at % buf.length] = v;
          let whole: ReturnType<typeof parseBuffer> | undefined;
          let error: unknown;
          try {
            whole = parseBuffer(buf);
          } catch (e) {
            error = e;
          }
          if (error !== undefined) {
            expect(error).toBeInstanceOf(CaptureError);
            expect(() => parseChunks(split(buf, sizes))).toThrow(CaptureError);
            return;
          }
          const w = whole!;
          expect(parseChunks(split(buf, sizes))).toEqual(w);
          expect(w.info.packets).toBe(w.records.length);
          expect(w.info.bytes).toBe(w.records.reduce((s, r) => s + r.hex.length / 2, 0));
          for (const r of w.records) {
            expect(r.tsNsec).toBeGreaterThanOrEqual(0);
            expect(r.tsNsec).toBeLessThan(1_000_000_000);
            expect(r.originalLength).toBeGreaterThanOrEqual(r.hex.length / 2);
          }
          expect(w.info.truncated).toBe(w.diagnostics.length > 0);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
