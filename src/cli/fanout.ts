import type { FrameRef } from '../capture/types.js';
import type { CloseReason, Dir, TcpConnection, TcpSink } from '../tcp/types.js';

/** Hands every TCP stream event to several consumers (MSRP, SIP, ...), in order. */
export class TcpFanout implements TcpSink {
  constructor(private readonly sinks: TcpSink[]) {}

  open(conn: TcpConnection): void {
    for (const s of this.sinks) s.open(conn);
  }

  data(conn: TcpConnection, dir: Dir, bytes: Buffer, from: FrameRef): void {
    for (const s of this.sinks) s.data(conn, dir, bytes, from);
  }

  gap(conn: TcpConnection, dir: Dir, length: number, at: FrameRef): void {
    for (const s of this.sinks) s.gap(conn, dir, length, at);
  }

  close(conn: TcpConnection, reason: CloseReason): void {
    for (const s of this.sinks) s.close(conn, reason);
  }
}
