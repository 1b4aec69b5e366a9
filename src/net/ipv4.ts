/** IPv4 header: options skipped by the IHL, checksum not verified, total length checked. */

import { IP_MALFORMED, IP_OK, IP_TRUNCATED } from './ip.js';
import type { IpInfo } from './ip.js';

/** Parses the IPv4 header at `off` of a packet whose captured bytes end at `end` (the end of `d` by default). */
export function parseIPv4(d: Buffer, off: number, info: IpInfo, end = d.length): number {
  const avail = end - off;
  info.version = 4;
  info.missing = 0;
  info.fragment = false;
  if (avail < 20) {
    info.error = `IPv4 header needs 20 bytes, ${avail} captured`;
    return avail > 0 && d[off]! >> 4 !== 4 ? IP_MALFORMED : IP_TRUNCATED;
  }
  const b0 = d[off]!;
  if (b0 >> 4 !== 4) {
    info.error = `IP version ${b0 >> 4} in an IPv4 packet`;
    return IP_MALFORMED;
  }
  const hlen = (b0 & 0x0f) * 4;
  if (hlen < 20) {
    info.error = `IPv4 header length ${hlen} below 20`;
    return IP_MALFORMED;
  }
  if (hlen > avail) {
    info.error = `IPv4 header length ${hlen} beyond the ${avail} captured bytes`;
    return IP_TRUNCATED;
  }
  let total = (d[off + 2]! << 8) | d[off + 3]!;
  if (total === 0) total = avail; // TCP segmentation offload: the length is filled in by the NIC
  if (total < hlen) {
    info.error = `IPv4 total length ${total} below the header length ${hlen}`;
    return IP_MALFORMED;
  }
  if (total > avail) {
    info.missing = total - avail;
    info.end = off + avail;
  } else {
    info.end = off + total;
  }
  const ff = (d[off + 6]! << 8) | d[off + 7]!;
  const fragOffset = (ff & 0x1fff) * 8;
  const more = (ff & 0x2000) !== 0;
  if (fragOffset !== 0 || more) {
    info.fragment = true;
    info.fragOffset = fragOffset;
    info.fragMore = more;
    info.fragId = (d[off + 4]! << 8) | d[off + 5]!;
  }
  info.proto = d[off + 9]!;
  info.srcOff = off + 12;
  info.dstOff = off + 16;
  info.l4 = off + hlen;
  return IP_OK;
}
