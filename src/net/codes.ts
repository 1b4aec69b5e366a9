import type { DiagnosticCode, Severity } from '../util/diagnostics.js';

/**
 * Diagnostic codes of the net layer (packet decoding). Each code is reported for at most a few frames
 * (see DiagnosticLimiter); the rest are counted and summed up by PacketDecoder.finish(). The strings are
 * stable: they appear in every output and in the README's table of codes.
 */
export const NET_UNKNOWN_LINK_TYPE = 'unknown-link-type';
export const NET_LINK_MALFORMED = 'link-malformed';
export const NET_IP_MALFORMED = 'ip-malformed';
export const NET_IP_TRUNCATED = 'ip-truncated';
export const NET_TCP_MALFORMED = 'tcp-malformed';
export const NET_UDP_MALFORMED = 'udp-malformed';
export const NET_IP_FRAGMENT_INVALID = 'ip-fragment-invalid';
export const NET_IP_FRAGMENT_OVERLAP = 'ip-fragment-overlap';
export const NET_IP_FRAGMENT_TIMEOUT = 'ip-fragment-timeout';
export const NET_IP_FRAGMENT_OVERFLOW = 'ip-fragment-overflow';
export const NET_IP_FRAGMENT_INCOMPLETE = 'ip-fragment-incomplete';

/** A diagnostic code of the net layer: what DiagnosticLimiter.report takes. */
export type NetCode =
  | typeof NET_UNKNOWN_LINK_TYPE
  | typeof NET_LINK_MALFORMED
  | typeof NET_IP_MALFORMED
  | typeof NET_IP_TRUNCATED
  | typeof NET_TCP_MALFORMED
  | typeof NET_UDP_MALFORMED
  | typeof NET_IP_FRAGMENT_INVALID
  | typeof NET_IP_FRAGMENT_OVERLAP
  | typeof NET_IP_FRAGMENT_TIMEOUT
  | typeof NET_IP_FRAGMENT_OVERFLOW
  | typeof NET_IP_FRAGMENT_INCOMPLETE;

/** Severity and meaning of each code (the README's table is made from these). */
export const NET_CODES: Array<DiagnosticCode & { code: NetCode }> = [
  {
    code: NET_UNKNOWN_LINK_TYPE,
    severity: 'warning',
    meaning: 'An interface uses a link-layer type the decoder does not understand; its packets are skipped (reported once per interface).',
  },
  {
    code: NET_LINK_MALFORMED,
    severity: 'warning',
    meaning: 'A frame is shorter than its link-layer header (or has too many VLAN tags); the packet is skipped.',
  },
  {
    code: NET_IP_MALFORMED,
    severity: 'warning',
    meaning: 'An IPv4/IPv6 header is impossible (version, header length, total length, extension header chain); the packet is skipped.',
  },
  {
    code: NET_IP_TRUNCATED,
    severity: 'note',
    meaning: 'The IP length says more bytes than were captured (snaplen): the captured part is decoded and the missing bytes are reported to the upper layer as a gap.',
  },
  {
    code: NET_TCP_MALFORMED,
    severity: 'warning',
    meaning: 'A TCP header is shorter than 20 bytes or its data offset is below 5 or beyond the packet; the packet is skipped.',
  },
  {
    code: NET_UDP_MALFORMED,
    severity: 'warning',
    meaning: 'A UDP header is cut, or its length field is below 8 or beyond the IP payload; the datagram is skipped.',
  },
  {
    code: NET_IP_FRAGMENT_INVALID,
    severity: 'warning',
    meaning: 'An IP fragment is impossible (ends beyond 65535, a non-last fragment whose length is not a multiple of 8, conflicting datagram ends, too many pieces); the fragment is ignored.',
  },
  {
    code: NET_IP_FRAGMENT_OVERLAP,
    severity: 'note',
    meaning: 'IP fragments overlap; the bytes that arrived first are kept.',
  },
  {
    code: NET_IP_FRAGMENT_TIMEOUT,
    severity: 'warning',
    meaning: 'An IP datagram was not completed within the fragment time-out (capture time); its fragments are dropped.',
  },
  {
    code: NET_IP_FRAGMENT_OVERFLOW,
    severity: 'warning',
    meaning: 'The memory held for IP fragment reassembly reached its bound; the oldest incomplete datagram is dropped.',
  },
  {
    code: NET_IP_FRAGMENT_INCOMPLETE,
    severity: 'warning',
    meaning: 'The capture ended with an IP datagram still missing fragments; it is dropped.',
  },
];

/** Severity by code, for the codes above. */
export const NET_SEVERITY: ReadonlyMap<string, Severity> = new Map(
  NET_CODES.map((c) => [c.code, c.severity]),
);
