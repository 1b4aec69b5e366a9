import type { FrameRef } from '../capture/types.js';
import type { Dir } from '../tcp/types.js';
import type { StreamSink } from './stage.js';
import { escapeText } from '../util/escape.js';
import type { TransportStats, WebSocketFacts, WsDirFacts } from './types.js';
import { WS_BINARY, WS_CLOSE, WS_CONTINUATION, WS_PING, WS_PONG, WS_TEXT, WsDeframer, type WsFrameHeader } from './websocket.js';
import { WsMsrpCheck } from './ws-msrp-check.js';

export interface WsConnectionHooks {
  /** A diagnostic; `limited` codes repeat and are capped per connection by the caller. */
  diag(code: string, dir: Dir | undefined, detail: string, at: FrameRef, offset?: number, limited?: boolean): void;
  /** A direction broke (protocol error or gap); called for every break, the caller counts connections. */
  broken(): void;
}

const MAX_CLOSE_REASON = 123;

/** One direction: its deframer, the RFC 7977 one-message check and the facts. */
class WsDirection {
  readonly deframer: WsDeframer;
  readonly check = new WsMsrpCheck();
  closeSeen = false;
  /** The current message's payload is transformed by an extension (RSV bits): not passed on. */
  transformed = false;
  private warnedMask = false;
  private warnedAfterClose = false;
  private warnedTransformed = false;

  constructor(
    readonly owner: WsConnection,
    readonly dir: Dir,
    readonly facts: WsDirFacts,
    readonly client: boolean,
    /** TCP stream offset of the first frame byte (the length of this direction's handshake head). */
    readonly base: number,
    allowedRsv: number,
  ) {
    this.deframer = new WsDeframer(
      {
        frame: (h, from) => this.frame(h, from),
        payload: (bytes, from) => {
          if (this.transformed) return;
          facts.payloadBytes += bytes.length;
          owner.stats.wsPayloadBytes += bytes.length;
          this.check.piece(bytes);
          owner.next.data(dir, bytes, from);
        },
        frameEnd: (fin, from) => {
          if (!fin) return;
          facts.messages++;
          if (this.transformed) {
            this.transformed = false;
            return;
          }
          this.verdict(from);
        },
        control: (opcode, payload) => {
          if (opcode !== WS_CLOSE) return;
          this.closeSeen = true;
          const code = payload.length >= 2 ? payload.readUInt16BE(0) : null;
          const reason = payload.length > 2 ? escapeText(payload.toString('utf8', 2, 2 + MAX_CLOSE_REASON)) : '';
          if (facts.close === null) facts.close = { code, reason };
        },
        diagnostic: (code, detail, from, offset) => {
          const limited = code !== 'ws-protocol-error';
          owner.hooks.diag(code, dir, detail, from, base + offset, limited);
          if (code === 'ws-protocol-error') this.markBroken(detail);
        },
      },
      { allowedRsv },
    );
  }

  private frame(h: WsFrameHeader, from: FrameRef): void {
    const f = this.facts;
    const owner = this.owner;
    f.frames++;
    owner.stats.wsFrames++;
    switch (h.opcode) {
      case WS_CONTINUATION:
        f.byOpcode.continuation++;
        break;
      case WS_TEXT:
        f.byOpcode.text++;
        break;
      case WS_BINARY:
        f.byOpcode.binary++;
        break;
      case WS_CLOSE:
        f.byOpcode.close++;
        break;
      case WS_PING:
        f.byOpcode.ping++;
        break;
      case WS_PONG:
        f.byOpcode.pong++;
        break;
    }
    if (h.masked) f.masked++;
    const offset = this.base + h.offset;
    if (this.client && !h.masked && !this.warnedMask) {
      this.warnedMask = true;
      owner.hooks.diag('ws-unmasked-client-frame', this.dir, `unmasked ${opcodeName(h.opcode)} frame from the client`, from, offset);
    } else if (!this.client && h.masked && !this.warnedMask) {
      this.warnedMask = true;
      owner.hooks.diag('ws-masked-server-frame', this.dir, `masked ${opcodeName(h.opcode)} frame from the server`, from, offset);
    }
    if (this.closeSeen && !this.warnedAfterClose) {
      this.warnedAfterClose = true;
      owner.hooks.diag('ws-frame-after-close', this.dir, `${opcodeName(h.opcode)} frame after this side's close frame`, from, offset);
    }
    if (h.messageStart) {
      this.check.start();
      if (!h.fin) f.fragmentedMessages++;
      this.transformed = h.rsv !== 0;
      if (this.transformed && !this.warnedTransformed) {
        this.warnedTransformed = true;
        owner.hooks.diag(
          'ws-compressed-payload',
          this.dir,
          `RSV bits ${h.rsv.toString(2).padStart(3, '0')} on a data frame (extension ${owner.facts.extensions ?? '?'}): payload not passed on`,
          from,
          offset,
        );
      }
    }
  }

