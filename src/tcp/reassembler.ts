import type { FrameRef } from '../capture/types.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type Segment } from '../net/types.js';
import type { DiagnosticSink, Severity } from '../util/diagnostics.js';
import { TCP_CODES } from './codes.js';
import { ConnState, newDirStats } from './connection.js';
import { ConnectionTable, tupleKey } from './connection-table.js';
import { TupleKeys } from './tuple-keys.js';
import type { Direction, StreamContext } from './direction.js';
import { seqAdd } from './seq.js';
import type { CloseReason, ReassemblyStats, TcpConnection, TcpSink } from './types.js';
import { DiagnosticLimiter } from '../util/diagnostic-limiter.js';

export interface TcpReassemblerOptions {
  /** Out-of-order bytes held over all connections (default 64 MiB); beyond it the oldest holes become gaps. */
  maxBufferedBytes?: number;
  /** Out-of-order bytes held by one direction (default 4 MiB); beyond it its first hole becomes a gap. */
  maxBufferedPerDirection?: number;
  /**
   * Out-of-order pieces held by one direction (default 16 384) and over all connections (default 262 144).
   * A piece is the new part of one segment; its bookkeeping costs a few hundred bytes whatever its length,
   * so tiny segments are bounded by count as well as by bytes. Beyond either bound holes become gaps as above.
   */
  maxPiecesPerDirection?: number;
  maxBufferedPieces?: number;
  /** Open connections (default 100 000); beyond it the one idle the longest is closed as 'evicted'. */
  maxConnections?: number;
  /**
   * Diagnostics of one code per connection (default 10); the rest are counted and reported as one summary
   * diagnostic of that code when the connection closes. Counts stay exact in the connection's stats.
   */
  diagnosticsPerConnection?: number;
  onDiagnostic?: DiagnosticSink;
}

const SEVERITY = new Map<string, Severity>(TCP_CODES.map((c) => [c.code, c.severity]));

/**
 * TCP stream reassembly: decoded segments in, per direction ordered byte streams out (see TcpSink).
 *
 * Connections are keyed by 4-tuple (both directions map to one connection) and numbered 0, 1, ... in order of
 * first packet, like Wireshark's tcp.stream. The client is the sender of a SYN (without ACK), else the receiver
 * of a SYN-ACK, else the sender of the first packet.
 *
 * A connection closes with
 * - 'fin' as soon as both directions have delivered everything up to their FIN (or at end() / port reuse when
 *   both FINs were seen but a hole before one of them was never filled, the hole then being a gap),
 * - 'rst' at the first RST (in either direction),
 * - 'capture-end' at end() otherwise; 'evicted' when the table bound pushes it out or a SYN with a new ISN
 *   reuses its 4-tuple before any FIN.
 * Closing declares every remaining hole a gap and delivers all buffered data. A closed connection stays as a
 * small tombstone (identity only) so late packets (the last ACK, retransmitted FINs) still count for it; a
 * SYN with a new ISN on its 4-tuple starts a new connection.
 */
export class TcpReassembler {
  readonly stats: ReassemblyStats = {
    segments: 0,
    connections: 0,
    open: 0,
    evicted: 0,
    delivered: 0,
    gaps: 0,
    missingBytes: 0,
    retransmissions: 0,
    outOfOrder: 0,
    overlapConflicts: 0,
    keepAlives: 0,
    zeroWindowProbes: 0,
    bufferedBytes: 0,
    peakBufferedBytes: 0,
    bufferedPieces: 0,
  };

  /** Key strings of recent 4-tuples, reused packet after packet. */
  private readonly keys = new TupleKeys();
  private readonly open = new ConnectionTable<ConnState>();
  /** Tombstones of closed connections, oldest first, at most maxConnections (never touched: evicted in order). */
  private readonly closed = new ConnectionTable<ConnState>();
  private readonly ctx: StreamContext;
  private readonly maxBuffered: number;
  private readonly maxPieces: number;
  private readonly maxConnections: number;
  private readonly onDiagnostic: DiagnosticSink | undefined;
  /** Per connection: diagnostics emitted and suppressed, by code. */
  private readonly limiter: DiagnosticLimiter;

