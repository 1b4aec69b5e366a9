import type { FrameRef } from '../capture/types.js';
import { MAX_AHEAD, seqAdd, seqDelta } from './seq.js';
import { own, StreamBuffer, type Piece } from './stream-buffer.js';
import type { Dir, DirStats, ReassemblyStats, TcpConnection, TcpSink } from './types.js';

/** What a direction shares with the reassembler that owns it. */
export interface StreamContext {
  readonly sink: TcpSink;
  readonly totals: ReassemblyStats;
  readonly maxBufferedPerDirection: number;
  /** Out-of-order pieces held by one direction (each costs bookkeeping beyond its bytes: 1-byte segments). */
  readonly maxPiecesPerDirection: number;
  /** Directions holding out-of-order data; iteration order = order in which their current holes opened. */
  readonly holding: Set<Direction>;
  diag(code: string, frame: number, connection: number, offset: number | undefined, detail: string): void;
}

/**
 * One direction of a connection: turns segments (32-bit sequence numbers) into the ordered byte stream the
 * receiver saw, calling the sink's data() once per frame's bytes and gap() for holes that can no longer fill.
 *
 * Offsets are absolute (0 = first stream byte: ISN + 1, or the first sequence number seen when the capture
 * starts mid-connection). `next` is the offset of the next byte to deliver; everything before it has been
 * delivered or declared a gap.
 *
 * A hole (missing bytes before buffered data or before the FIN) becomes a gap when
 * - the peer acknowledges past it (the receiver has those bytes: the capture lost them; they will never be
 *   retransmitted), including a FIN whose hole the peer acknowledged,
 * - buffered data beyond it exceeds the per-direction bound, or the global bound picks it (oldest first),
 * - the connection closes (RST, end of capture, eviction, port reuse).
 */
export class Direction {
  initialized = false;
  /** Initial sequence number, when the start of the stream is known (SYN, or the ack of a SYN-ACK). */
  isn: number | undefined = undefined;
  next = 0;
  /** 32-bit sequence number of the byte at `next`. */
  private nextSeq = 0;
  /**
   * Mid-connection start, nothing but empty segments seen yet: offset 0 moves to the first payload byte, so a
   * leading pure ACK or zero-length keep-alive (seq = next - 1) does not turn into a 1-byte gap.
   */
  private provisional = false;
  /** Offset of the FIN (one past the last data byte), once seen. */
  finAbs: number | undefined = undefined;
  private finFrom: FrameRef | undefined = undefined;
  /** True once every byte before the FIN was delivered or declared a gap. */
  finished = false;
  /** Highest offset acknowledged by the peer, -1 if none beyond `next` was seen. */
  private acked = -1;
  /** Last receive window advertised by this side (-1 before its first segment); the peer's probes depend on it. */
  window = -1;
  private readonly buffer = new StreamBuffer();
  /** Pieces of `buffer` counted in totals.bufferedPieces. */
  private counted = 0;
  /** A 1-byte zero-window probe held aside: delivered only if the stream shows the receiver took it. */
  private probe: Piece | undefined = undefined;

  constructor(
    readonly conn: TcpConnection,
    readonly dir: Dir,
    private readonly stats: DirStats,
    private readonly ctx: StreamContext,
  ) {}

  /** Sets the stream start: `seq` is the sequence number of offset 0. */
  init(seq: number, isn: number | undefined): void {
    this.initialized = true;
    this.nextSeq = seq >>> 0;
    this.next = 0;
    this.isn = isn === undefined ? undefined : isn >>> 0;
    this.provisional = isn === undefined;
  }

  /** Absolute offset of a 32-bit sequence number (nearest to `next`). */
  absOf(seq: number): number {
    return this.next + seqDelta(seq, this.nextSeq);
  }

  /** Bytes held waiting for a hole. */
  get buffered(): number {
    return this.buffer.bytes;
  }

