import type { FrameRef } from '../capture/types.js';
import type { Dir } from '../tcp/types.js';
import type { StackContext } from './context.js';
import { HeldCalls, replay } from './held.js';
import { HttpUpgrade } from './http-upgrade.js';
import { sniff, SNIFF_BYTES, type Sniffed } from './sniff.js';
import type { StreamSink } from './stage.js';
import { TlsStage } from './tls-stage.js';
import type { WebSocketFacts } from './types.js';
import { WsConnection } from './ws-connection.js';

/**
 * What a classifier has decided about its stream, checked by tsc:
 * - `sniff`: nothing yet, calls held;
 * - `plain`: every call goes on unchanged;
 * - `plain-watch`: plain, but the other direction's first bytes may still show TLS (capture started
 *   mid-connection, or a gap came first); that direction's calls are held;
 * - `http`: a `GET ` was seen, the upgrade heads are being read (calls held);
 * - `stage`: decided for a stage of its own, which gets every call: WebSocket (upgraded, both directions
 *   deframed) or TLS (records, decrypted when keys are known).
 */
type State =
  | { kind: 'sniff'; held: HeldCalls }
  | { kind: 'plain' }
  | { kind: 'plain-watch'; plainDir: Dir; held: HeldCalls }
  | { kind: 'http'; held: HeldCalls; upgrade: HttpUpgrade }
  | { kind: 'stage'; sink: StreamSink };

const PLAIN: State = { kind: 'plain' };

export interface ClassifierOptions {
  /** False for bytes that were decrypted from TLS: no TLS inside (default true). */
  allowTls?: boolean;
  /** The stream may not start at its first byte (no SYN seen): TLS is recognised by any record header. */
  midStream?: boolean;
}

/**
 * The first stream bytes decide what a connection carries, on any port: a TLS record header → TLS;
 * `GET ` with `Upgrade: websocket` answered by `HTTP/1.1 101` → WebSocket (the heads are consumed, then each
 * direction is deframed and the payload of data frames goes on as one continuous stream per direction);
 * anything else → plain, passed on unchanged (bytes held while deciding are replayed as the same calls).
 * Decrypted TLS goes through a classifier of its own (allowTls false), so WSS is TLS → WebSocket → MSRP.
 */
export class StreamClassifier implements StreamSink {
  private state: State = { kind: 'sniff', held: new HeldCalls() };
  private readonly allowTls: boolean;
  private readonly midStream: boolean;
  private readonly probe = Buffer.alloc(SNIFF_BYTES);

  constructor(
    private readonly ctx: StackContext,
    private readonly next: StreamSink,
    opts: ClassifierOptions = {},
  ) {
    this.allowTls = opts.allowTls ?? true;
    this.midStream = opts.midStream ?? false;
  }

  data(dir: Dir, bytes: Buffer, from: FrameRef): void {
    const s = this.state;
    switch (s.kind) {
      case 'plain':
        this.next.data(dir, bytes, from);
        return;
      case 'stage':
        s.sink.data(dir, bytes, from);
        return;
      case 'http':
        s.held.data(dir, bytes, from);
        s.upgrade.push(dir, bytes);
        this.decideHttp(s.held, s.upgrade, from);
        return;
      case 'plain-watch':
        this.watchData(s.plainDir, s.held, dir, bytes, from);
        return;
      case 'sniff':
        this.sniffData(s.held, dir, bytes, from);
    }
  }

  gap(dir: Dir, length: number, at: FrameRef): void {
    const s = this.state;
    switch (s.kind) {
      case 'plain':
        this.next.gap(dir, length, at);
        return;
      case 'stage':
        s.sink.gap(dir, length, at);
        return;
      case 'plain-watch':
        // The watched direction's first bytes were cut: it cannot show TLS any more.
        if (dir !== s.plainDir) this.toPlain(s.held);
        this.next.gap(dir, length, at);
        return;
      case 'http':
        s.upgrade.incomplete(at, `${length} bytes missing in the handshake`);
        this.toPlain(s.held);
        this.next.gap(dir, length, at);
        return;
      case 'sniff':
        // Nothing decided yet: a gap first. Plain, still watching the other direction for TLS.
        this.toPlainWatch(s.held, dir);
        this.next.gap(dir, length, at);
    }
  }

  close(at: FrameRef): void {
    const s = this.state;
    switch (s.kind) {
      case 'http':
        s.upgrade.incomplete(at, 'the connection closed');
        this.toPlain(s.held);
        break;
      case 'sniff':
      case 'plain-watch':
        this.toPlain(s.held);
        break;
      case 'stage':
        s.sink.close(at);
        break;
      case 'plain':
        break;
    }
    this.next.close(at);
  }

  // ---- deciding -------------------------------------------------------------------------------------

