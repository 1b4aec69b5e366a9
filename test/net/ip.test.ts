import { describe, expect, it } from 'vitest';
import { buildIpPacket, buildTcp, buildTcpSegment, buildUdp, wrapLink } from '../../src/net/build.js';
import type { Ipv6Extension } from '../../src/net/build.js';
import { copyBytes } from '../../src/util/bytes.js';
import { PacketDecoder } from '../../src/net/decoder.js';
import { codes, decodeFrames, decodeOne } from './helpers.js';

const v4 = { src: '172.16.0.1', dst: '172.16.0.2' };
const v6 = { src: '2001:db8:0:0:1::1', dst: '::ffff:10.1.2.3' };

describe('IPv4', () => {
  it('skips header options (IHL > 5)', () => {
    // Record-route style option (7, len 11) + EOL padding: IHL 8.
    const opt = Buffer.from([7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
    const f = buildTcp({ ...v4, srcPort: 5000, dstPort: 2855, seq: 9, flags: 0x18, payload: Buffer.from('opts') }, 'ether', {
      ipv4Options: opt,
    });
    expect(f[14]! & 0x0f).toBe(8);
    const seg = decodeOne(f).segments[0]!;
    expect(seg.payload.toString()).toBe('opts');
    expect(seg).toMatchObject({ src: '172.16.0.1', dst: '172.16.0.2', srcPort: 5000, dstPort: 2855, seq: 9 });
  });

  it('rejects impossible headers with ip-malformed', () => {
    const good = buildTcp({ ...v4, srcPort: 1, dstPort: 2, seq: 1, flags: 0x10 }, 'raw');
    const ihl4 = copyBytes(good);
    ihl4[0] = 0x44;
    const totalBelowHeader = copyBytes(good);
    totalBelowHeader.writeUInt16BE(19, 2);
    const ihlBeyond = copyBytes(good).subarray(0, 22);
    ihlBeyond[0] = 0x4f; // 60-byte header in a 22-byte packet, not cut by the snaplen
    const run = decodeFrames([ihl4, totalBelowHeader, ihlBeyond], 'raw');
    expect(run.segments).toEqual([undefined, undefined, undefined]);
    expect(codes(run.diags)).toEqual(['ip-malformed', 'ip-malformed', 'ip-malformed']);
    expect(run.diags.map((d) => d.frame)).toEqual([1, 2, 3]);
    expect(run.decoder.stats).toMatchObject({ skipped: 3, malformed: 3 });
  });

  it('total length 0 (segmentation offload) takes the captured length', () => {
    const f = buildTcp({ ...v4, srcPort: 1, dstPort: 2, seq: 1, flags: 0x10, payload: Buffer.alloc(3000, 0x61) }, 'raw');
    f.writeUInt16BE(0, 2);
    expect(decodeOne(f, 'raw').segments[0]!.payload.length).toBe(3000);
  });

  it('other protocols (ICMP) are skipped without a diagnostic', () => {
    const icmp = wrapLink(buildIpPacket(v4.src, v4.dst, 1, Buffer.alloc(16)));
    const run = decodeFrames([icmp, icmp, icmp]);
    expect(run.segments).toEqual([undefined, undefined, undefined]);
    expect(run.diags).toEqual([]);
    expect(run.decoder.stats).toMatchObject({ skipped: 3, malformed: 0 });
  });
});

describe('truncated packets (snaplen)', () => {
  it('TCP: the captured part of the payload, the rest as payloadMissing, one diagnostic', () => {
    const frames: Buffer[] = [];
    for (let i = 0; i < 4; i++) {
      frames.push(buildTcp({ ...v4, srcPort: 1, dstPort: 2, seq: 100 * i, flags: 0x18, payload: Buffer.alloc(100, 0x41 + i) }));
    }
    const diags: string[] = [];
    const dec = new PacketDecoder({ onDiagnostic: (d) => diags.push(`${d.code}@${d.frame}`) });
    const segs = frames.map((f, i) =>
      dec.decode({ frame: i + 1, tsSec: 1, tsNsec: 0, linkType: 1, interfaceId: 0, data: f.subarray(0, 14 + 20 + 20 + 30), originalLength: f.length }),
    );
    expect(segs.map((s) => s?.payload.length)).toEqual([30, 30, 30, 30]);
    expect(segs.map((s) => s?.payloadMissing)).toEqual([70, 70, 70, 70]);
    expect(segs[2]!.payload.toString()).toBe('C'.repeat(30));
    expect(diags).toEqual(['ip-truncated@1']);
    expect(dec.stats).toMatchObject({ tcp: 4, truncated: 4 });
    dec.finish();
    expect(diags).toEqual(['ip-truncated@1', 'ip-truncated@0']);
  });

  it('TCP header cut by the snaplen: skipped and counted as truncated, not malformed', () => {
    const f = buildTcp({ ...v4, srcPort: 1, dstPort: 2, seq: 1, flags: 0x18, payload: Buffer.alloc(50) });
    const run = decodeOne(f.subarray(0, 14 + 20 + 10), 'ether', { originalLength: f.length });
    expect(run.segments[0]).toBeUndefined();
    expect(codes(run.diags)).toEqual(['ip-truncated']);
    expect(run.decoder.stats).toMatchObject({ skipped: 1, truncated: 1, malformed: 0 });
  });

  it('IPv4 header cut by the snaplen', () => {
    const f = buildTcp({ ...v4, srcPort: 1, dstPort: 2, seq: 1, flags: 0x18 });
    const run = decodeOne(f.subarray(0, 14 + 12), 'ether', { originalLength: f.length });
    expect(codes(run.diags)).toEqual(['ip-truncated']);
    expect(run.decoder.stats).toMatchObject({ skipped: 1, truncated: 1, malformed: 0 });
  });

  it('UDP: captured part and payloadMissing', () => {
    const f = buildUdp({ ...v6, srcPort: 5060, dstPort: 5060, payload: Buffer.alloc(500, 0x42) });
    const run = decodeOne(f.subarray(0, 14 + 40 + 8 + 100), 'ether', { originalLength: f.length });
    const s = run.segments[0]!;
    expect(s.payload.length).toBe(100);
    expect(s.payloadMissing).toBe(400);
  });
});

describe('IPv6 extension headers', () => {
  const chain: Ipv6Extension[] = [
    { type: 0, body: Buffer.from([1, 4, 0, 0, 0, 0]) }, // hop-by-hop, PadN
    { type: 60, body: Buffer.alloc(14) }, // destination options, 16 bytes
    { type: 43, body: Buffer.from([0, 0, 0, 0, 0, 0]) }, // routing, 8 bytes
    { type: 51, body: Buffer.alloc(22) }, // AH, 24 bytes
    { type: 135, body: Buffer.alloc(6) }, // mobility
  ];

  it('walks hop-by-hop, destination options, routing, AH and mobility to TCP and UDP', () => {
    const t = buildTcp({ ...v6, srcPort: 7000, dstPort: 2855, seq: 77, flags: 0x18, payload: Buffer.from('chain') }, 'ipv6', {
      ipv6Extensions: chain,
    });
    const u = buildUdp({ ...v6, srcPort: 5060, dstPort: 5060, payload: Buffer.from('sip') }, 'ipv6', { ipv6Extensions: chain });
    expect(t.length).toBe(40 + 8 + 16 + 8 + 24 + 8 + 20 + 5);
    const run = decodeFrames([t, u], 'ipv6');
    expect(run.diags).toEqual([]);
    expect(run.segments[0]).toMatchObject({ proto: 'tcp', src: '2001:db8::1:0:0:1', dst: '::ffff:10.1.2.3', seq: 77, dstPort: 2855 });
    expect(run.segments[0]!.payload.toString()).toBe('chain');
    expect(run.segments[1]!.payload.toString()).toBe('sip');
  });

  it('an atomic fragment header (offset 0, M=0) is part of the chain', () => {
    const t = buildTcp({ ...v6, srcPort: 1, dstPort: 2, seq: 1, flags: 0x10, payload: Buffer.from('atomic') }, 'ipv6', {
      ipv6Extensions: [{ type: 44, fragment: { offset: 0, more: false, id: 5 } }],
    });
    const run = decodeOne(t, 'ipv6');
    expect(run.segments[0]!.payload.toString()).toBe('atomic');
    expect(run.decoder.stats.fragments).toBe(0);
  });

  it('ESP and no-next-header end the chain as skipped, quietly', () => {
    const esp = buildIpPacket(v6.src, v6.dst, 50, Buffer.alloc(40), { ipv6Extensions: [{ type: 0 }] });
    const none = buildIpPacket(v6.src, v6.dst, 59, Buffer.alloc(0), { ipv6Extensions: [{ type: 60 }] });
    const run = decodeFrames([esp, none], 'ipv6');
    expect(run.segments).toEqual([undefined, undefined]);
    expect(run.diags).toEqual([]);
    expect(run.decoder.stats).toMatchObject({ skipped: 2, malformed: 0 });
  });

  it('an extension header running past the payload is malformed', () => {
    const t = buildIpPacket(v6.src, v6.dst, 6, buildTcpSegment({ ...v6, srcPort: 1, dstPort: 2, seq: 1, flags: 0x10 }), {
      ipv6Extensions: [{ type: 0 }],
    });
    t[41] = 200; // hop-by-hop length 1608 bytes
    const run = decodeOne(t, 'ipv6');
    expect(codes(run.diags)).toEqual(['ip-malformed']);
    expect(run.diags[0]!.detail).toContain('extension header 0');
  });

  it('payload length beyond the captured bytes without snaplen cut is still decoded, flagged', () => {
    const u = buildUdp({ ...v6, srcPort: 1, dstPort: 2, payload: Buffer.from('abc') }, 'ipv6');
    u.writeUInt16BE(u.readUInt16BE(4) + 10, 4);
    u.writeUInt16BE(u.readUInt16BE(44) + 10, 44); // UDP length too
    const run = decodeOne(u, 'ipv6');
    expect(run.segments[0]).toMatchObject({ payloadMissing: 10 });
    expect(codes(run.diags)).toEqual(['ip-truncated']);
  });

  it('upper-layer length checks use the IPv6 payload length (trailing bytes ignored)', () => {
    const u = buildUdp({ ...v6, srcPort: 1, dstPort: 2, payload: Buffer.from('abc') }, 'ether', { padTo: 200 });
    expect(decodeOne(u).segments[0]!.payload.toString()).toBe('abc');
  });
});
