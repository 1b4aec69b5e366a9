/**
 * IPv6 header and its extension chain: hop-by-hop (0), routing (43), fragment (44), destination options
 * (60), AH (51), mobility (135); ESP (50) and no-next-header (59) end the chain as skipped.
 */

import { IP_MALFORMED, IP_OK, IP_SKIP, IP_TRUNCATED } from './ip.js';
import type { IpInfo } from './ip.js';

const EXT_HOP_BY_HOP = 0;
const EXT_ROUTING = 43;
const EXT_FRAGMENT = 44;
const EXT_ESP = 50;
const EXT_AH = 51;
const EXT_NONE = 59;
const EXT_DEST_OPTS = 60;
const EXT_MOBILITY = 135;
const MAX_EXT_HEADERS = 32;

/**
 * Parses the IPv6 fixed header at `off` of a packet whose captured bytes end at `end` (the end of `d` by
 * default) and walks its extension chain.
 */
export function parseIPv6(d: Buffer, off: number, info: IpInfo, end = d.length): number {
  const avail = end - off;
  info.version = 6;
  info.missing = 0;
  info.fragment = false;
  if (avail < 40) {
    info.error = `IPv6 header needs 40 bytes, ${avail} captured`;
    return avail > 0 && d[off]! >> 4 !== 6 ? IP_MALFORMED : IP_TRUNCATED;
  }
  if (d[off]! >> 4 !== 6) {
    info.error = `IP version ${d[off]! >> 4} in an IPv6 packet`;
    return IP_MALFORMED;
  }
  const plen = (d[off + 4]! << 8) | d[off + 5]!;
  const start = off + 40;
  if (plen === 0) {
    info.end = end; // jumbogram (or TSO): take what was captured
  } else if (plen > avail - 40) {
    info.missing = plen - (avail - 40);
    info.end = end;
  } else {
    info.end = start + plen;
  }
  info.srcOff = off + 8;
  info.dstOff = off + 24;
  return walkIPv6Chain(d, start, d[off + 6]!, info, true);
}

/**
 * Walks IPv6 extension headers from `pos` (next header `next`) up to info.end; sets info.proto and info.l4.
 * A fragment header is allowed only when `allowFragment` (it is not after reassembly).
 */
export function walkIPv6Chain(d: Buffer, pos: number, next: number, info: IpInfo, allowFragment: boolean): number {
  const end = info.end;
  let p = pos;
  let nh = next;
  for (let n = 0; n <= MAX_EXT_HEADERS; n++) {
    switch (nh) {
      case EXT_HOP_BY_HOP:
      case EXT_ROUTING:
      case EXT_DEST_OPTS:
      case EXT_MOBILITY:
      case EXT_AH: {
        if (p + 2 > end) return chainCut(info, nh);
        const len = nh === EXT_AH ? (d[p + 1]! + 2) * 4 : (d[p + 1]! + 1) * 8;
        if (p + len > end) return chainCut(info, nh);
        nh = d[p]!;
        p += len;
        continue;
      }
      case EXT_FRAGMENT: {
        if (!allowFragment) {
          info.error = 'IPv6 fragment header inside a reassembled datagram';
          return IP_MALFORMED;
        }
        if (p + 8 > end) return chainCut(info, nh);
        const ff = (d[p + 2]! << 8) | d[p + 3]!;
        info.fragOffset = ff & 0xfff8;
        info.fragMore = (ff & 1) !== 0;
        info.fragId = d.readUInt32BE(p + 4);
        // An atomic fragment (offset 0, no more fragments, RFC 6946) is a whole datagram.
        if (info.fragOffset !== 0 || info.fragMore) {
          info.fragment = true;
          info.proto = d[p]!;
          info.l4 = p + 8;
          return IP_OK;
        }
        nh = d[p]!;
        p += 8;
        continue;
      }
      case EXT_ESP:
      case EXT_NONE:
        info.proto = nh;
        info.l4 = p;
        return IP_SKIP;
      default:
        info.proto = nh;
        info.l4 = p;
        return IP_OK;
    }
  }
  info.error = `more than ${MAX_EXT_HEADERS} IPv6 extension headers`;
  return IP_MALFORMED;
}

function chainCut(info: IpInfo, nh: number): number {
  info.error = `IPv6 extension header ${nh} runs past the end of the packet`;
  return info.missing > 0 ? IP_TRUNCATED : IP_MALFORMED;
}
