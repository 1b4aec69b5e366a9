/**
 * Deterministic packet builders (no clocks, no randomness) for tests and sample generation: TCP and UDP over
 * IPv4 or IPv6 (chosen by the address syntax), IPv4 options, IPv6 extension headers, IP fragments, wrapped in
 * any link layer the decoder understands. Checksums (IPv4 header, TCP, UDP) are correct.
 * Builders throw on an invalid spec (bad address, oversize packet): they are for trusted, hand-written input.
 */

import { joinPieces } from '../util/bytes.js';
import { parseIPv4, parseIPv6 } from './address.js';

export type LinkKind =
  | 'ether'
  | 'ether-vlan'
  | 'ether-qinq'
  | 'sll'
  | 'sll2'
  | 'null'
  | 'loop'
  | 'raw'
  | 'ipv4'
  | 'ipv6';

export const LINKTYPE_NULL = 0;
export const LINKTYPE_EN10MB = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

/** LINKTYPE_* number of a link kind. */
export function linkTypeOf(kind: LinkKind): number {
  switch (kind) {
    case 'ether':
    case 'ether-vlan':
    case 'ether-qinq':
      return LINKTYPE_EN10MB;
    case 'sll':
      return LINKTYPE_LINUX_SLL;
    case 'sll2':
      return LINKTYPE_LINUX_SLL2;
    case 'null':
      return LINKTYPE_NULL;
    case 'loop':
      return LINKTYPE_LOOP;
    case 'raw':
      return LINKTYPE_RAW;
    case 'ipv4':
      return LINKTYPE_IPV4;
    case 'ipv6':
      return LINKTYPE_IPV6;
  }
}

export interface TcpSpec {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  flags: number;
  window?: number;
  payload?: Buffer;
  ipId?: number;
  /** Raw TCP option bytes; padded with EOL (0) to a multiple of 4. */
  options?: Buffer;
}

export interface UdpSpec {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  payload: Buffer;
  ipId?: number;
}

/** Extra knobs for the IP header and the link wrapping. */
export interface IpOptions {
  /** IPv4 identification (default 0). */
  ipId?: number;
  /** IPv4 header options (padded with 0 to a multiple of 4, at most 40 bytes). */
  ipv4Options?: Buffer;
  /** IPv6 extension headers placed before the upper-layer header (next-header fields are filled in). */
  ipv6Extensions?: Ipv6Extension[];
  /** IPv4 DF flag (default true for unfragmented packets). */
  dontFragment?: boolean;
  ttl?: number;
}

/**
 * One IPv6 extension header. For type 0/43/60/135 `body` is everything after the next-header and length
 * bytes (padded with zeros to make the header a multiple of 8); for AH (51) the body after those two bytes
 * (padded to a multiple of 4); for a fragment header (44) give `fragment`.
 */
export interface Ipv6Extension {
  type: number;
  body?: Buffer;
  fragment?: { offset: number; more: boolean; id: number };
}

export interface LinkOptions {
  /** NULL/LOOP: write the 4-byte family big-endian (default: little-endian for 'null', big-endian for 'loop'). */
  familyBigEndian?: boolean;
  /** NULL/LOOP: family value for IPv6 (default 30, the Darwin value). */
  familyIPv6?: number;
  /** Ethernet: pad the frame with zeros to at least this many bytes (e.g. 60). */
  padTo?: number;
  /** VLAN ids for 'ether-vlan' (default [100]) and 'ether-qinq' (default [10, 20]). */
  vlanIds?: number[];
}

const MAC_DST = Buffer.from([0x02, 0x00, 0x00, 0x00, 0x00, 0x02]);
const MAC_SRC = Buffer.from([0x02, 0x00, 0x00, 0x00, 0x00, 0x01]);

interface ParsedAddr {
  version: 4 | 6;
  bytes: Buffer;
}

function parseAddr(s: string): ParsedAddr {
  const v4 = parseIPv4(s);
  if (v4 !== undefined) return { version: 4, bytes: v4 };
  const v6 = parseIPv6(s);
  if (v6 !== undefined) return { version: 6, bytes: v6 };
  throw new Error(`not an IP address: ${s}`);
}

function addrPair(src: string, dst: string): { version: 4 | 6; src: Buffer; dst: Buffer } {
  const a = parseAddr(src);
  const b = parseAddr(dst);
  if (a.version !== b.version) throw new Error(`address family mismatch: ${src} / ${dst}`);
  return { version: a.version, src: a.bytes, dst: b.bytes };
}

