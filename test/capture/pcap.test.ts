import { describe, expect, it } from 'vitest';
import { writePcap } from '../../src/capture/writer.js';
import { expected, parseBuffer, sampleRecords } from './helpers.js';

describe('classic pcap', () => {
  const recs = sampleRecords(40);
  const variants = [
    { nanosecond: false, bigEndian: false, magic: 'd4c3b2a1' },
    { nanosecond: false, bigEndian: true, magic: 'a1b2c3d4' },
    { nanosecond: true, bigEndian: false, magic: '4d3cb2a1' },
    { nanosecond: true, bigEndian: true, magic: 'a1b23c4d' },
  ];
  for (const v of variants) {
    it(`reads ${v.nanosecond ? 'ns' : 'µs'} ${v.bigEndian ? 'big' : 'little'}-endian (magic ${v.magic})`, () => {
      const buf = writePcap(recs, { linkType: 113, nanosecond: v.nanosecond, bigEndian: v.bigEndian });
      expect(buf.subarray(0, 4).toString('hex')).toBe(v.magic);
      const { records, info, diagnostics } = parseBuffer(buf);
      expect(records).toEqual(expected(recs, () => 113));
      expect(diagnostics).toEqual([]);
      expect(info.format).toBe('pcap');
      expect(info.timestampDigits).toBe(v.nanosecond ? 9 : 6);
      expect(info.linkTypes).toEqual([113]);
      expect(info.packets).toBe(40);
      expect(info.bytes).toBe(recs.reduce((s, r) => s + r.data.length, 0));
      expect(info.first).toEqual({ frame: 1, tsSec: recs[0]!.tsSec, tsNsec: recs[0]!.tsNsec });
      expect(info.last).toEqual({ frame: 40, tsSec: recs[39]!.tsSec, tsNsec: recs[39]!.tsNsec });
      expect(info.truncated).toBe(false);
      expect(info.compressed).toBe(false);
    });
  }

  it('keeps nanoseconds in ns files and truncates to µs in µs files', () => {
    const r = [{ tsSec: 5, tsNsec: 123_456_789, data: Buffer.from('x') }];
    expect(parseBuffer(writePcap(r, { linkType: 1, nanosecond: true })).records[0]?.tsNsec).toBe(123_456_789);
    expect(parseBuffer(writePcap(r, { linkType: 1 })).records[0]?.tsNsec).toBe(123_456_000);
  });

  it('masks FCS length and flag bits off the link type field', () => {
    const buf = writePcap(sampleRecords(2), { linkType: 1 });
    buf.writeUInt32LE((0x1 << 28) | (0x4 << 26) | 228, 20); // F bit, FCS length 4, LINKTYPE_IPV4
    const { records, info } = parseBuffer(buf);
    expect(info.linkTypes).toEqual([228]);
    expect(records.map((r) => r.linkType)).toEqual([228, 228]);
  });

  it('carries an out-of-range microsecond field into the seconds', () => {
    const buf = writePcap([{ tsSec: 10, tsNsec: 0, data: Buffer.from('ab') }], { linkType: 1 });
    buf.writeUInt32LE(2_500_000, 28);
    expect(parseBuffer(buf).records[0]).toMatchObject({ tsSec: 12, tsNsec: 500_000_000 });
  });

  it('reports originalLength >= captured length even when the file says less', () => {
    const buf = writePcap([{ tsSec: 1, tsNsec: 0, data: Buffer.alloc(50), originalLength: 20 }], { linkType: 1 });
    expect(parseBuffer(buf).records[0]?.originalLength).toBe(50);
  });

  it('reads a header-only capture as zero packets', () => {
    const { records, info, diagnostics } = parseBuffer(writePcap([], { linkType: 1 }));
    expect(records).toEqual([]);
    expect(info).toMatchObject({ format: 'pcap', packets: 0, bytes: 0, first: undefined, last: undefined, truncated: false });
    expect(diagnostics).toEqual([]);
  });

  it('gives zero-length records an empty buffer', () => {
    const { records } = parseBuffer(writePcap([{ tsSec: 1, tsNsec: 0, data: Buffer.alloc(0), originalLength: 60 }], { linkType: 1 }));
    expect(records).toEqual([{ frame: 1, tsSec: 1, tsNsec: 0, linkType: 1, interfaceId: 0, originalLength: 60, hex: '' }]);
  });
});
