import type { FrameRef } from '../capture/types.js';
import type { Dir, TcpConnection, TcpSink } from '../tcp/types.js';

/**
 * One stage of a connection's transport stack (TCP → TLS → WebSocket → MSRP/SIP): the byte stream of both
 * directions of one connection. Every stage takes a StreamSink and hands what it makes of the bytes to the next.
 */
export interface StreamSink {
  /** In-order bytes of direction `dir`, carried by frame `from` (a view: copy to keep). */
  data(dir: Dir, bytes: Buffer, from: FrameRef): void;
  /** `length` bytes of `dir` will never arrive (a TCP gap, or bytes a stage could not decode). */
  gap(dir: Dir, length: number, at: FrameRef): void;
  /** The connection ended; `at` is its last frame. */
  close(at: FrameRef): void;
}

/**
 * The end of a stack: the parsers' TcpSink bound to one connection. close() is left to the demux, which
 * closes the connection downstream with its TCP reason once every stage has flushed.
 */
export function connectionSink(next: TcpSink, conn: TcpConnection): StreamSink {
  return {
    data: (dir, bytes, from) => next.data(conn, dir, bytes, from),
    gap: (dir, length, at) => next.gap(conn, dir, length, at),
    close: () => undefined,
  };
}
