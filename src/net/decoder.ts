/**
 * PacketDecoder: CaptureRecord → Segment (TCP or UDP), through the link layer, IPv4/IPv6 (extension chain,
 * fragment reassembly) and the TCP/UDP header. Never throws; bad packets are counted (and reported for the
 * first few frames of each kind). The payload of a Segment is a view into the record's bytes, except for
 * reassembled fragments (a new buffer).
 */

import type { CaptureRecord } from '../capture/types.js';
import { ReadRecord, type RecordBytes } from '../capture/read-record.js';
import type { DiagnosticSink } from '../util/diagnostics.js';
import { formatIPv4, formatIPv6 } from './address.js';
import {
  NET_IP_MALFORMED,
  NET_IP_TRUNCATED,
  NET_LINK_MALFORMED,
  NET_TCP_MALFORMED,
  NET_UDP_MALFORMED,
  NET_UNKNOWN_LINK_TYPE,
  type NetCode,
} from './codes.js';
import { FragmentTable } from './fragments.js';
import { IP_MALFORMED, IP_OK, IP_SKIP, newIpInfo } from './ip.js';
import { parseIPv4 } from './ipv4.js';
import { parseIPv6, walkIPv6Chain } from './ipv6.js';
import type { IpInfo } from './ip.js';
import { DiagnosticLimiter } from './limiter.js';
import { NET_IPV4, NET_IPV6, NET_MALFORMED, NET_UNKNOWN_LINK, linkTypeName, locateNetwork } from './link.js';
import type { LinkResult } from './link.js';
import { tcpErrorText, tcpHeaderLength, TCP_SHORT, TCP_OFFSET_BEYOND } from './tcp.js';
import type { DecodeStats, Segment } from './types.js';
import { udpErrorText, udpLength, UDP_SHORT } from './udp.js';

export { linkTypeName } from './link.js';

export interface PacketDecoderOptions {
  onDiagnostic?: DiagnosticSink;
  /** Incomplete IP datagrams are dropped this long (capture time) after their first fragment; default 30. */
  fragmentTimeoutSec?: number;
  /** Bound on the fragment bytes held for reassembly; default 16 MiB. */
  maxFragmentBytes?: number;
  /** Bound on the fragment pieces held for reassembly (tiny fragments); default 65536. */
  maxFragmentPieces?: number;
  /** Diagnostics per code before the rest are only counted; default 5 (ip-truncated: 1). */
  diagnosticsPerCode?: number;
  /**
   * Return one Segment object per protocol, refilled on every decode() (valid until the next call), instead
   * of a new one per packet: for a consumer that copies what it keeps (the pipeline). Default false.
   */
  reuseSegments?: boolean;
}

const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;

export class PacketDecoder {
  readonly stats: DecodeStats = {
    tcp: 0,
    udp: 0,
    skipped: 0,
    fragments: 0,
    reassembled: 0,
    malformed: 0,
    unknownLink: 0,
    truncated: 0,
  };
  private readonly link: LinkResult = { off: 0 };
  private readonly place: RecordBytes = { bytes: EMPTY, start: 0, end: 0 };
  private readonly ip: IpInfo = newIpInfo();
  private readonly diags: DiagnosticLimiter;
  private readonly frags: FragmentTable;
  private readonly unknownLinks = new Set<string>();
  private readonly tcpSeg: Segment | undefined;
  private readonly udpSeg: Segment | undefined;
  private fragFrames: readonly number[] | undefined;

