import type { FrameRef } from '../../src/capture/types.js';
import type { CloseReason, Dir, TcpConnection, TcpSink } from '../../src/tcp/types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import type { TransportDemux } from '../../src/transport/demux.js';

/** What a test sink saw of one connection after the demux. */
export interface SeenConn {
  conn: TcpConnection;
  opened: number;
  closed: CloseReason | undefined;
  /** Bytes per direction, concatenated (with a marker byte count for gaps). */
  streams: [Buffer[], Buffer[]];
  gaps: [number, number];
  calls: number;
}

export interface CaptureRun {
  demux: TransportDemux;
  conns: Map<number, SeenConn>;
  diagnostics: Diagnostic[];
  /** The reassembler's own data calls (before the demux), to compare plain connections with. */
  raw: Map<number, [Buffer[], Buffer[]]>;
}

export class CollectSink implements TcpSink {
  readonly conns = new Map<number, SeenConn>();
  private get(conn: TcpConnection): SeenConn {
    let c = this.conns.get(conn.id);
    if (c === undefined) {
      c = { conn, opened: 0, closed: undefined, streams: [[], []], gaps: [0, 0], calls: 0 };
      this.conns.set(conn.id, c);
    }
    return c;
  }
  open(conn: TcpConnection): void {
    this.get(conn).opened++;
  }
  data(conn: TcpConnection, dir: Dir, bytes: Buffer, from: FrameRef): void {
    void from;
    const c = this.get(conn);
    c.calls++;
    c.streams[dir].push(Buffer.from(bytes));
  }
  gap(conn: TcpConnection, dir: Dir, length: number): void {
    this.get(conn).gaps[dir] += length;
  }
  close(conn: TcpConnection, reason: CloseReason): void {
    this.get(conn).closed = reason;
  }
}

/** A sink that records raw calls and passes them on. */
class Tee implements TcpSink {
  readonly raw = new Map<number, [Buffer[], Buffer[]]>();
  constructor(private readonly next: TcpSink) {}
  open(conn: TcpConnection): void {
    this.raw.set(conn.id, [[], []]);
    this.next.open(conn);
  }
  data(conn: TcpConnection, dir: Dir, bytes: Buffer, from: FrameRef): void {
    this.raw.get(conn.id)?.[dir].push(Buffer.from(bytes));
    this.next.data(conn, dir, bytes, from);
  }
  gap(conn: TcpConnection, dir: Dir, length: number, at: FrameRef): void {
    this.next.gap(conn, dir, length, at);
  }
  close(conn: TcpConnection, reason: CloseReason): void {
    this.next.close(conn, reason);
  }
}

/** capture → net → tcp → TransportDemux → CollectSink. */
export async function runCapture(file: string): Promise<CaptureRun> {
  const { feedTcp } = await import('../helpers/tcp-feed.js');
  const { TransportDemux } = await import('../../src/transport/demux.js');
  const diagnostics: Diagnostic[] = [];
  const sink = new CollectSink();
  const demux = new TransportDemux(sink, { onDiagnostic: (d) => diagnostics.push(d) });
  const tee = new Tee(demux);
  await feedTcp(file, tee);
  return { demux, conns: sink.conns, diagnostics, raw: tee.raw };
}