/** Internet checksum (RFC 1071) over the concatenation of the pieces. */
export function internetChecksum(pieces: readonly Buffer[]): number {
  let sum = 0;
  let odd = false;
  let carry = 0;
  for (const p of pieces) {
    for (let i = 0; i < p.length; i++) {
      if (odd) sum += carry | p[i]!;
      else carry = p[i]! << 8;
      odd = !odd;
    }
  }
  if (odd) sum += carry;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

function pseudoHeader(version: 4 | 6, src: Buffer, dst: Buffer, proto: number, length: number): Buffer {
  if (version === 4) {
    const p = Buffer.alloc(12);
    p.set(src, 0);
    p.set(dst, 4);
    p[9] = proto;
    p.writeUInt16BE(length, 10);
    return p;
  }
  const p = Buffer.alloc(40);
  p.set(src, 0);
  p.set(dst, 16);
  p.writeUInt32BE(length, 32);
  p[39] = proto;
  return p;
}

function padTo4(b: Buffer | undefined): Buffer {
  if (b === undefined || b.length === 0) return Buffer.alloc(0);
  const len = Math.ceil(b.length / 4) * 4;
  const out = Buffer.alloc(len);
  out.set(b, 0);
  return out;
}

/** TCP header + payload with a correct checksum (the upper-layer bytes of an IP packet). */
export function buildTcpSegment(spec: TcpSpec): Buffer {
  const { version, src, dst } = addrPair(spec.src, spec.dst);
  const opts = padTo4(spec.options);
  if (opts.length > 40) throw new Error('TCP options longer than 40 bytes');
  const payload = spec.payload ?? Buffer.alloc(0);
  const hlen = 20 + opts.length;
  const h = Buffer.alloc(hlen);
  h.writeUInt16BE(spec.srcPort & 0xffff, 0);
  h.writeUInt16BE(spec.dstPort & 0xffff, 2);
  h.writeUInt32BE(spec.seq >>> 0, 4);
  h.writeUInt32BE((spec.ack ?? 0) >>> 0, 8);
  h[12] = (hlen / 4) << 4;
  h[13] = spec.flags & 0xff;
  h.writeUInt16BE((spec.window ?? 65535) & 0xffff, 14);
  h.set(opts, 20);
  const ck = internetChecksum([pseudoHeader(version, src, dst, IPPROTO_TCP, hlen + payload.length), h, payload]);
  h.writeUInt16BE(ck, 16);
  return joinPieces([h, payload]);
}

/** UDP header + payload with a correct checksum. */
export function buildUdpDatagram(spec: UdpSpec): Buffer {
  const { version, src, dst } = addrPair(spec.src, spec.dst);
  const len = 8 + spec.payload.length;
  if (len > 0xffff) throw new Error('UDP datagram too long');
  const h = Buffer.alloc(8);
  h.writeUInt16BE(spec.srcPort & 0xffff, 0);
  h.writeUInt16BE(spec.dstPort & 0xffff, 2);
  h.writeUInt16BE(len, 4);
  let ck = internetChecksum([pseudoHeader(version, src, dst, IPPROTO_UDP, len), h, spec.payload]);
  if (ck === 0) ck = 0xffff;
  h.writeUInt16BE(ck, 6);
  return joinPieces([h, spec.payload]);
}

function ipv4Header(
  src: Buffer,
  dst: Buffer,
  proto: number,
  bodyLength: number,
  id: number,
  flagsFrag: number,
  options: Buffer,
  ttl: number,
): Buffer {
  if (options.length > 40) throw new Error('IPv4 options longer than 40 bytes');
  const hlen = 20 + options.length;
  const total = hlen + bodyLength;
  if (total > 0xffff) throw new Error('IPv4 packet too long');
  const h = Buffer.alloc(hlen);
  h[0] = 0x40 | (hlen / 4);
  h.writeUInt16BE(total, 2);
  h.writeUInt16BE(id & 0xffff, 4);
  h.writeUInt16BE(flagsFrag & 0xffff, 6);
  h[8] = ttl;
  h[9] = proto;
  h.set(src, 12);
  h.set(dst, 16);
  h.set(options, 20);
  h.writeUInt16BE(internetChecksum([h]), 10);
  return h;
}

/** Serialises the IPv6 extension headers; returns the bytes and the first next-header value. */
function ipv6ExtensionBytes(exts: readonly Ipv6Extension[], upper: number): { bytes: Buffer; first: number } {
  const parts: Buffer[] = [];
  for (let i = 0; i < exts.length; i++) {
    const e = exts[i]!;
    const next = i + 1 < exts.length ? exts[i + 1]!.type : upper;
    let h: Buffer;
    if (e.type === 44) {
      const f = e.fragment ?? { offset: 0, more: false, id: 0 };
      h = Buffer.alloc(8);
      h[0] = next;
      h.writeUInt16BE(((f.offset >> 3) << 3) | (f.more ? 1 : 0), 2);
      h.writeUInt32BE(f.id >>> 0, 4);
    } else if (e.type === 51) {
      const body = e.body ?? Buffer.alloc(10);
      const len = Math.max(8, Math.ceil((2 + body.length) / 4) * 4);
      h = Buffer.alloc(len);
      h[0] = next;
      h[1] = len / 4 - 2;
      h.set(body, 2);
    } else {
      const body = e.body ?? Buffer.alloc(6);
      const len = Math.max(8, Math.ceil((2 + body.length) / 8) * 8);
      h = Buffer.alloc(len);
      h[0] = next;
      h[1] = len / 8 - 1;
      h.set(body, 2);
    }
    parts.push(h);
  }
  return { bytes: joinPieces(parts), first: exts.length > 0 ? exts[0]!.type : upper };
}

function ipv6Header(src: Buffer, dst: Buffer, next: number, payloadLength: number, hopLimit: number): Buffer {
  if (payloadLength > 0xffff) throw new Error('IPv6 payload too long');
  const h = Buffer.alloc(40);
  h.writeUInt32BE(0x60000000, 0);
  h.writeUInt16BE(payloadLength, 4);
  h[6] = next;
  h[7] = hopLimit;
  h.set(src, 8);
  h.set(dst, 24);
  return h;
}

/** An IP packet (v4 or v6 by the address syntax) carrying `body` as protocol `proto`. */
export function buildIpPacket(src: string, dst: string, proto: number, body: Buffer, opts: IpOptions = {}): Buffer {
  const a = addrPair(src, dst);
  const ttl = opts.ttl ?? 64;
  if (a.version === 4) {
    const flags = opts.dontFragment === false ? 0 : 0x4000;
    const h = ipv4Header(a.src, a.dst, proto, body.length, opts.ipId ?? 0, flags, padTo4(opts.ipv4Options), ttl);
    return joinPieces([h, body]);
  }
  const ext = ipv6ExtensionBytes(opts.ipv6Extensions ?? [], proto);
  const h = ipv6Header(a.src, a.dst, ext.first, ext.bytes.length + body.length, ttl);
  return joinPieces([h, ext.bytes, body]);
}

function copyOf(b: Buffer): Buffer {
  const out = Buffer.alloc(b.length);
  out.set(b, 0);
  return out;
}

function ipVersionOf(ip: Buffer): 4 | 6 {
  return ip.length > 0 && ip[0]! >> 4 === 6 ? 6 : 4;
}

/** Wraps an IP packet in a link-layer header of the given kind. */
export function wrapLink(ip: Buffer, link: LinkKind = 'ether', opts: LinkOptions = {}): Buffer {
  const v6 = ipVersionOf(ip) === 6;
  const ethertype = v6 ? 0x86dd : 0x0800;
  switch (link) {
    case 'ether':
    case 'ether-vlan':
    case 'ether-qinq': {
      const ids = opts.vlanIds ?? (link === 'ether' ? [] : link === 'ether-vlan' ? [100] : [10, 20]);
      const tags: Buffer[] = [];
      for (let i = 0; i < ids.length; i++) {
        const t = Buffer.alloc(4);
        const tpid = link === 'ether-qinq' && i < ids.length - 1 ? 0x88a8 : 0x8100;
        t.writeUInt16BE(tpid, 0);
        t.writeUInt16BE(ids[i]! & 0x0fff, 2);
        tags.push(t);
      }
      // Each tag's TPID is written where the previous header's type field is: [dst src TPID1 TCI1 TPID2 TCI2 type].
      const type = Buffer.alloc(2);
      type.writeUInt16BE(ethertype, 0);
      const frame = joinPieces([MAC_DST, MAC_SRC, ...tags, type, ip]);
      if (opts.padTo !== undefined && frame.length < opts.padTo) {
        const padded = Buffer.alloc(opts.padTo);
        padded.set(frame, 0);
        return padded;
      }
      return frame;
    }
    case 'sll': {
      const h = Buffer.alloc(16);
      h.writeUInt16BE(0, 0); // packet type: to us
      h.writeUInt16BE(1, 2); // ARPHRD_ETHER
      h.writeUInt16BE(6, 4);
      h.set(MAC_SRC, 6);
      h.writeUInt16BE(ethertype, 14);
      return joinPieces([h, ip]);
    }
    case 'sll2': {
      const h = Buffer.alloc(20);
      h.writeUInt16BE(ethertype, 0);
      h.writeUInt32BE(1, 4); // interface index
      h.writeUInt16BE(1, 8); // ARPHRD_ETHER
      h[10] = 0; // packet type
      h[11] = 6;
      h.set(MAC_SRC, 12);
      return joinPieces([h, ip]);
    }
    case 'null':
    case 'loop': {
      const fam = v6 ? (opts.familyIPv6 ?? 30) : 2;
      const be = opts.familyBigEndian ?? link === 'loop';
      const h = Buffer.alloc(4);
      if (be) h.writeUInt32BE(fam, 0);
      else h.writeUInt32LE(fam, 0);
      return joinPieces([h, ip]);
    }
    case 'raw':
    case 'ipv4':
    case 'ipv6':
      return copyOf(ip);
  }
}

/** A complete TCP packet: link header, IP header (correct checksum), TCP header and payload. */
export function buildTcp(spec: TcpSpec, link: LinkKind = 'ether', opts: IpOptions & LinkOptions = {}): Buffer {
  const ipOpts: IpOptions = { ...opts };
  if (spec.ipId !== undefined) ipOpts.ipId = spec.ipId;
  return wrapLink(buildIpPacket(spec.src, spec.dst, IPPROTO_TCP, buildTcpSegment(spec), ipOpts), link, opts);
}

/** A complete UDP packet. */
export function buildUdp(spec: UdpSpec, link: LinkKind = 'ether', opts: IpOptions & LinkOptions = {}): Buffer {
  const ipOpts: IpOptions = { ...opts };
  if (spec.ipId !== undefined) ipOpts.ipId = spec.ipId;
  return wrapLink(buildIpPacket(spec.src, spec.dst, IPPROTO_UDP, buildUdpDatagram(spec), ipOpts), link, opts);
}

export interface FragmentPiece {
  offset: number;
  length: number;
  more?: boolean;
  data?: Buffer;
}

export interface FragmentSpec {
  src: string;
  dst: string;
  /** Upper-layer protocol of the datagram (6 TCP, 17 UDP, ...). */
  proto: number;
  /** Fragment identification (IPv4: 16 bits, IPv6: 32 bits). */
  id: number;
  /** The whole upper-layer datagram to fragment (e.g. from buildUdpDatagram / buildTcpSegment). */
  data: Buffer;
  /**
   * The pieces to emit, in emission order: byte offset (a multiple of 8) and length into `data`.
   * `more` defaults to "this piece does not reach the end of data". Pieces may overlap or leave holes.
   * Defaults to consecutive pieces of `size` bytes.
   */
  pieces?: FragmentPiece[];
  /** Piece size (a multiple of 8) when `pieces` is absent; default 8. */
  size?: number;
}

/** Consecutive [offset, length] pieces of `size` bytes covering `total` bytes. */
export function splitPieces(total: number, size: number): Array<{ offset: number; length: number }> {
  const out: Array<{ offset: number; length: number }> = [];
  const step = Math.max(8, Math.floor(size / 8) * 8);
  for (let off = 0; off < total; off += step) out.push({ offset: off, length: Math.min(step, total - off) });
  if (out.length === 0) out.push({ offset: 0, length: 0 });
  return out;
}

/**
 * IP fragments of one datagram, each wrapped in `link`. IPv4 uses the flags/offset fields, IPv6 a fragment
 * extension header (44) directly after the fixed header. A piece may carry its own `data` (to build
 * overlapping fragments with conflicting bytes).
 */
export function buildIpFragments(spec: FragmentSpec, link: LinkKind = 'ether', opts: LinkOptions = {}): Buffer[] {
  const a = addrPair(spec.src, spec.dst);
  const pieces: FragmentPiece[] = spec.pieces ?? splitPieces(spec.data.length, spec.size ?? 8);
  const out: Buffer[] = [];
  for (const p of pieces) {
    const body = p.data ?? spec.data.subarray(p.offset, p.offset + p.length);
    const more = p.more ?? p.offset + p.length < spec.data.length;
    let ip: Buffer;
    if (a.version === 4) {
      const ff = (more ? 0x2000 : 0) | ((p.offset >> 3) & 0x1fff);
      const h = ipv4Header(a.src, a.dst, spec.proto, body.length, spec.id, ff, Buffer.alloc(0), 64);
      ip = joinPieces([h, body]);
    } else {
      const ext = ipv6ExtensionBytes([{ type: 44, fragment: { offset: p.offset, more, id: spec.id } }], spec.proto);
      const h = ipv6Header(a.src, a.dst, ext.first, ext.bytes.length + body.length, 64);
      ip = joinPieces([h, ext.bytes, body]);
    }
    out.push(wrapLink(ip, link, opts));
  }
  return out;
}