  constructor(opts: PacketDecoderOptions = {}) {
    const perCode = opts.diagnosticsPerCode ?? 5;
    if (opts.reuseSegments === true) {
      this.tcpSeg = newSegment('tcp');
      this.udpSeg = newSegment('udp');
    }
    this.diags = new DiagnosticLimiter(
      opts.onDiagnostic,
      perCode,
      new Map<NetCode, number>([
        [NET_IP_TRUNCATED, 1],
        [NET_UNKNOWN_LINK_TYPE, Number.MAX_SAFE_INTEGER], // already one per interface
      ]),
    );
    this.frags = new FragmentTable(
      {
        timeoutSec: opts.fragmentTimeoutSec ?? 30,
        maxBytes: opts.maxFragmentBytes ?? 16 * 1024 * 1024,
        maxPieces: opts.maxFragmentPieces ?? 65536,
      },
      { report: (code, frame, detail) => this.diags.report(code, frame, detail) },
    );
  }

  /**
   * After decode(): the frame numbers of every IP fragment of the datagram the last segment came from (the
   * decoded record's frame among them), or undefined when it was not reassembled from fragments.
   */
  get fragmentFrames(): readonly number[] | undefined {
    return this.fragFrames;
  }

  /** Bytes currently held for IP reassembly. */
  get fragmentBytesHeld(): number {
    return this.frags.held;
  }

  /** Fragment pieces currently held for IP reassembly. */
  get fragmentPiecesHeld(): number {
    return this.frags.pieces;
  }

