import type { FrameRef } from '../capture/types.js';
import { unmask } from './ws-mask.js';

/**
 * Incremental RFC 6455 deframer for one direction of a WebSocket connection.
 *
 * push() takes the stream in any pieces; the results (events, payload bytes, diagnostics) do not depend on
 * how the stream was cut. Memory is bounded: only a frame header (at most 14 bytes) and a control frame's
 * payload (at most 125 bytes) are ever held; data payloads stream out as they arrive, unmasked (a fresh
 * buffer) or as views of the input (unmasked frames). A protocol error is reported once, then the deframer
 * is broken: it ignores the rest of the stream (only counting it).
 */

export const WS_CONTINUATION = 0x0;
export const WS_TEXT = 0x1;
export const WS_BINARY = 0x2;
export const WS_CLOSE = 0x8;
export const WS_PING = 0x9;
export const WS_PONG = 0xa;

/** Largest payload of a control frame (RFC 6455 section 5.5). */
export const WS_MAX_CONTROL = 125;

export interface WsFrameHeader {
  fin: boolean;
  /** RSV1..RSV3 as a 3-bit number (RSV1 = 4). */
  rsv: number;
  opcode: number;
  masked: boolean;
  /** Payload length (below 2^53). */
  length: number;
  /** Stream offset of the frame's first header byte. */
  offset: number;
  /** True when this text/binary frame starts a message, false for continuations and control frames. */
  messageStart: boolean;
}

export interface WsDeframerEvents {
  /** A valid frame header was read; its payload follows. */
  frame(h: WsFrameHeader, from: FrameRef): void;
  /** Unmasked payload bytes of the current data frame (text, binary or continuation), in stream order. */
  payload(bytes: Buffer, from: FrameRef): void;
  /** The current data frame ended; `fin` says whether it ended its message. */
  frameEnd(fin: boolean, from: FrameRef): void;
  /** A complete control frame; `payload` is an unmasked view valid during the call only (copy to keep). */
  control(opcode: number, payload: Buffer, from: FrameRef): void;
  /**
   * An anomaly: 'ws-protocol-error' (the deframer is broken afterwards) or 'ws-non-minimal-length'.
   * `offset` is the stream offset of the frame's first byte.
   */
  diagnostic(code: string, detail: string, from: FrameRef, offset: number): void;
}

export interface WsDeframerOptions {
  /** RSV bits a negotiated extension allows (RSV1 = 4, RSV2 = 2, RSV3 = 1); default none. */
  allowedRsv?: number;
}

const HEADER = 0;
const PAYLOAD = 1;
const BROKEN = 2;

const TWO_32 = 0x1_0000_0000;

/** Header size from its first two bytes: 2, + 2 or 8 for the extended length, + 4 for the masking key. */
function headerSize(b1: number): number {
  const len7 = b1 & 0x7f;
  return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + ((b1 & 0x80) !== 0 ? 4 : 0);
}

function isReserved(opcode: number): boolean {
  return (opcode >= 3 && opcode <= 7) || opcode >= 0xb;
}

export class WsDeframer {
  private state = HEADER;
  private readonly hdr = Buffer.alloc(14);
  private hdrLen = 0;
  private hdrNeed = 2;
  /** Stream offset of the current frame's first byte. */
  private frameStart = 0;
  private fin = false;
  private opcode = 0;
  private masked = false;
  private key = 0;
  /** Payload bytes of the current frame already read (mod 4 = mask phase). */
  private done = 0;
  private remaining = 0;
  private readonly ctl = Buffer.alloc(WS_MAX_CONTROL);
  private ctlLen = 0;
  /** Inside a data message that began with FIN=0. */
  private fragmented = false;
  private readonly allowedRsv: number;
  /** Bytes pushed so far (the stream offset of the next byte). */
  offset = 0;
  /** Bytes ignored after the deframer broke. */
  ignored = 0;
  /** Detail of the protocol error that broke the deframer. */
  error: string | undefined = undefined;

  constructor(
    private readonly ev: WsDeframerEvents,
    opts: WsDeframerOptions = {},
  ) {
    this.allowedRsv = (opts.allowedRsv ?? 0) & 7;
  }

  get broken(): boolean {
    return this.state === BROKEN;
  }

  /** Inside a frame (header or payload partly read). */
  get midFrame(): boolean {
    return this.state === PAYLOAD || (this.state === HEADER && this.hdrLen > 0);
  }

  /** Inside a data message: a fragmented message not finished, or a data frame partly read. */
  get midMessage(): boolean {
    if (this.state === BROKEN) return false;
    return this.fragmented || (this.state === PAYLOAD && this.opcode < 8);
  }

  /** Stops deframing (after a gap in the stream, or a caller's decision). */
  breakOff(detail: string): void {
    if (this.state === BROKEN) return;
    this.state = BROKEN;
    this.error = detail;
  }

