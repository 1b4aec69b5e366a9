import type { DiagnosticCode } from '../util/diagnostics.js';

/**
 * Diagnostic codes of the net layer (packet decoding). Each code is reported for at most a few frames
 * (see DiagnosticLimiter); the rest are counted and summed up by PacketDecoder.finish().
 */
export const NET_CODES: DiagnosticCode[] = [
  {
    code: 'unknown-link-type',
    severity: 'warning',
    meaning: 'An interface uses a link-layer type the decoder does not understand; its packets are skipped (reported once per interface).',
  },
  {
    code: 'link-malformed',
    severity: 'warning',
    meaning: 'A frame is shorter than its link-layer header (or has too many VLAN tags); the packet is skipped.',
  },
  {
    code: 'ip-malformed',
    severity: 'warning',
    meaning: 'An IPv4/IPv6 header is impossible (version, header length, total length, extension header chain); the packet is skipped.',
  },
  {
    code: 'ip-truncated',
    severity: 'note',
    meaning: 'The IP length says more bytes than were captured (snaplen): the captured part is decoded and the missing bytes are reported to the upper layer as a gap.',
  },
  {
    code: 'tcp-malformed',
    severity: 'warning',
    meaning: 'A TCP header is shorter than 20 bytes or its data offset is below 5 or beyond the packet; the packet is skipped.',
  },
  {
    code: 'udp-malformed',
    severity: 'warning',
    meaning: 'A UDP header is cut, or its length field is below 8 or beyond the IP payload; the datagram is skipped.',
  },
  {
    code: 'ip-fragment-invalid',
    severity: 'warning',
    meaning: 'An IP fragment is impossible (ends beyond 65535, a non-last fragment whose length is not a multiple of 8, conflicting datagram ends, too many pieces); the fragment is ignored.',
  },
  {
    code: 'ip-fragment-overlap',
    severity: 'note',
    meaning: 'IP fragments overlap; the bytes that arrived first are kept.',
  },
  {
    code: 'ip-fragment-timeout',
    severity: 'warning',
    meaning: 'An IP datagram was not completed within the fragment time-out (capture time); its fragments are dropped.',
  },
  {
    code: 'ip-fragment-overflow',
    severity: 'warning',
    meaning: 'The memory held for IP fragment reassembly reached its bound; the oldest incomplete datagram is dropped.',
  },
  {
    code: 'ip-fragment-incomplete',
    severity: 'warning',
    meaning: 'The capture ended with an IP datagram still missing fragments; it is dropped.',
  },
];

/** Severity by code, for the codes above. */
export const NET_SEVERITY: ReadonlyMap<string, DiagnosticCode['severity']> = new Map(
  NET_CODES.map((c) => [c.code, c.severity]),
);