  /** Payload of a segment (not empty) whose first byte has sequence number `seq`. */
  onData(seq: number, payload: Buffer, from: FrameRef, peerWindow: number): void {
    const t = this.ctx.totals;
    const s = this.stats;
    if (this.provisional) {
      this.provisional = false;
      this.nextSeq = seq >>> 0;
      this.acked = -1;
    }
    let start = this.absOf(seq);
    let end = start + payload.length;
    if (start - this.next > MAX_AHEAD) {
      this.diag('tcp-out-of-window', from, start, `segment of ${payload.length} bytes starts ${start - this.next} bytes ahead of the stream; ignored`);
      return;
    }
    if (payload.length === 1 && start === this.next - 1) {
      t.keepAlives++;
      return;
    }
    const fin = this.finAbs;
    if (this.finished || (fin !== undefined && start >= fin)) {
      if (fin !== undefined && start >= fin) {
        this.diag('tcp-data-after-fin', from, start, `${payload.length} bytes after the FIN ignored`);
      } else {
        s.retransmissions++;
        t.retransmissions++;
      }
      return;
    }
    if (fin !== undefined && end > fin) {
      this.diag('tcp-data-after-fin', from, fin, `${end - fin} bytes after the FIN ignored`);
      payload = payload.subarray(0, fin - start);
      end = fin;
    }
    if (end <= this.next) {
      s.retransmissions++;
      t.retransmissions++;
      return;
    }
    if (start < this.next) {
      payload = payload.subarray(this.next - start);
      start = this.next;
    }
    if (payload.length === 1 && peerWindow === 0 && start === this.next) {
      t.zeroWindowProbes++;
      if (this.probe === undefined) this.probe = { start, end, bytes: own(payload), from };
      return;
    }
    if (this.probe !== undefined) this.settleProbe(start);
    if (start === this.next && this.buffer.empty) {
      this.deliver(payload, from);
      this.checkFin();
      return;
    }
    const wasEmpty = this.buffer.empty;
    const r = this.buffer.insert(start, payload, from);
    if (r.added === 0) {
      s.retransmissions++;
      t.retransmissions++;
    } else if (start > this.next) {
      s.outOfOrder++;
      t.outOfOrder++;
    }
    if (r.conflictAt >= 0) {
      t.overlapConflicts++;
      this.diag('tcp-overlap-conflict', from, r.conflictAt, `frame ${from.frame} overlaps earlier data with different bytes; earlier bytes kept`);
    }
    t.bufferedBytes += r.added;
    if (t.bufferedBytes > t.peakBufferedBytes) t.peakBufferedBytes = t.bufferedBytes;
    this.recount();
    if (wasEmpty && !this.buffer.empty) this.ctx.holding.add(this);
    this.flush();
    const maxBytes = this.ctx.maxBufferedPerDirection;
    const maxPieces = this.ctx.maxPiecesPerDirection;
    while (this.buffer.bytes > maxBytes || this.buffer.count > maxPieces) {
      const first = this.buffer.first()!;
      const held = this.buffer.bytes > maxBytes
        ? `${this.buffer.bytes} bytes wait beyond a hole (per-direction bound ${maxBytes})`
        : `${this.buffer.count} pieces wait beyond a hole (per-direction bound ${maxPieces} pieces)`;
      this.diag('tcp-buffer-overflow', from, this.next, `${held}; ${first.start - this.next} missing bytes declared a gap`);
      this.declareHole();
    }
  }

  /** A FIN whose sequence number is `seq`. */
  onFin(seq: number, from: FrameRef): void {
    if (this.finAbs !== undefined) return;
    this.provisional = false;
    const abs = this.absOf(seq);
    if (abs < this.next || abs - this.next > MAX_AHEAD) {
      // A FIN before the stream start has a negative offset: the diagnostic points at the stream position.
      this.diag('tcp-out-of-window', from, abs < 0 ? this.next : abs, `FIN at offset ${abs} does not fit the stream (next offset ${this.next}); ignored`);
      return;
    }
    this.finAbs = abs;
    this.finFrom = from;
    const dropped = this.buffer.truncate(abs);
    if (dropped > 0) {
      this.ctx.totals.bufferedBytes -= dropped;
      this.recount();
      if (this.buffer.empty) this.ctx.holding.delete(this);
      this.diag('tcp-data-after-fin', from, abs, `${dropped} buffered bytes after the FIN ignored`);
    }
    if (this.probe !== undefined && this.probe.start >= abs) this.probe = undefined;
    this.checkFin();
  }

