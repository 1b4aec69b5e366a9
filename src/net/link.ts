/**
 * Link layers: finds the network-layer header in a captured frame. No allocation on the hot path: the
 * offset is written into a caller-owned LinkResult and the network kind is returned.
 */

/** Network kinds returned by locateNetwork. */
export const NET_IPV4 = 4;
export const NET_IPV6 = 6;
/** A protocol other than IP (ARP, LLC, ...): not an error. */
export const NET_OTHER = 0;
/** The frame is shorter than its link header, or impossible. */
export const NET_MALFORMED = -1;
/** The link type is not supported. */
export const NET_UNKNOWN_LINK = -2;

export interface LinkResult {
  /** Offset of the network-layer header. */
  off: number;
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_QINQ_OLD = 0x9100;
const ETHERTYPE_QINQ_OLD2 = 0x9200;
const MAX_VLAN_TAGS = 8;

const LINK_NAMES = new Map<number, string>([
  [0, 'NULL'],
  [1, 'EN10MB'],
  [101, 'RAW'],
  [108, 'LOOP'],
  [113, 'LINUX_SLL'],
  [228, 'IPV4'],
  [229, 'IPV6'],
  [276, 'LINUX_SLL2'],
]);

/** The pcap name of a link type number (`LINKTYPE_<n>` for the ones without a name here). */
export function linkTypeName(n: number): string {
  return LINK_NAMES.get(n) ?? `LINKTYPE_${n}`;
}

/** True for the link types locateNetwork understands. */
export function isSupportedLinkType(n: number): boolean {
  // 12 and 14 are the DLT_RAW values of some BSDs, found in old pcap files.
  return LINK_NAMES.has(n) || n === 12 || n === 14;
}

/** Follows an EtherType (and any VLAN tags after it); `typeOff` is where the 2-byte type field is, `end` the frame's end. */
function fromEthertype(d: Buffer, typeOff: number, end: number, out: LinkResult): number {
  let t = typeOff;
  for (let tags = 0; ; tags++) {
    if (t + 2 > end) return NET_MALFORMED;
    const type = (d[t]! << 8) | d[t + 1]!;
    if (type === ETHERTYPE_IPV4) {
      out.off = t + 2;
      return NET_IPV4;
    }
    if (type === ETHERTYPE_IPV6) {
      out.off = t + 2;
      return NET_IPV6;
    }
    if (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD || type === ETHERTYPE_QINQ_OLD2) {
      if (tags >= MAX_VLAN_TAGS) return NET_MALFORMED;
      t += 4; // TPID (already read) + TCI; the next type field follows the TCI
      continue;
    }
    out.off = t + 2;
    return NET_OTHER;
  }
}

function fromNullFamily(d: Buffer, s: number, end: number, out: LinkResult): number {
  if (end - s < 4) return NET_MALFORMED;
  // The family is a 32-bit value in the capturing host's byte order (NULL) or network order (LOOP, but
  // writers disagree): small values, so it sits either in byte 0 or in byte 3.
  let fam: number;
  if (d[s + 1] === 0 && d[s + 2] === 0 && d[s + 3] === 0) fam = d[s]!;
  else if (d[s] === 0 && d[s + 1] === 0 && d[s + 2] === 0) fam = d[s + 3]!;
  else return NET_OTHER;
  out.off = s + 4;
  if (fam === 2) return NET_IPV4;
  if (fam === 24 || fam === 28 || fam === 30) return NET_IPV6;
  return NET_OTHER;
}

function fromVersionNibble(d: Buffer, off: number, end: number, out: LinkResult): number {
  if (end <= off) return NET_MALFORMED;
  out.off = off;
  const v = d[off]! >> 4;
  if (v === 4) return NET_IPV4;
  if (v === 6) return NET_IPV6;
  return NET_MALFORMED;
}

/**
 * Locates the network header of the frame in d[start, end) (the whole of `d` by default) for link type
 * `linkType`; returns a NET_* kind, sets out.off (an offset in `d`).
 */
export function locateNetwork(linkType: number, d: Buffer, out: LinkResult, start = 0, end = d.length): number {
  const len = end - start;
  switch (linkType) {
    case 1: // EN10MB: dst(6) src(6) type(2)
      if (len < 14) return NET_MALFORMED;
      return fromEthertype(d, start + 12, end, out);
    case 113: // LINUX_SLL: pkttype(2) hatype(2) halen(2) addr(8) protocol(2)
      if (len < 16) return NET_MALFORMED;
      return fromEthertype(d, start + 14, end, out);
    case 276: {
      // LINUX_SLL2: protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8)
      if (len < 20) return NET_MALFORMED;
      const type = (d[start]! << 8) | d[start + 1]!;
      if (type === ETHERTYPE_IPV4) {
        out.off = start + 20;
        return NET_IPV4;
      }
      if (type === ETHERTYPE_IPV6) {
        out.off = start + 20;
        return NET_IPV6;
      }
      if (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD || type === ETHERTYPE_QINQ_OLD2) {
        // The TCI and the inner type follow the header: TCI(2) type(2).
        return fromEthertype(d, start + 22, end, out);
      }
      out.off = start + 20;
      return NET_OTHER;
    }
    case 0:
    case 108:
      return fromNullFamily(d, start, end, out);
    case 101:
    case 12:
    case 14:
      return fromVersionNibble(d, start, end, out);
    case 228:
      out.off = start;
      return NET_IPV4;
    case 229:
      out.off = start;
      return NET_IPV6;
    default:
      return NET_UNKNOWN_LINK;
  }
}
