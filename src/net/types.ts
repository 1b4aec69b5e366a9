import type { FrameRef } from '../capture/types.js';

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;

/** A decoded TCP or UDP segment with its frame provenance. `payload` is a view, not a copy. */
export interface Segment extends FrameRef {
  interfaceId: number;
  proto: 'tcp' | 'udp';
  ipVersion: 4 | 6;
  /** Textual addresses: dotted IPv4, or RFC 5952 compressed IPv6 (no brackets). */
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** TCP only (0 for UDP): sequence and acknowledgement numbers (unsigned 32-bit), flags, window. */
  seq: number;
  ack: number;
  flags: number;
  window: number;
  payload: Buffer;
}

/** Counters kept by the decoder, for the summary. */
export interface DecodeStats {
  tcp: number;
  udp: number;
  /** Packets not decoded to TCP/UDP (other protocols, unknown link types, malformed). */
  skipped: number;
  /** IP fragments held or reassembled. */
  fragments: number;
  reassembled: number;
}
