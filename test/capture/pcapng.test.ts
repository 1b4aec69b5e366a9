import { describe, expect, it } from 'vitest';
import { pcapngBlock, writePcapng, type WriteRecord } from '../../src/capture/writer.js';
import { expected, parseBuffer, sampleRecords } from './helpers.js';

/** Raw block body with 32-bit words in the given byte order. */
function words(be: boolean, ...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => (be ? b.writeUInt32BE(v >>> 0, i * 4) : b.writeUInt32LE(v >>> 0, i * 4)));
  return b;
}

function cat(...parts: Buffer[]): Buffer {
  const out = Buffer.alloc(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** An EPB with explicit tick words. */
function epb(be: boolean, ifId: number, high: number, low: number, data: Buffer, orig = data.length): Buffer {
  return pcapngBlock(6, cat(words(be, ifId, high, low, data.length, orig), data), be);
}

/** An SPB carrying origLen and `data` (the block space). */
function spb(be: boolean, origLen: number, data: Buffer): Buffer {
  return pcapngBlock(3, cat(words(be, origLen), data), be);
}

/** Header (SHB + IDBs) of a section, no packets. */
function section(be: boolean, linkTypes: number[], snaplen = 262144): Buffer {
  return writePcapng([], { interfaces: linkTypes.map((linkType) => ({ linkType, snaplen })), bigEndian: be });
}

/** Expected (sec, nsec) for a record written at resolution tsresol: ticks are floored, then floored back. */
function roundTrip(r: WriteRecord, tsresol: number, offset = 0): [number, number] {
  const e = BigInt(tsresol & 0x7f);
  const tps = (tsresol & 0x80) !== 0 ? 2n ** e : 10n ** e;
  const ticks = (BigInt(r.tsSec - offset) * tps) + (BigInt(r.tsNsec) * tps) / 1_000_000_000n;
  return [Number(ticks / tps) + offset, Number(((ticks % tps) * 1_000_000_000n) / tps)];
}

describe('pcapng', () => {
  const recs = sampleRecords(30);

  for (const be of [false, true]) {
    it(`reads EPBs of one ${be ? 'big' : 'little'}-endian section`, () => {
      const buf = writePcapng(recs, { interfaces: [{ linkType: 1, name: 'lo' }], bigEndian: be, comment: 'test section' });
      const { records, info, diagnostics } = parseBuffer(buf);
      expect(records).toEqual(expected(recs, () => 1));
      expect(diagnostics).toEqual([]);
      expect(info).toMatchObject({ format: 'pcapng', timestampDigits: 6, linkTypes: [1], packets: 30, truncated: false });
      expect(info.bytes).toBe(recs.reduce((s, r) => s + r.data.length, 0));
    });
  }

  it('numbers interfaces over the whole file across sections of different byte order', () => {
    const a = sampleRecords(10).map((r, i) => ({ ...r, interfaceId: i % 2 }));
    const b = sampleRecords(12, 1_800_000_000).map((r, i) => ({ ...r, interfaceId: i % 3 }));
    const s1 = writePcapng(a, { interfaces: [{ linkType: 1 }, { linkType: 113 }], bigEndian: false });
    const s2 = writePcapng(b, { interfaces: [{ linkType: 276 }, { linkType: 1 }, { linkType: 101 }], bigEndian: true });
    const { records, info, diagnostics } = parseBuffer(cat(s1, s2));
    const lt1 = [1, 113];
    const lt2 = [276, 1, 101];
    const want = [
      ...expected(a, (r) => lt1[r.interfaceId ?? 0]!),
      ...expected(b, (r) => lt2[r.interfaceId ?? 0]!).map((f) => ({ ...f, frame: f.frame + 10, interfaceId: f.interfaceId + 2 })),
    ];
    expect(records).toEqual(want);
    expect(diagnostics).toEqual([]);
    expect(info.linkTypes).toEqual([1, 113, 276, 101]);
    expect(info.packets).toBe(22);
    expect(info.last).toEqual({ frame: 22, tsSec: b[11]!.tsSec, tsNsec: b[11]!.tsNsec });
  });

  it('resets interfaces per section (a packet naming an interface of the previous section is corrupt)', () => {
    const s1 = writePcapng(sampleRecords(2), { interfaces: [{ linkType: 1 }, { linkType: 1 }] });
    const head2 = section(false, [1]);
    const s2 = cat(head2, epb(false, 1, 0, 0, Buffer.from('zz')));
    const { records, info, diagnostics } = parseBuffer(cat(s1, s2));
    expect(records.length).toBe(2);
    expect(info.truncated).toBe(true);
    expect(diagnostics).toMatchObject([{ code: 'capture-corrupt-record', severity: 'error', frame: 3, offset: s1.length + head2.length }]);
  });

  const resolutions: [number, number][] = [
    [3, 3],
    [6, 6],
    [9, 9],
    [0, 0],
    [12, 9],
    [0x80 | 20, 7],
    [0x80 | 10, 4],
    [0x80 | 30, 9], // 10 digits, capped at nanoseconds
    [0x80 | 0, 0],
  ];
  for (const [tsresol, digits] of resolutions) {
    it(`converts if_tsresol 0x${tsresol.toString(16)} (${digits} digits)`, () => {
      // Seconds chosen so that the tick count fits 64 bits at this resolution.
      const base = (tsresol & 0x7f) > 9 && (tsresol & 0x80) === 0 ? 10_000_000 : 1_700_000_000;
      const r = [
        { tsSec: base, tsNsec: 123_456_789, data: Buffer.from('one') },
        { tsSec: base + 1, tsNsec: 999_999_999, data: Buffer.from('two') },
        { tsSec: 1, tsNsec: 1, data: Buffer.from('three') },
      ];
      const { records, info } = parseBuffer(writePcapng(r, { interfaces: [{ linkType: 1, tsresol }] }));
      expect(records.map((x) => [x.tsSec, x.tsNsec])).toEqual(r.map((x) => roundTrip(x, tsresol)));
      expect(info.timestampDigits).toBe(digits);
    });
  }

  it('keeps full nanosecond precision where 64-bit ticks exceed 2^53', () => {
    const r = [{ tsSec: 4_000_000_000, tsNsec: 987_654_321, data: Buffer.from('a') }];
    const { records } = parseBuffer(writePcapng(r, { interfaces: [{ linkType: 1, tsresol: 9 }] }));
    expect(records[0]).toMatchObject({ tsSec: 4_000_000_000, tsNsec: 987_654_321 });
  });

  it('takes the finest resolution of all interfaces for timestampDigits', () => {
    const r = [{ tsSec: 1, tsNsec: 0, data: Buffer.from('a'), interfaceId: 1 }];
    const buf = writePcapng(r, { interfaces: [{ linkType: 1, tsresol: 3 }, { linkType: 1, tsresol: 9 }, { linkType: 1 }] });
    expect(parseBuffer(buf).info.timestampDigits).toBe(9);
  });

  for (const tsoffset of [100, -100, 1_600_000_000]) {
    it(`adds if_tsoffset ${tsoffset} seconds`, () => {
      const r = [{ tsSec: 1_700_000_000, tsNsec: 250_000_000, data: Buffer.from('a') }];
      const buf = writePcapng(r, { interfaces: [{ linkType: 1, tsoffset, tsresol: 9 }] });
      // The ticks stored are relative to the offset: check the raw ticks, then the decoded time.
      const blocks = buf.subarray(buf.length - 36);
      const ticks = (BigInt(blocks.readUInt32LE(12)) << 32n) | BigInt(blocks.readUInt32LE(16));
      expect(ticks).toBe(BigInt(1_700_000_000 - tsoffset) * 1_000_000_000n + 250_000_000n);
      expect(parseBuffer(buf).records[0]).toMatchObject({ tsSec: 1_700_000_000, tsNsec: 250_000_000 });
    });
  }

  for (const be of [false, true]) {
    it(`reads obsolete packet blocks (${be ? 'BE' : 'LE'})`, () => {
      const r = sampleRecords(8).map((x, i) => ({ ...x, interfaceId: i % 2 }));
      const buf = writePcapng(r, { interfaces: [{ linkType: 1 }, { linkType: 105 }], block: 'opb', bigEndian: be });
      const lastLen = be ? buf.readUInt32BE(buf.length - 4) : buf.readUInt32LE(buf.length - 4);
      expect(be ? buf.readUInt32BE(buf.length - lastLen) : buf.readUInt32LE(buf.length - lastLen)).toBe(2);
      const { records, diagnostics } = parseBuffer(buf);
      expect(records).toEqual(expected(r, (x) => (x.interfaceId === 1 ? 105 : 1)));
      expect(diagnostics).toEqual([]);
    });
  }

  for (const be of [false, true]) {
    it(`reads simple packet blocks (${be ? 'BE' : 'LE'}): interface 0, snaplen, previous timestamp`, () => {
      const head = section(be, [1, 113], 100);
      const buf = cat(
        head,
        spb(be, 5, Buffer.from('hello\0\0\0')), // no record yet: timestamp 0
        epb(be, 1, 0, 7_000_001, Buffer.from('epb')), // 7.000001 s on interface 1
        spb(be, 300, Buffer.alloc(200, 0x41)), // origlen 300, snaplen 100 → 100 captured
        spb(be, 50, Buffer.alloc(40, 0x42)), // origlen 50 beyond the block's 40 bytes → 40 captured
      );
      const { records, diagnostics, info } = parseBuffer(buf);
      expect(diagnostics).toEqual([]);
      expect(records).toEqual([
        { frame: 1, tsSec: 0, tsNsec: 0, linkType: 1, interfaceId: 0, originalLength: 5, hex: Buffer.from('hello').toString('hex') },
        { frame: 2, tsSec: 7, tsNsec: 1000, linkType: 113, interfaceId: 1, originalLength: 3, hex: Buffer.from('epb').toString('hex') },
        { frame: 3, tsSec: 7, tsNsec: 1000, linkType: 1, interfaceId: 0, originalLength: 300, hex: '41'.repeat(100) },
        { frame: 4, tsSec: 7, tsNsec: 1000, linkType: 1, interfaceId: 0, originalLength: 50, hex: '42'.repeat(40) },
      ]);
      expect(info.bytes).toBe(5 + 3 + 100 + 40);
    });
  }

  it('writes simple packet blocks the reader reads back (no timestamps)', () => {
    // originalLength = captured length: an SPB's captured length is derived from it (padding would count otherwise).
    const r = sampleRecords(5).map((x) => ({ ...x, originalLength: x.data.length }));
    const { records } = parseBuffer(writePcapng(r, { interfaces: [{ linkType: 1 }], block: 'spb' }));
    expect(records).toEqual(expected(r, () => 1, () => [0, 0]));
  });

  it('skips NRB, ISB, DSB, custom and unknown blocks by their length', () => {
    const r = sampleRecords(4);
    const plain = writePcapng(r, { interfaces: [{ linkType: 1 }] });
    const head = section(false, [1]);
    const packets = plain.subarray(head.length);
    const skipped = [
      pcapngBlock(4, cat(words(false, 0x00040001), Buffer.from([127, 0, 0, 1]), Buffer.from('localhost\0'), words(false, 0))),
      pcapngBlock(5, words(false, 0, 1, 2, 0)),
      pcapngBlock(0x0a, cat(words(false, 0x544c534b, 5), Buffer.from('keys!'))),
      pcapngBlock(0x00000bad, cat(words(false, 32473), Buffer.from('custom'))),
      pcapngBlock(0x40000bad, cat(words(false, 32473), Buffer.from('no copy'))),
      pcapngBlock(0x12345678, Buffer.alloc(100, 0xff)),
      pcapngBlock(0x80000001, Buffer.alloc(0)),
    ];
    const first = packets.subarray(0, 12 + 20 + ((r[0]!.data.length + 3) & ~3));
    const buf = cat(head, ...skipped.slice(0, 3), first, ...skipped.slice(3), packets.subarray(first.length));
    const { records, diagnostics, info } = parseBuffer(buf);
    expect(records).toEqual(expected(r, () => 1));
    expect(diagnostics).toEqual([]);
    expect(info.packets).toBe(4);
  });

  it('ignores malformed IDB options instead of reading past the block', () => {
    const body = cat(Buffer.from([1, 0, 0, 0]), words(false, 65535), Buffer.from([9, 0, 200, 0, 9, 0, 0, 0]));
    const buf = cat(section(false, []), pcapngBlock(1, body), epb(false, 0, 0, 1_000_000, Buffer.from('q')));
    const { records, info, diagnostics } = parseBuffer(buf);
    expect(diagnostics).toEqual([]);
    expect(info.timestampDigits).toBe(6);
    expect(records[0]).toMatchObject({ tsSec: 1, tsNsec: 0, linkType: 1 });
  });
});
