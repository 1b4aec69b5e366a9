import { describe, expect, it } from 'vitest';
import { pcapngBlock, writePcap, writePcapng } from '../../src/capture/writer.js';
import { sampleRecords } from './helpers.js';

describe('writePcap', () => {
  it('writes the libpcap 2.4 header and record headers', () => {
    const buf = writePcap([{ tsSec: 0x01020304, tsNsec: 5_000_999, data: Buffer.from('abc'), originalLength: 9 }], { linkType: 113, snaplen: 65535 });
    expect(buf.length).toBe(24 + 16 + 3);
    expect(buf.subarray(0, 24).toString('hex')).toBe('d4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + 'ffff0000' + '71000000');
    expect(buf.subarray(24).toString('hex')).toBe('04030201' + '88130000' + '03000000' + '09000000' + '616263');
  });

  it('writes big-endian nanosecond files', () => {
    const buf = writePcap([{ tsSec: 1, tsNsec: 5_000_999, data: Buffer.alloc(0) }], { linkType: 1, nanosecond: true, bigEndian: true });
    expect(buf.subarray(0, 8).toString('hex')).toBe('a1b23c4d00020004');
    expect(buf.readUInt32BE(24 + 4)).toBe(5_000_999);
  });

  it('is deterministic', () => {
    const r = sampleRecords(20);
    expect(writePcap(r, { linkType: 1 }).equals(writePcap(r, { linkType: 1 }))).toBe(true);
    expect(writePcapng(r, { interfaces: [{ linkType: 1 }] }).equals(writePcapng(r, { interfaces: [{ linkType: 1 }] }))).toBe(true);
  });
});

describe('writePcapng', () => {
  it('writes SHB, IDB with options and padded EPB', () => {
    const buf = writePcapng([{ tsSec: 1, tsNsec: 0, data: Buffer.from('hello') }], {
      interfaces: [{ linkType: 1, snaplen: 1500, tsresol: 9, tsoffset: 0, name: 'eth0' }],
    });
    // SHB: type, length 28, byte-order magic, version 1.0, section length -1.
    expect(buf.subarray(0, 28).toString('hex')).toBe('0a0d0d0a' + '1c000000' + '4d3c2b1a' + '01000000' + 'ffffffffffffffff' + '1c000000');
    const idb = buf.subarray(28, 28 + buf.readUInt32LE(32));
    expect(idb.readUInt32LE(0)).toBe(1);
    expect(idb.readUInt16LE(8)).toBe(1);
    expect(idb.readUInt32LE(12)).toBe(1500);
    // if_name "eth0", if_tsresol 9, if_tsoffset 0, opt_endofopt.
    expect(idb.subarray(16, idb.length - 4).toString('hex')).toBe('02000400' + '65746830' + '09000100' + '09000000' + '0e000800' + '0000000000000000' + '00000000');
    const epb = buf.subarray(28 + idb.length);
    expect(epb.length).toBe(12 + 20 + 8);
    expect(epb.readUInt32LE(4)).toBe(40);
    expect(epb.readUInt32LE(epb.length - 4)).toBe(40);
    expect(epb.readUInt32LE(12)).toBe(0); // high ticks of 1e9
    expect(epb.readUInt32LE(16)).toBe(1_000_000_000);
    expect(epb.subarray(28, 36).toString('hex')).toBe('68656c6c6f000000');
  });

  it('pads block bodies and repeats the length at the end', () => {
    const b = pcapngBlock(0x12345678, Buffer.from('abcde'), true);
    expect(b.toString('hex')).toBe('12345678' + '00000014' + '6162636465000000' + '00000014');
  });
});