  /** An acknowledgement number sent by the peer (it acknowledges this direction's bytes). */
  onAck(ack: number): void {
    if (!this.initialized || this.finished) return;
    const a = this.absOf(ack);
    if (a <= this.next || a - this.next > MAX_AHEAD) return;
    if (a > this.acked) this.acked = a;
    // The receiver has every byte below `a`: a hole wholly below it was lost by the capture, not the network.
    for (;;) {
      const p = this.buffer.first();
      if (p !== undefined ? p.start <= a : this.finAbs !== undefined && !this.finished && a >= this.finAbs) {
        this.declareHole();
      } else {
        return;
      }
    }
  }

  /**
   * Declares the lowest hole a gap and delivers what follows it (up to the next hole). Returns false when
   * there is no hole left.
   */
  declareHole(): boolean {
    if (this.probe !== undefined) {
      const p = this.probe;
      this.probe = undefined;
      if (p.start === this.next) {
        this.deliver(p.bytes, p.from);
        this.flush();
        return true;
      }
    }
    const p = this.buffer.first();
    if (p !== undefined) {
      this.gapTo(p.start, p.from);
      this.flush();
      return true;
    }
    if (this.finAbs !== undefined && !this.finished) {
      this.gapTo(this.finAbs, this.finFrom!);
      this.checkFin();
      return true;
    }
    return false;
  }

  /** At close: every hole becomes a gap, every buffered byte is delivered. */
  flushAll(at: FrameRef): void {
    while (this.declareHole()) {
      // each round delivers or skips at least one piece
    }
    if (!this.finished && this.acked > this.next) {
      this.diag(
        'tcp-acked-unseen',
        at,
        this.next,
        `peer acknowledged ${this.acked - this.next} sequence numbers past the last captured byte (lost at the end of the capture)`,
      );
    }
    this.buffer.clear();
    this.recount();
    this.ctx.holding.delete(this);
  }

  private settleProbe(start: number): void {
    const p = this.probe!;
    this.probe = undefined;
    // Data continuing beyond the probe byte without resending it: the receiver took the probe.
    if (p.start === this.next && start > p.start) this.deliver(p.bytes, p.from);
  }

  private flush(): void {
    const t = this.ctx.totals;
    for (;;) {
      const p = this.buffer.first();
      if (p === undefined || p.start > this.next) break;
      this.buffer.shift();
      t.bufferedBytes -= p.bytes.length;
      this.recount();
      if (p.end > this.next) this.deliver(p.start === this.next ? p.bytes : p.bytes.subarray(this.next - p.start), p.from);
    }
    if (this.buffer.empty) this.ctx.holding.delete(this);
    this.checkFin();
  }

  /** Mirrors the buffer's piece count into totals.bufferedPieces. */
  private recount(): void {
    const c = this.buffer.count;
    if (c === this.counted) return;
    const t = this.ctx.totals;
    t.bufferedPieces = (t.bufferedPieces ?? 0) + c - this.counted;
    this.counted = c;
  }

  private checkFin(): void {
    if (this.finAbs !== undefined && !this.finished && this.next >= this.finAbs) {
      this.finished = true;
      this.probe = undefined;
    }
  }

  private deliver(bytes: Buffer, from: FrameRef): void {
    const n = bytes.length;
    if (n === 0) return;
    this.next += n;
    this.nextSeq = seqAdd(this.nextSeq, n);
    this.stats.delivered += n;
    this.ctx.totals.delivered += n;
    this.ctx.sink.data(this.conn, this.dir, bytes, from);
  }

  private gapTo(end: number, at: FrameRef): void {
    const n = end - this.next;
    if (n <= 0) return;
    this.diag('tcp-gap', at, this.next, `${n} bytes missing before frame ${at.frame}`);
    this.next = end;
    this.nextSeq = seqAdd(this.nextSeq, n);
    this.stats.gaps++;
    this.stats.missingBytes += n;
    this.ctx.totals.gaps++;
    this.ctx.totals.missingBytes += n;
    this.ctx.sink.gap(this.conn, this.dir, n, at);
  }

  private diag(code: string, at: FrameRef, offset: number | undefined, detail: string): void {
    this.ctx.diag(code, at.frame, this.conn.id, offset, `${this.dir === 0 ? 'client->server' : 'server->client'}: ${detail}`);
  }
}
