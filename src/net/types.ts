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
  /**
   * Payload bytes the IP (or UDP) length announces beyond the captured ones (the packet was cut by the
   * snaplen). Absent when the whole payload was captured. For TCP the next sequence number is
   * seq + payload.length + payloadMissing (+1 for SYN/FIN): the upper layer sees a gap of that size.
   */
  payloadMissing?: number;
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
  /** Of `skipped`: malformed packets (impossible link, IP, TCP or UDP headers). */
  malformed?: number;
  /** Of `skipped`: packets on interfaces with an unsupported link type. */
  unknownLink?: number;
  /** Packets cut by the snaplen inside the IP datagram (decoded as far as possible, or skipped when a header was cut). */
  truncated?: number;
}
