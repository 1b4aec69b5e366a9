import type { FrameRef } from '../capture/types.js';

/** Direction within a connection: 0 = client → server, 1 = server → client. */
export type Dir = 0 | 1;

export type CloseReason = 'fin' | 'rst' | 'capture-end' | 'evicted';

export interface Endpoint {
  address: string;
  port: number;
}

export interface DirStats {
  packets: number;
  /** Payload bytes carried by segments (every copy counted, as on the wire). */
  bytes: number;
  /** Distinct stream bytes delivered upward. */
  delivered: number;
  retransmissions: number;
  outOfOrder: number;
  gaps: number;
  missingBytes: number;
}

/** One TCP connection (like a Wireshark tcp.stream). */
export interface TcpConnection {
  /** 0-based, in order of first packet. */
  id: number;
  client: Endpoint;
  server: Endpoint;
  /** True when the capture saw the SYN (client is then the SYN sender). */
  sawSyn: boolean;
  first: FrameRef;
  last: FrameRef;
  stats: [DirStats, DirStats];
  /** How it ended; undefined while open. */
  ended: CloseReason | undefined;
  /** What the transport layer found the connection carries (set by src/transport, undefined for plain TCP). */
  transport: 'tls' | 'websocket' | undefined;
}

/** What the reassembler hands to the next stage. Every data call carries the bytes of one frame. */
export interface TcpSink {
  open(conn: TcpConnection): void;
  /** In-order stream bytes of direction `dir`, carried by frame `from` (a view; copy to keep). */
  data(conn: TcpConnection, dir: Dir, bytes: Buffer, from: FrameRef): void;
  /** `length` bytes of direction `dir` will never arrive; the stream continues after them. */
  gap(conn: TcpConnection, dir: Dir, length: number, at: FrameRef): void;
  close(conn: TcpConnection, reason: CloseReason): void;
}

/** Totals kept by the reassembler over all connections (TcpReassembler.stats). */
export interface ReassemblyStats {
  /** TCP segments pushed. */
  segments: number;
  /** Connections opened (= next connection id). */
  connections: number;
  /** Connections currently open. */
  open: number;
  /** Connections closed because the table was full. */
  evicted: number;
  /** Stream bytes delivered upward (all connections, both directions). */
  delivered: number;
  gaps: number;
  missingBytes: number;
  retransmissions: number;
  outOfOrder: number;
  overlapConflicts: number;
  /** 1-byte keep-alives (at next-1; empty ones carry nothing and are not counted) and zero-window probes, not data. */
  keepAlives: number;
  zeroWindowProbes: number;
  /** Out-of-order bytes held now, and the most ever held at once (by payload length). */
  bufferedBytes: number;
  peakBufferedBytes: number;
  /** Out-of-order pieces (runs of bytes from one segment) held now; bounded like the bytes (see the options). */
  bufferedPieces?: number;
}
