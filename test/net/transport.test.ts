import { describe, expect, it } from 'vitest';
import { buildTcp, buildUdp, buildIpPacket, wrapLink } from '../../src/net/build.js';
import { copyBytes } from '../../src/util/bytes.js';
import { TCP_ACK, TCP_FIN, TCP_SYN } from '../../src/net/types.js';
import { codes, decodeFrames, decodeOne } from './helpers.js';

const a = { src: '10.9.8.7', dst: '10.9.8.6' };

describe('TCP header', () => {
  it('skips options by the data offset (MSS, SACK-permitted, timestamps, window scale, NOPs)', () => {
    const options = Buffer.from([2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7]);
    const f = buildTcp({ ...a, srcPort: 50000, dstPort: 2855, seq: 1, flags: TCP_SYN, options, payload: Buffer.from('syn-data') });
    expect(f[14 + 20 + 12]! >> 4).toBe(10);
    const s = decodeOne(f).segments[0]!;
    expect(s.flags).toBe(TCP_SYN);
    expect(s.payload.toString()).toBe('syn-data');
  });

  it('a maximal 60-byte header with an empty payload', () => {
    const f = buildTcp({ ...a, srcPort: 1, dstPort: 2, seq: 1, flags: TCP_ACK | TCP_FIN, options: Buffer.alloc(40, 1) });
    const s = decodeOne(f).segments[0]!;
    expect(s.payload.length).toBe(0);
    expect(s.flags).toBe(TCP_ACK | TCP_FIN);
  });

  it('data offset below 5 or beyond the segment is tcp-malformed', () => {
    const base = buildTcp({ ...a, srcPort: 1, dstPort: 2, seq: 1, flags: TCP_ACK, payload: Buffer.alloc(4) });
    const low = copyBytes(base);
    low[14 + 20 + 12] = 4 << 4;
    const beyond = copyBytes(base);
    beyond[14 + 20 + 12] = 15 << 4; // 60 bytes, segment has 24
    const short = wrapLink(buildIpPacket(a.src, a.dst, 6, Buffer.alloc(12)));
    const run = decodeFrames([low, beyond, short]);
    expect(run.segments).toEqual([undefined, undefined, undefined]);
    expect(codes(run.diags)).toEqual(['tcp-malformed', 'tcp-malformed', 'tcp-malformed']);
    expect(run.diags[1]!.detail).toBe('TCP data offset 60 beyond the 24 bytes of the segment');
    expect(run.decoder.stats).toMatchObject({ tcp: 0, skipped: 3, malformed: 3 });
  });

  it('payload is a view into the record bytes (same ArrayBuffer), not a copy', () => {
    const f = buildTcp({ ...a, srcPort: 1, dstPort: 2, seq: 1, flags: 0x18, payload: Buffer.from('view me') });
    const big = Buffer.alloc(f.length + 100);
    big.set(f, 37);
    const data = big.subarray(37, 37 + f.length);
    const s = decodeOne(data).segments[0]!;
    expect(s.payload.buffer).toBe(big.buffer);
    expect(s.payload.byteOffset).toBe(big.byteOffset + 37 + 54);
    data[54] = 0x56; // 'V'
    expect(s.payload.toString()).toBe('View me');
  });

  it('the whole 32-bit range of seq/ack is unsigned', () => {
    const s = decodeOne(buildTcp({ ...a, srcPort: 65535, dstPort: 0, seq: 0xffffffff, ack: 0x80000000, flags: 0xff, window: 65535 }))
      .segments[0]!;
    expect(s).toMatchObject({ srcPort: 65535, dstPort: 0, seq: 4294967295, ack: 2147483648, flags: 0xff, window: 65535 });
  });
});

describe('UDP header', () => {
  it('the length field bounds the payload', () => {
    const f = buildUdp({ ...a, srcPort: 5060, dstPort: 5060, payload: Buffer.from('INVITE') });
    const ipLonger = copyBytes(f);
    // Make the UDP length 2 shorter than the IP payload: the last 2 bytes are not UDP payload.
    ipLonger.writeUInt16BE(ipLonger.readUInt16BE(14 + 20 + 4) - 2, 14 + 20 + 4);
    expect(decodeOne(ipLonger).segments[0]!.payload.toString()).toBe('INVI');
  });

  it('a length below 8 or beyond the IP payload is udp-malformed', () => {
    const f = buildUdp({ ...a, srcPort: 5060, dstPort: 5060, payload: Buffer.from('INVITE') });
    const low = copyBytes(f);
    low.writeUInt16BE(7, 14 + 20 + 4);
    const high = copyBytes(f);
    high.writeUInt16BE(100, 14 + 20 + 4);
    const short = wrapLink(buildIpPacket(a.src, a.dst, 17, Buffer.alloc(5)));
    const run = decodeFrames([low, high, short]);
    expect(run.segments).toEqual([undefined, undefined, undefined]);
    expect(codes(run.diags)).toEqual(['udp-malformed', 'udp-malformed', 'udp-malformed']);
    expect(run.diags[1]!.detail).toBe('UDP length 100 beyond the 14 bytes of the IP payload');
  });

  it('an empty UDP payload is a datagram', () => {
    const s = decodeOne(buildUdp({ ...a, srcPort: 1, dstPort: 2, payload: Buffer.alloc(0) })).segments[0]!;
    expect(s.proto).toBe('udp');
    expect(s.payload.length).toBe(0);
  });
});

describe('diagnostic rate limit', () => {
  it('at most 5 per code, then a summary from finish()', () => {
    const bad = wrapLink(buildIpPacket(a.src, a.dst, 6, Buffer.alloc(12)));
    const run = decodeFrames(new Array<Buffer>(50).fill(bad), 'ether', { finish: true });
    expect(codes(run.diags)).toEqual(new Array<string>(6).fill('tcp-malformed'));
    expect(run.diags.map((d) => d.frame)).toEqual([1, 2, 3, 4, 5, 0]);
    expect(run.diags[5]!.detail).toBe('45 more tcp-malformed diagnostics not shown');
    expect(run.decoder.stats.malformed).toBe(50);
  });
});