  private sniffData(held: HeldCalls, dir: Dir, bytes: Buffer, from: FrameRef): void {
    const verdict = this.sniffDir(held, dir, bytes);
    if (verdict === 'plain') {
      if (this.midStream) this.toPlainWatch(held, dir);
      else this.toPlain(held);
      this.next.data(dir, bytes, from);
      return;
    }
    held.data(dir, bytes, from);
    if (verdict === 'tls') this.toTls(held, undefined);
    else if (verdict === 'http') this.toHttp(held, dir, from);
    else if (held.bytes > this.ctx.maxHeld) this.toPlain(held);
  }

  /** plain-watch: the deciding direction flows; the other one's first bytes are checked for a TLS record. */
  private watchData(plainDir: Dir, held: HeldCalls, dir: Dir, bytes: Buffer, from: FrameRef): void {
    if (dir === plainDir) {
      this.next.data(dir, bytes, from);
      return;
    }
    const verdict = this.sniffDir(held, dir, bytes);
    if (verdict === 'tls') {
      held.data(dir, bytes, from);
      this.toTls(held, plainDir);
    } else if (verdict === 'more') {
      held.data(dir, bytes, from);
    } else {
      this.toPlain(held);
      this.next.data(dir, bytes, from);
    }
  }

  /** Sniffs the first bytes of `dir`: the held ones of that direction, then `bytes`. */
  private sniffDir(held: HeldCalls, dir: Dir, bytes: Buffer): Sniffed {
    const n = held.firstBytes(dir, bytes, this.probe);
    return sniff(this.probe, n, this.midStream, this.allowTls);
  }

  /** Plain from now on; held calls are replayed unchanged, in order. */
  private toPlain(held: HeldCalls): void {
    this.state = PLAIN;
    for (const h of held.take()) replay(this.next, h);
  }

  /** Plain, watching the direction that did not decide; the deciding direction's held calls go on now. */
  private toPlainWatch(held: HeldCalls, decidedBy: Dir): void {
    if (!this.allowTls) {
      this.toPlain(held);
      return;
    }
    const watched = new HeldCalls();
    this.state = { kind: 'plain-watch', plainDir: decidedBy, held: watched };
    for (const h of held.take()) {
      if (h.dir !== decidedBy) watched.add(h);
      else replay(this.next, h);
    }
  }

  /** TLS from now on; `unframedDir`: a direction whose bytes already went on as plain (no known record start). */
  private toTls(held: HeldCalls, unframedDir: Dir | undefined): void {
    const ctx = this.ctx;
    ctx.conn.transport = 'tls';
    const tls = new TlsStage(ctx, this.next, this.midStream);
    this.state = { kind: 'stage', sink: tls };
    ctx.stats.tls++;
    if (unframedDir !== undefined) tls.unframe(unframedDir);
    for (const h of held.take()) replay(tls, h);
  }

  // ---- WebSocket opening handshake ------------------------------------------------------------------

  private toHttp(held: HeldCalls, reqDir: Dir, from: FrameRef): void {
    const ctx = this.ctx;
    const upgrade = new HttpUpgrade(
      reqDir,
      {
        diag: (code, dir, detail, at) => ctx.diag(code, dir, detail, at),
        register: (facts) => {
          ctx.facts().websocket = facts;
        },
      },
      ctx.maxHeld,
    );
    this.state = { kind: 'http', held, upgrade };
    for (const h of held.calls) if (h.bytes !== undefined) upgrade.push(h.dir, h.bytes);
    this.decideHttp(held, upgrade, from);
  }

  private decideHttp(held: HeldCalls, upgrade: HttpUpgrade, at: FrameRef): void {
    const v = upgrade.decide(at, held.bytes);
    if (v.kind === 'plain') this.toPlain(held);
    else if (v.kind === 'websocket') this.toWebSocket(held, v.facts, v.base);
  }

  private toWebSocket(held: HeldCalls, facts: WebSocketFacts, base: [number, number]): void {
    const ctx = this.ctx;
    if (ctx.conn.transport === undefined) ctx.conn.transport = 'websocket';
    ctx.stats.websocket++;
    let brokenCounted = false;
    const ws = new WsConnection(facts, this.next, ctx.stats, base, {
      diag: ctx.diag,
      broken: () => {
        if (brokenCounted) return;
        brokenCounted = true;
        ctx.stats.brokenWs++;
      },
    });
    this.state = { kind: 'stage', sink: ws };
    // Replay what followed each head (the heads themselves are consumed).
    const pos: [number, number] = [0, 0];
    for (const h of held.take()) {
      if (h.bytes === undefined) {
        ws.gap(h.dir, h.gap, h.from);
        continue;
      }
      const start = pos[h.dir];
      pos[h.dir] = start + h.bytes.length;
      const skip = Math.max(0, base[h.dir] - start);
      if (skip < h.bytes.length) ws.data(h.dir, h.bytes.subarray(skip), h.from);
    }
  }
}