  constructor(
    private readonly sink: TcpSink,
    opts: TcpReassemblerOptions = {},
  ) {
    this.maxBuffered = positive(opts.maxBufferedBytes, 64 * 1024 * 1024);
    this.maxPieces = positive(opts.maxBufferedPieces, 262_144);
    this.maxConnections = positive(opts.maxConnections, 100_000);
    this.onDiagnostic = opts.onDiagnostic;
    const report = this.onDiagnostic;
    this.limiter = new DiagnosticLimiter(positive(opts.diagnosticsPerConnection, 10));
    this.ctx = {
      sink,
      totals: this.stats,
      maxBufferedPerDirection: positive(opts.maxBufferedPerDirection, 4 * 1024 * 1024),
      maxPiecesPerDirection: positive(opts.maxPiecesPerDirection, 16_384),
      holding: new Set<Direction>(),
      diag: (code, frame, connection, offset, detail) => {
        if (report === undefined) return;
        if (this.limiter.take(connection, code) === 'drop') return;
        report(
          offset === undefined
            ? { code, severity: SEVERITY.get(code) ?? 'warning', frame, connection, detail }
            : { code, severity: SEVERITY.get(code) ?? 'warning', frame, connection, offset, detail },
        );
      },
    };
  }

  /** Takes one segment; returns the id of the connection it belongs to (-1 for a segment that is not TCP). */
  push(seg: Segment): number {
    if (seg.proto !== 'tcp') return -1;
    this.stats.segments++;
    const flags = seg.flags;
    const pureSyn = (flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    const key = this.keys.of(seg.src, seg.srcPort, seg.dst, seg.dstPort);
    let st = this.open.get(key) ?? this.closed.get(key);
    if (st !== undefined && pureSyn && this.startsNewConnection(st, seg)) {
      this.retire(st, seg.frame);
      st = undefined;
    }
    const from: FrameRef = { frame: seg.frame, tsSec: seg.tsSec, tsNsec: seg.tsNsec };
    if (st === undefined) st = this.create(key, seg, from);
    else if (!st.closed) this.open.touch(st);
    const conn = st.conn;
    conn.last = from;
    const dir = st.dirOf(seg);
    const ds = conn.stats[dir];
    ds.packets++;
    ds.bytes += seg.payload.length;
    const dirs = st.dirs;
    if (dirs === undefined) return conn.id;
    if ((flags & TCP_RST) !== 0) {
      this.close(st, 'rst', from);
      return conn.id;
    }
    const d = dirs[dir];
    const peer = dirs[dir ^ 1]!;
    const syn = (flags & TCP_SYN) !== 0;
    if (!d.initialized) {
      if (syn) d.init(seg.seq + 1, seg.seq);
      else d.init(seg.seq, undefined);
    }
    if (syn && (flags & TCP_ACK) !== 0 && !peer.initialized) peer.init(seg.ack, seg.ack - 1);
    const seq = syn ? seqAdd(seg.seq, 1) : seg.seq;
    const payload = seg.payload;
    if (payload.length > 0) d.onData(seq, payload, from, peer.window);
    if ((flags & TCP_FIN) !== 0) {
      st.finSeen = true;
      d.onFin(seqAdd(seq, payload.length), from);
    }
    if ((flags & TCP_ACK) !== 0) peer.onAck(seg.ack);
    d.window = seg.window;
    if (d.finished && peer.finished) this.close(st, 'fin', from);
    if (this.overBound()) this.relieve(from);
    return conn.id;
  }

  /** Closes every open connection ('fin' when both FINs were seen, else 'capture-end'), in id order. */
  end(): void {
    const open = [...this.open.values()].sort((a, b) => a.conn.id - b.conn.id);
    for (const st of open) this.close(st, this.finReason(st) ?? 'capture-end', st.conn.last);
    this.open.clear();
    this.closed.clear();
  }

  private finReason(st: ConnState): CloseReason | undefined {
    const dirs = st.dirs;
    return dirs !== undefined && dirs[0].finAbs !== undefined && dirs[1].finAbs !== undefined ? 'fin' : undefined;
  }

  /** A SYN without ACK on a known 4-tuple: does it start a new connection? */
  private startsNewConnection(st: ConnState, seg: Segment): boolean {
    const dir = st.dirOf(seg);
    const isn = st.isnOf(dir);
    if (isn !== undefined) return seg.seq !== isn;
    if (st.closed || st.finSeen) return true;
    // A direction that began mid-connection and now shows a SYN: a new connection; a side not heard from yet
    // (simultaneous open, or the peer spoke first) is just starting.
    return st.dirs![dir].initialized;
  }

  /** Takes `st` off its 4-tuple so a new connection can start there. */
  private retire(st: ConnState, frame: number): void {
    if (st.closed) {
      this.closed.delete(st.key);
      return;
    }
    const reason: CloseReason = st.finSeen ? 'fin' : 'evicted';
    if (!st.finSeen) {
      this.diag('tcp-port-reuse', frame, st.conn.id, `SYN with a new initial sequence number on ${st.key}; connection ${st.conn.id} closed`);
    }
    this.close(st, reason, st.conn.last);
    this.closed.delete(st.key);
  }

  private create(key: string, seg: Segment, from: FrameRef): ConnState {
    if (this.open.size >= this.maxConnections) this.evict(seg.frame);
    const flags = seg.flags;
    const syn = (flags & TCP_SYN) !== 0;
    const synAck = syn && (flags & TCP_ACK) !== 0;
    const sender = { address: seg.src, port: seg.srcPort };
    const receiver = { address: seg.dst, port: seg.dstPort };
    const conn: TcpConnection = {
      id: this.stats.connections++,
      client: synAck ? receiver : sender,
      server: synAck ? sender : receiver,
      sawSyn: syn && !synAck,
      first: from,
      last: from,
      stats: [newDirStats(), newDirStats()],
      ended: undefined,
      transport: undefined,
    };
    const st = new ConnState(key, conn, this.ctx);
    this.open.add(key, st);
    this.stats.open++;
    if (!syn) this.diag('tcp-midstream', seg.frame, conn.id, 'no SYN seen: the capture starts mid-connection');
    this.sink.open(conn);
    return st;
  }

  private evict(frame: number): void {
    const victim = this.open.evictIdlest();
    if (victim === undefined) return;
    this.stats.evicted++;
    this.diag(
      'tcp-connection-evicted',
      frame,
      victim.conn.id,
      `connection table full (${this.maxConnections}); connection ${victim.conn.id}, idle since frame ${victim.conn.last.frame}, closed`,
    );
    this.close(victim, 'evicted', victim.conn.last);
  }

  private close(st: ConnState, reason: CloseReason, at: FrameRef): void {
    const dirs = st.dirs;
    if (st.closed || dirs === undefined) return;
    st.closed = true;
    dirs[0].flushAll(at);
    dirs[1].flushAll(at);
    st.release();
    st.conn.ended = reason;
    if (this.open.get(st.key) === st) this.open.delete(st.key);
    this.stats.open--;
    this.closed.add(st.key, st);
    if (this.closed.size > this.maxConnections) this.closed.evictIdlest();
    this.flushDiagnostics(st.conn.id, at.frame);
    this.sink.close(st.conn, reason);
  }

  /** One summary diagnostic per code whose reports were capped on this connection. */
  private flushDiagnostics(connection: number, frame: number): void {
    const suppressed = this.limiter.takeSuppressed(connection);
    const report = this.onDiagnostic;
    if (report === undefined) return;
    for (const [code, n] of suppressed) {
      report({
        code,
        severity: SEVERITY.get(code) ?? 'warning',
        frame,
        connection,
        detail: `${n} more ${code} diagnostic${n === 1 ? '' : 's'} on this connection not shown`,
      });
    }
  }

  private overBound(): boolean {
    return this.stats.bufferedBytes > this.maxBuffered || (this.stats.bufferedPieces ?? 0) > this.maxPieces;
  }

  /** The global bound was exceeded: declare the oldest holes gaps until it holds again. */
  private relieve(at: FrameRef): void {
    const holding = this.ctx.holding;
    while (this.overBound()) {
      const it = holding.values().next();
      if (it.done === true) break;
      const d = it.value;
      const conn = d.conn;
      this.diag(
        'tcp-buffer-overflow',
        at.frame,
        conn.id,
        `${this.stats.bufferedBytes} out-of-order bytes in ${this.stats.bufferedPieces ?? 0} pieces held over all connections ` +
          `(bounds ${this.maxBuffered} bytes, ${this.maxPieces} pieces); ` +
          `the oldest hole (connection ${conn.id}, ${d.dir === 0 ? 'client->server' : 'server->client'}) declared a gap`,
        d.next,
      );
      if (!d.declareHole()) holding.delete(d);
      const st = this.open.get(tupleKey(conn.client.address, conn.client.port, conn.server.address, conn.server.port));
      const dirs = st?.dirs;
      if (st !== undefined && dirs !== undefined && dirs[0].finished && dirs[1].finished) this.close(st, 'fin', at);
    }
  }

  private diag(code: string, frame: number, connection: number, detail: string, offset?: number): void {
    this.ctx.diag(code, frame, connection, offset, detail);
  }
}

function positive(v: number | undefined, dflt: number): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : dflt;
}