  /** Decodes one record; undefined when it is not a (complete enough) TCP/UDP packet. Never throws. */
  decode(rec: CaptureRecord): Segment | undefined {
    try {
      return this.decodeRecord(rec);
    } catch (e) {
      // Defensive: every length is checked, so this is not expected; never let one packet stop a capture.
      this.stats.skipped++;
      this.stats.malformed = (this.stats.malformed ?? 0) + 1;
      this.diags.report(NET_LINK_MALFORMED, rec.frame, `decoder error: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /**
   * End of input: reports the datagrams still waiting for fragments (ip-fragment-incomplete) and how many
   * diagnostics of each code were not shown. Call once, after the last record.
   */
  finish(): void {
    this.frags.flush();
    this.diags.flush();
  }

  private decodeRecord(rec: CaptureRecord): Segment | undefined {
    // The packet's bytes where they lie (a reader's record: in its read buffer), every offset below in `d`.
    const place = this.place;
    ReadRecord.locate(rec, place);
    const d = place.bytes;
    const end = place.end;
    this.fragFrames = undefined;
    if (this.frags.size > 0) this.frags.expire(rec.tsSec + rec.tsNsec / 1e9);
    const kind = locateNetwork(rec.linkType, d, this.link, place.start, end);
    const ip = this.ip;
    let status: number;
    if (kind === NET_IPV4) status = parseIPv4(d, this.link.off, ip, end);
    else if (kind === NET_IPV6) status = parseIPv6(d, this.link.off, ip, end);
    else return this.skipLink(rec, kind);

    if (status !== IP_OK) {
      if (status === IP_SKIP) return this.skip();
      const cut = rec.originalLength > this.captured;
      if (status === IP_MALFORMED || !cut) return this.malformed(rec, NET_IP_MALFORMED, ip.error);
      return this.truncatedHeader(rec, ip.error);
    }
    if (ip.missing > 0) this.noteTruncated(rec, ip.missing);
    if (ip.fragment) return this.fragment(rec, d, ip);
    return this.transport(rec, d, ip, d);
  }

  /**
   * The segment of one packet with what TCP and UDP share filled in (frame, addresses, ports, payload):
   * the decoder's reused object of that protocol (reuseSegments), else a new one. The caller adds the rest.
   */
  private fill(proto: 'tcp' | 'udp', rec: CaptureRecord, ip: IpInfo, hdr: Buffer, buf: Buffer, payload: Buffer): Segment {
    const seg = (proto === 'tcp' ? this.tcpSeg : this.udpSeg) ?? newSegment(proto);
    const p = ip.l4;
    seg.frame = rec.frame;
    seg.tsSec = rec.tsSec;
    seg.tsNsec = rec.tsNsec;
    seg.interfaceId = rec.interfaceId;
    seg.ipVersion = ip.version;
    seg.src = ip.version === 4 ? formatIPv4(hdr, ip.srcOff) : formatIPv6(hdr, ip.srcOff);
    seg.dst = ip.version === 4 ? formatIPv4(hdr, ip.dstOff) : formatIPv6(hdr, ip.dstOff);
    seg.srcPort = (buf[p]! << 8) | buf[p + 1]!;
    seg.dstPort = (buf[p + 2]! << 8) | buf[p + 3]!;
    seg.payload = payload;
    seg.payloadMissing = undefined;
    return seg;
  }

  /**
   * Builds the segment for the upper-layer header that `ip` locates in `buf` (at `ip.l4`, datagram end
   * `ip.end`, `ip.missing` bytes not captured, protocol `ip.proto`); the addresses are read from `hdr`
   * at `ip.srcOff` / `ip.dstOff` (the packet's IP header, also for a datagram reassembled into `buf`).
   */
  private transport(rec: CaptureRecord, buf: Buffer, ip: IpInfo, hdr: Buffer): Segment | undefined {
    const { l4: p, end, missing, proto, version } = ip;
    if (proto === IPPROTO_TCP) {
      const hlen = tcpHeaderLength(buf, p, end);
      if (hlen < 0) {
        if (missing > 0 && (hlen === TCP_SHORT || hlen === TCP_OFFSET_BEYOND)) return this.skip();
        return this.malformed(rec, NET_TCP_MALFORMED, tcpErrorText(hlen, buf, p, end));
      }
      // A segment without payload (an ACK) shares one empty buffer.
      const seg = this.fill('tcp', rec, ip, hdr, buf, end > p + hlen ? buf.subarray(p + hlen, end) : EMPTY);
      seg.seq = ((buf[p + 4]! << 24) | (buf[p + 5]! << 16) | (buf[p + 6]! << 8) | buf[p + 7]!) >>> 0;
      seg.ack = ((buf[p + 8]! << 24) | (buf[p + 9]! << 16) | (buf[p + 10]! << 8) | buf[p + 11]!) >>> 0;
      seg.flags = buf[p + 13]!;
      seg.window = (buf[p + 14]! << 8) | buf[p + 15]!;
      if (missing > 0) seg.payloadMissing = missing;
      this.stats.tcp++;
      return seg;
    }
    if (proto === IPPROTO_UDP) {
      const len = udpLength(buf, p, end, missing, version === 6);
      if (len < 0) {
        if (missing > 0 && len === UDP_SHORT) return this.skip();
        return this.malformed(rec, NET_UDP_MALFORMED, udpErrorText(len, buf, p, end, missing));
      }
      const payloadEnd = Math.min(p + len, end);
      const seg = this.fill('udp', rec, ip, hdr, buf, buf.subarray(p + 8, payloadEnd));
      const udpMissing = p + len - payloadEnd;
      if (udpMissing > 0) seg.payloadMissing = udpMissing;
      this.stats.udp++;
      return seg;
    }
    return this.skip();
  }

  private fragment(rec: CaptureRecord, d: Buffer, ip: IpInfo): Segment | undefined {
    this.stats.fragments++;
    const v4 = ip.version === 4;
    const addrLen = v4 ? 4 : 16;
    const src = v4 ? formatIPv4(d, ip.srcOff) : formatIPv6(d, ip.srcOff);
    const dst = v4 ? formatIPv4(d, ip.dstOff) : formatIPv6(d, ip.dstOff);
    // IPv4 key: src, dst, id, protocol (RFC 791); IPv6: src, dst, id (RFC 8200, the next header of the
    // offset-0 fragment is the datagram's).
    const key =
      d.toString('latin1', ip.srcOff, ip.srcOff + addrLen) +
      d.toString('latin1', ip.dstOff, ip.dstOff + addrLen) +
      `|${ip.version}|${ip.fragId}|${v4 ? ip.proto : -1}`;
    const done = this.frags.add({
      key,
      label: `IPv${ip.version} ${src} > ${dst} id ${ip.fragId}`,
      offset: ip.fragOffset,
      more: ip.fragMore,
      data: d.subarray(ip.l4, ip.end),
      missing: ip.missing,
      proto: ip.proto,
      // A copy: the record object may be refilled for a later packet (CaptureReaderOptions.reuseRecords).
      at: { frame: rec.frame, tsSec: rec.tsSec, tsNsec: rec.tsNsec },
    });
    if (done === undefined) return undefined;
    this.stats.reassembled++;
    this.fragFrames = done.frames;
    // The datagram is whole now: its upper-layer header is looked for in `done.data`, nothing is missing.
    const buf = done.data;
    ip.end = buf.length;
    ip.missing = 0;
    if (v4) {
      ip.l4 = 0;
      ip.proto = done.proto;
      return this.transport(rec, buf, ip, d);
    }
    // IPv6: the fragmentable part may start with more extension headers.
    const status = walkIPv6Chain(buf, 0, done.proto, ip, false);
    if (status === IP_SKIP) return this.skip();
    if (status !== IP_OK) return this.malformed(rec, NET_IP_MALFORMED, ip.error);
    return this.transport(rec, buf, ip, d);
  }

  private skipLink(rec: CaptureRecord, kind: number): undefined {
    if (kind === NET_UNKNOWN_LINK) {
      this.stats.skipped++;
      this.stats.unknownLink = (this.stats.unknownLink ?? 0) + 1;
      const key = `${rec.interfaceId}/${rec.linkType}`;
      if (!this.unknownLinks.has(key)) {
        this.unknownLinks.add(key);
        this.diags.report(
          NET_UNKNOWN_LINK_TYPE,
          rec.frame,
          `interface ${rec.interfaceId}: link type ${linkTypeName(rec.linkType)} (${rec.linkType}) is not supported; its packets are skipped`,
        );
      }
      return undefined;
    }
    if (kind === NET_MALFORMED) {
      return this.malformed(
        rec,
        NET_LINK_MALFORMED,
        `${this.captured}-byte frame too short for its ${linkTypeName(rec.linkType)} header`,
      );
    }
    return this.skip();
  }

  /** Captured bytes of the record being decoded. */
  private get captured(): number {
    return this.place.end - this.place.start;
  }

  private skip(): undefined {
    this.stats.skipped++;
    return undefined;
  }

  private malformed(rec: CaptureRecord, code: NetCode, detail: string): undefined {
    this.stats.skipped++;
    this.stats.malformed = (this.stats.malformed ?? 0) + 1;
    this.diags.report(code, rec.frame, detail);
    return undefined;
  }

  private truncatedHeader(rec: CaptureRecord, detail: string): undefined {
    this.stats.skipped++;
    this.stats.truncated = (this.stats.truncated ?? 0) + 1;
    this.diags.report(NET_IP_TRUNCATED, rec.frame, `${detail} (captured ${this.captured} of ${rec.originalLength} bytes)`);
    return undefined;
  }

  private noteTruncated(rec: CaptureRecord, missing: number): void {
    this.stats.truncated = (this.stats.truncated ?? 0) + 1;
    this.diags.report(
      NET_IP_TRUNCATED,
      rec.frame,
      `IP datagram cut: ${missing} byte(s) not captured (captured ${this.captured} of ${rec.originalLength} bytes)`,
    );
  }
}

/** A segment with every field present (payloadMissing included: one shape), filled per packet by fill(). */
function newSegment(proto: 'tcp' | 'udp'): Segment {
  return {
    frame: 0,
    tsSec: 0,
    tsNsec: 0,
    interfaceId: 0,
    proto,
    ipVersion: 4,
    src: '',
    dst: '',
    srcPort: 0,
    dstPort: 0,
    seq: 0,
    ack: 0,
    flags: 0,
    window: 0,
    payload: EMPTY,
    payloadMissing: undefined,
  };
}

const EMPTY = Buffer.alloc(0);