  private verdict(from: FrameRef): void {
    const f = this.facts;
    const v = this.check.end();
    if (v === 'one') {
      f.msrpWhole++;
    } else if (v === 'split') {
      f.msrpSplit++;
      this.owner.hooks.diag('ws-msrp-split', this.dir, `MSRP message ${this.check.txid} continues after the end of its WebSocket message`, from, undefined, true);
    } else if (v === 'multiple') {
      f.msrpMultiple++;
      this.owner.hooks.diag('ws-msrp-multiple', this.dir, `WebSocket message holds more bytes after MSRP message ${this.check.txid}`, from, undefined, true);
    }
  }

  markBroken(reason: string): void {
    if (this.facts.broken) return;
    this.facts.broken = true;
    this.facts.brokenReason = reason;
    this.owner.hooks.broken();
  }
}

function opcodeName(op: number): string {
  switch (op) {
    case WS_CONTINUATION:
      return 'continuation';
    case WS_TEXT:
      return 'text';
    case WS_BINARY:
      return 'binary';
    case WS_CLOSE:
      return 'close';
    case WS_PING:
      return 'ping';
    case WS_PONG:
      return 'pong';
    default:
      return `0x${op.toString(16)}`;
  }
}

/**
 * An upgraded WebSocket connection: both directions deframed, data payloads passed on to `next` as the
 * connection's byte stream, facts kept in the shared WebSocketFacts.
 */
export class WsConnection implements StreamSink {
  private readonly dirs: [WsDirection, WsDirection];

  static newDirFacts(): WsDirFacts {
    return {
      frames: 0,
      byOpcode: { continuation: 0, text: 0, binary: 0, close: 0, ping: 0, pong: 0 },
      masked: 0,
      payloadBytes: 0,
      messages: 0,
      fragmentedMessages: 0,
      unfinishedMessage: false,
      close: null,
      msrpWhole: 0,
      msrpSplit: 0,
      msrpMultiple: 0,
      broken: false,
      brokenReason: null,
    };
  }

  constructor(
    readonly facts: WebSocketFacts,
    readonly next: StreamSink,
    readonly stats: TransportStats,
    base: [number, number],
    readonly hooks: WsConnectionHooks,
  ) {
    // Any negotiated extension may use the RSV bits; without one they are a protocol error.
    const allowedRsv = facts.extensions === null ? 0 : 7;
    const c = facts.clientDir;
    this.dirs = [
      new WsDirection(this, 0, facts.dirs[0], c === 0, base[0], allowedRsv),
      new WsDirection(this, 1, facts.dirs[1], c === 1, base[1], allowedRsv),
    ];
  }

  data(dir: Dir, bytes: Buffer, from: FrameRef): void {
    this.dirs[dir].deframer.push(bytes, from);
  }

  /** A TCP gap: frame boundaries are lost, the direction stops; the gap goes on to the MSRP layer. */
  gap(dir: Dir, length: number, at: FrameRef): void {
    const d = this.dirs[dir];
    if (!d.deframer.broken) {
      const offset = d.base + d.deframer.offset;
      d.deframer.breakOff(`${length} bytes missing`);
      d.markBroken(`TCP gap of ${length} bytes`);
      this.hooks.diag('ws-gap', dir, `${length} bytes missing: this direction is no longer deframed`, at, offset);
    }
    this.next.gap(dir, length, at);
  }

  close(at: FrameRef): void {
    for (const d of this.dirs) {
      const df = d.deframer;
      if (df.broken || !(df.midMessage || df.midFrame)) continue;
      d.facts.unfinishedMessage = true;
      const what = df.midMessage ? 'a data message' : 'a frame';
      this.hooks.diag('ws-unfinished-message', d.dir, `the connection closed inside ${what}`, at, d.base + df.offset);
    }
  }
}