  push(bytes: Buffer, from: FrameRef): void {
    const n = bytes.length;
    let pos = 0;
    while (pos < n) {
      if (this.state === PAYLOAD) {
        pos = this.payload(bytes, pos, from);
        continue;
      }
      if (this.state === BROKEN) {
        this.ignored += n - pos;
        this.offset += n - pos;
        return;
      }
      // HEADER: parse in place when the whole header is in this piece, else gather it in `hdr`.
      if (this.hdrLen === 0) {
        this.frameStart = this.offset;
        if (n - pos >= 2) {
          const size = headerSize(bytes[pos + 1]!);
          if (n - pos >= size) {
            this.offset += size;
            this.header(bytes, pos, size, from);
            pos += size;
            continue;
          }
        }
      }
      const take = Math.min(this.hdrNeed - this.hdrLen, n - pos);
      bytes.copy(this.hdr, this.hdrLen, pos, pos + take);
      this.hdrLen += take;
      this.offset += take;
      pos += take;
      if (this.hdrLen === 2 && this.hdrNeed === 2) this.hdrNeed = headerSize(this.hdr[1]!);
      if (this.hdrLen === this.hdrNeed) {
        const size = this.hdrNeed;
        this.hdrLen = 0;
        this.hdrNeed = 2;
        this.header(this.hdr, 0, size, from);
      }
    }
  }

  private header(b: Buffer, p: number, size: number, from: FrameRef): void {
    const b0 = b[p]!;
    const b1 = b[p + 1]!;
    const fin = (b0 & 0x80) !== 0;
    const rsv = (b0 >>> 4) & 7;
    const opcode = b0 & 0x0f;
    const masked = (b1 & 0x80) !== 0;
    const len7 = b1 & 0x7f;
    let length = len7;
    if (len7 === 126) {
      length = b.readUInt16BE(p + 2);
      if (length < 126) this.note(`16-bit length field holds ${length}`, from);
    } else if (len7 === 127) {
      const hi = b.readUInt32BE(p + 2);
      const lo = b.readUInt32BE(p + 6);
      if (hi >= 0x8000_0000) return this.fail(`64-bit payload length with the most significant bit set (0x${hex8(hi)}${hex8(lo)})`, from);
      if (hi >= 0x20_0000) return this.fail(`64-bit payload length 0x${hex8(hi)}${hex8(lo)} is 2^53 or more`, from);
      length = hi * TWO_32 + lo;
      if (length < 65536) this.note(`64-bit length field holds ${length}`, from);
    }
    if ((rsv & ~this.allowedRsv) !== 0) return this.fail(`RSV bits ${rsv.toString(2).padStart(3, '0')} set without a negotiated extension`, from);
    if (isReserved(opcode)) return this.fail(`reserved opcode 0x${opcode.toString(16)}`, from);
    const control = opcode >= 8;
    if (control) {
      if (!fin) return this.fail(`fragmented control frame (opcode 0x${opcode.toString(16)} without FIN)`, from);
      if (length > WS_MAX_CONTROL) return this.fail(`control frame (opcode 0x${opcode.toString(16)}) with ${length} payload bytes (max 125)`, from);
      if (opcode === WS_CLOSE && length === 1) return this.fail('close frame with a 1-byte payload', from);
    } else if (opcode === WS_CONTINUATION) {
      if (!this.fragmented) return this.fail('continuation frame without a message start', from);
    } else if (this.fragmented) {
      return this.fail(`new ${opcode === WS_TEXT ? 'text' : 'binary'} frame inside a fragmented message`, from);
    }
    this.fin = fin;
    this.opcode = opcode;
    this.masked = masked;
    this.key = masked ? b.readUInt32BE(p + size - 4) : 0;
    this.done = 0;
    this.remaining = length;
    this.ctlLen = 0;
    this.ev.frame({ fin, rsv, opcode, masked, length, offset: this.frameStart, messageStart: opcode === WS_TEXT || opcode === WS_BINARY }, from);
    if (this.state === BROKEN) return;
    this.state = PAYLOAD;
    if (length === 0) this.endFrame(from);
  }

  /** Consumes payload bytes from `pos`; returns the new position. */
  private payload(bytes: Buffer, pos: number, from: FrameRef): number {
    const take = Math.min(this.remaining, bytes.length - pos);
    const raw = bytes.subarray(pos, pos + take);
    const out = this.masked ? unmask(raw, this.key, this.done & 3) : raw;
    this.done += take;
    this.remaining -= take;
    this.offset += take;
    if (this.opcode >= 8) {
      out.copy(this.ctl, this.ctlLen);
      this.ctlLen += take;
    } else if (take > 0) {
      this.ev.payload(out, from);
    }
    if (this.remaining === 0 && this.state === PAYLOAD) this.endFrame(from);
    return pos + take;
  }

  private endFrame(from: FrameRef): void {
    this.state = HEADER;
    if (this.opcode >= 8) {
      this.ev.control(this.opcode, this.ctl.subarray(0, this.ctlLen), from);
      return;
    }
    this.fragmented = !this.fin;
    this.ev.frameEnd(this.fin, from);
  }

  private note(detail: string, from: FrameRef): void {
    this.ev.diagnostic('ws-non-minimal-length', detail, from, this.frameStart);
  }

  private fail(detail: string, from: FrameRef): void {
    this.state = BROKEN;
    this.error = detail;
    this.ev.diagnostic('ws-protocol-error', detail, from, this.frameStart);
  }
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}
