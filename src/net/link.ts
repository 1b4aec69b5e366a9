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

/** Follows an EtherType (and any VLAN tags after it); `typeOff` is where the 2-byte type field is. */
function fromEthertype(d: Buffer, typeOff: number, out: LinkResult): number {
  const len = d.length;
  let t = typeOff;
  for (let tags = 0; ; tags++) {
    if (t + 2 > len) return NET_MALFORMED;
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

function fromNullFamily(d: Buffer, out: LinkResult): number {
  if (d.length < 4) return NET_MALFORMED;
  // The family is a 32-bit value in the capturing host's byte order (NULL) or network order (LOOP, but
  // writers disagree): small values, so it sits either in byte 0 or in byte 3.
  let fam: number;
  if (d[1] === 0 && d[2] === 0 && d[3] === 0) fam = d[0]!;
  else if (d[0] === 0 && d[1] === 0 && d[2] === 0) fam = d[3]!;
  else return NET_OTHER;
  out.off = 4;
  if (fam === 2) return NET_IPV4;
  if (fam === 24 || fam === 28 || fam === 30) return NET_IPV6;
  return NET_OTHER;
}

function fromVersionNibble(d: Buffer, off: number, out: LinkResult): number {
  if (d.length <= off) return NET_MALFORMED;
  out.off = off;
  const v = d[off]! >> 4;
  if (v === 4) return NET_IPV4;
  if (v === 6) return NET_IPV6;
  return NET_MALFORMED;
}

/** Locates the network header of `d` for link type `linkType`; returns a NET_* kind, sets out.off. */
export function locateNetwork(linkType: number, d: Buffer, out: LinkResult): number {
  switch (linkType) {
    case 1: // EN10MB: dst(6) src(6) type(2)
      if (d.length < 14) return NET_MALFORMED;
      return fromEthertype(d, 12, out);
    case 113: // LINUX_SLL: pkttype(2) hatype(2) halen(2) addr(8) protocol(2)
      if (d.length < 16) return NET_MALFORMED;
      return fromEthertype(d, 14, out);
    case 276: {
      // LINUX_SLL2: protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8)
      if (d.length < 20) return NET_MALFORMED;
      const type = (d[0]! << 8) | d[1]!;
      if (type === ETHERTYPE_IPV4) {
        out.off = 20;
        return NET_IPV4;
      }
      if (type === ETHERTYPE_IPV6) {
        out.off = 20;
        return NET_IPV6;
      }
      if (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD || type === ETHERTYPE_QINQ_OLD2) {
        // The TCI and the inner type follow the header: TCI(2) type(2).
        return fromEthertype(d, 22, out);
      }
      out.off = 20;
      return NET_OTHER;
    }
    case 0:
    case 108:
      return fromNullFamily(d, out);
    case 101:
    case 12:
    case 14:
      return fromVersionNibble(d, 0, out);
    case 228:
      out.off = 0;
      return NET_IPV4;
    case 229:
      out.off = 0;
      return NET_IPV6;
    default:
      return NET_UNKNOWN_LINK;
  }
}
