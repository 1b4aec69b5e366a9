import { describe, expect, it } from 'vitest';
import { buildTcp, buildUdp, linkTypeOf, wrapLink, buildIpPacket, buildUdpDatagram } from '../../src/net/build.js';
import type { LinkKind } from '../../src/net/build.js';
import { linkTypeName } from '../../src/net/decoder.js';
import * as netCodes from '../../src/net/codes.js';
import { NET_CODES } from '../../src/net/codes.js';
import { TCP_ACK, TCP_PSH } from '../../src/net/types.js';
import { codes, decodeFrames, decodeOne, record } from './helpers.js';
import { PacketDecoder } from '../../src/net/decoder.js';
import { copyBytes, joinPieces } from '../../src/util/bytes.js';

const payload = Buffer.from('MSRP a786hjs2 SEND\r\nTo-Path: msrp://x\r\n-------a786hjs2$\r\n');
const kinds: LinkKind[] = ['ether', 'ether-vlan', 'ether-qinq', 'sll', 'sll2', 'null', 'loop', 'raw', 'ipv4', 'ipv6'];
const v4 = { src: '192.168.1.10', dst: '10.0.0.1' };
const v6 = { src: '2001:db8::10', dst: 'fe80::1' };

describe('link types', () => {
  it('linkTypeOf gives the pcap numbers', () => {
    expect(kinds.map(linkTypeOf)).toEqual([1, 1, 1, 113, 276, 0, 108, 101, 228, 229]);
  });

  it('linkTypeName gives pcap names', () => {
    expect([0, 1, 101, 108, 113, 228, 229, 276, 147].map(linkTypeName)).toEqual([
      'NULL',
      'EN10MB',
      'RAW',
      'LOOP',
      'LINUX_SLL',
      'IPV4',
      'IPV6',
      'LINUX_SLL2',
      'LINKTYPE_147',
    ]);
  });

  for (const kind of kinds) {
    for (const [name, addrs] of [
      ['IPv4', v4],
      ['IPv6', v6],
    ] as const) {
      if ((kind === 'ipv4' && name === 'IPv6') || (kind === 'ipv6' && name === 'IPv4')) continue;
      it(`${kind}: TCP and UDP over ${name}`, () => {
        const tcp = buildTcp(
          { ...addrs, srcPort: 40000, dstPort: 2855, seq: 0xfffffff0, ack: 0x80000001, flags: TCP_ACK | TCP_PSH, window: 501, payload },
          kind,
        );
        const udp = buildUdp({ ...addrs, srcPort: 5060, dstPort: 5061, payload: Buffer.from('OPTIONS') }, kind);
        const run = decodeFrames([tcp, udp], kind);
        const [t, u] = run.segments;
        expect(run.diags).toEqual([]);
        expect(t).toMatchObject({
          frame: 1,
          proto: 'tcp',
          ipVersion: name === 'IPv4' ? 4 : 6,
          src: addrs.src,
          dst: addrs.dst,
          srcPort: 40000,
          dstPort: 2855,
          seq: 0xfffffff0,
          ack: 0x80000001,
          flags: TCP_ACK | TCP_PSH,
          window: 501,
        });
        expect(t!.payload.toString()).toBe(payload.toString());
        expect(u).toMatchObject({ frame: 2, proto: 'udp', srcPort: 5060, dstPort: 5061, seq: 0, ack: 0, flags: 0 });
        expect(u!.payload.toString()).toBe('OPTIONS');
        expect(run.decoder.stats).toMatchObject({ tcp: 1, udp: 1, skipped: 0 });
      });
    }
  }

  it('Ethernet: three stacked tags (0x88a8, 0x9100, 0x8100)', () => {
    const f = buildTcp({ ...v4, srcPort: 1, dstPort: 2, seq: 5, flags: TCP_ACK, payload: Buffer.from('xyz') }, 'ether-qinq', {
      vlanIds: [1, 2, 3],
    });
    // wrapLink writes 0x88a8 for the outer tags; make the middle one 0x9100.
    expect(f.readUInt16BE(12)).toBe(0x88a8);
    f.writeUInt16BE(0x9100, 16);
    expect(f.readUInt16BE(20)).toBe(0x8100);
    const seg = decodeOne(f).segments[0];
    expect(seg?.payload.toString()).toBe('xyz');
  });

  it('Ethernet: too many VLAN tags or a cut tag is malformed', () => {
    const ip = buildIpPacket(v4.src, v4.dst, 17, buildUdpDatagram({ ...v4, srcPort: 1, dstPort: 2, payload: Buffer.alloc(1) }));
    const ten = wrapLink(ip, 'ether-vlan', { vlanIds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    const cut = wrapLink(ip, 'ether-vlan').subarray(0, 16);
    const run = decodeFrames([ten, cut]);
    expect(run.segments).toEqual([undefined, undefined]);
    expect(codes(run.diags)).toEqual(['link-malformed', 'link-malformed']);
    expect(run.decoder.stats).toMatchObject({ skipped: 2, malformed: 2 });
  });

  it('Ethernet: trailing padding is ignored (the IP total length is trusted)', () => {
    const f = buildUdp({ ...v4, srcPort: 1, dstPort: 2, payload: Buffer.from('hi') }, 'ether', { padTo: 60 });
    expect(f.length).toBe(60);
    const t = buildTcp({ ...v4, srcPort: 1, dstPort: 2, seq: 1, flags: TCP_ACK }, 'ether', { padTo: 64 });
    const run = decodeFrames([f, t]);
    expect(run.segments[0]!.payload.toString()).toBe('hi');
    expect(run.segments[1]!.payload.length).toBe(0);
    const v6pad = buildTcp({ ...v6, srcPort: 1, dstPort: 2, seq: 1, flags: TCP_ACK, payload: Buffer.from('ab') }, 'ether');
    const padded = joinPieces([v6pad, Buffer.alloc(7, 0xee)]);
    expect(decodeOne(padded).segments[0]!.payload.toString()).toBe('ab');
  });

  it('Ethernet: non-IP EtherTypes (ARP, 802.3 length) are skipped quietly', () => {
    const arp = Buffer.alloc(42);
    arp.writeUInt16BE(0x0806, 12);
    const llc = Buffer.alloc(60);
    llc.writeUInt16BE(46, 12);
    const run = decodeFrames([arp, llc]);
    expect(run.segments).toEqual([undefined, undefined]);
    expect(run.diags).toEqual([]);
    expect(run.decoder.stats).toMatchObject({ skipped: 2, malformed: 0 });
  });

  it('NULL/LOOP: family in either byte order, AF_INET6 as 24, 28 or 30', () => {
    const frames: Buffer[] = [];
    for (const be of [false, true]) {
      frames.push(buildTcp({ ...v4, srcPort: 1, dstPort: 2, seq: 1, flags: 0x18, payload: Buffer.from('4') }, 'null', { familyBigEndian: be }));
      for (const fam of [24, 28, 30]) {
        frames.push(
          buildTcp({ ...v6, srcPort: 1, dstPort: 2, seq: 1, flags: 0x18, payload: Buffer.from(`6/${fam}`) }, 'null', {
            familyBigEndian: be,
            familyIPv6: fam,
          }),
        );
      }
    }
    expect(frames[0]!.subarray(0, 4)).toEqual(Buffer.from([2, 0, 0, 0]));
    expect(frames[4]!.subarray(0, 4)).toEqual(Buffer.from([0, 0, 0, 2]));
    for (const link of ['null', 'loop'] as const) {
      const run = decodeFrames(frames, link);
      expect(run.segments.map((s) => s?.payload.toString())).toEqual(['4', '6/24', '6/28', '6/30', '4', '6/24', '6/28', '6/30']);
      expect(run.segments.map((s) => s?.ipVersion)).toEqual([4, 6, 6, 6, 4, 6, 6, 6]);
    }
    // Unknown family (AF_APPLETALK-ish 16): skipped, not malformed.
    const other = joinPieces([Buffer.from([16, 0, 0, 0]), frames[0]!.subarray(4)]);
    const run = decodeFrames([other, Buffer.from([2, 0])], 'null');
    expect(run.segments).toEqual([undefined, undefined]);
    expect(run.decoder.stats).toMatchObject({ skipped: 2, malformed: 1 });
  });

  it('SLL and SLL2 carrying a VLAN tag', () => {
    const ip = buildIpPacket(v4.src, v4.dst, 17, buildUdpDatagram({ ...v4, srcPort: 7, dstPort: 8, payload: Buffer.from('v') }));
    const sll = Buffer.alloc(16 + 4);
    sll.writeUInt16BE(0x8100, 14);
    sll.writeUInt16BE(42, 16);
    sll.writeUInt16BE(0x0800, 18);
    const sll2 = Buffer.alloc(20 + 4);
    sll2.writeUInt16BE(0x8100, 0);
    sll2.writeUInt16BE(42, 20);
    sll2.writeUInt16BE(0x0800, 22);
    expect(decodeOne(joinPieces([sll, ip]), 'sll').segments[0]?.payload.toString()).toBe('v');
    expect(decodeOne(joinPieces([sll2, ip]), 'sll2').segments[0]?.payload.toString()).toBe('v');
    // Header cut: malformed.
    expect(codes(decodeOne(Buffer.alloc(15), 'sll').diags)).toEqual(['link-malformed']);
    expect(codes(decodeOne(Buffer.alloc(19), 'sll2').diags)).toEqual(['link-malformed']);
  });

  it('RAW with a bad version nibble is malformed; DLT_RAW 12/14 decode as RAW', () => {
    const f = buildTcp({ ...v4, srcPort: 1, dstPort: 2, seq: 1, flags: 0x10 }, 'raw');
    expect(decodeOne(f, 12).segments[0]?.proto).toBe('tcp');
    expect(decodeOne(f, 14).segments[0]?.proto).toBe('tcp');
    const bad = copyBytes(f);
    bad[0] = 0x55;
    expect(codes(decodeOne(bad, 'raw').diags)).toEqual(['link-malformed']);
    // IPV4 link type with an IPv6 packet inside: ip-malformed.
    const six = buildTcp({ ...v6, srcPort: 1, dstPort: 2, seq: 1, flags: 0x10 }, 'raw');
    expect(codes(decodeOne(six, 'ipv4').diags)).toEqual(['ip-malformed']);
  });

  it('unknown link type: one diagnostic per interface, packets counted as skipped', () => {
    const diags: string[] = [];
    const dec = new PacketDecoder({ onDiagnostic: (d) => diags.push(`${d.code}@${d.frame}:${d.severity}`) });
    const f = Buffer.alloc(40);
    for (let i = 0; i < 10; i++) dec.decode(record(f, 147, { frame: i + 1, interfaceId: i % 2 }));
    dec.decode(record(buildTcp({ ...v4, srcPort: 1, dstPort: 2, seq: 1, flags: 0x10 }), 'ether', { frame: 11, interfaceId: 2 }));
    expect(diags).toEqual(['unknown-link-type@1:warning', 'unknown-link-type@2:warning']);
    expect(dec.stats).toMatchObject({ skipped: 10, unknownLink: 10, tcp: 1 });
  });

  it('every emitted code is in NET_CODES', () => {
    const known = new Set(NET_CODES.map((c) => c.code));
    expect(known.size).toBe(NET_CODES.length);
    for (const c of ['unknown-link-type', 'link-malformed', 'ip-malformed', 'ip-truncated', 'tcp-malformed', 'udp-malformed']) {
      expect(known.has(c)).toBe(true);
    }
  });

  it('the code constants (the NetCode union) and the table of codes list the same codes', () => {
    const constants = Object.entries(netCodes)
      .filter(([name, v]) => name.startsWith('NET_') && typeof v === 'string')
      .map(([, v]) => v as string);
    expect(constants).toHaveLength(11);
    expect([...constants].sort()).toEqual(NET_CODES.map((c) => c.code).sort());
  });
});
