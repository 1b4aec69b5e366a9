import type { FrameRef } from '../capture/types.js';

/** TLS record content types (RFC 8446 section 5.1, RFC 6520 heartbeat). */
export const TLS_CHANGE_CIPHER_SPEC = 20;
export const TLS_ALERT = 21;
export const TLS_HANDSHAKE = 22;
export const TLS_APPLICATION_DATA = 23;
export const TLS_HEARTBEAT = 24;

/** Largest record length accepted: 2^14 plus the largest expansion a TLS 1.2 cipher may add (RFC 5246 6.2.3). */
export const TLS_MAX_RECORD = 16384 + 2048;

export interface TlsRecordEvents {
  /** A record header was read: content type, record version, body length. */
  record(type: number, version: number, length: number, from: FrameRef): void;
  /** Bytes of the current record's body, in order (views of the input). */
  fragment(bytes: Buffer, from: FrameRef): void;
  /** The current record's body ended. */
  recordEnd(from: FrameRef): void;
  /** Bytes that are not a record header: framing stops (offset = stream offset of the header). */
  bad(detail: string, from: FrameRef, offset: number): void;
}

const HEADER = 0;
const BODY = 1;
const UNFRAMED = 2;

/**
 * Incremental TLS record framing for one direction: a 5-byte header carry, bodies streamed as views.
 * Any split of the stream gives the same events (modulo how bodies are cut into fragments).
 */
export class TlsRecordReader {
  private state = HEADER;
  private readonly hdr = Buffer.alloc(5);
  private hdrLen = 0;
  private remaining = 0;
  private hdrStart = 0;
  /** Stream offset of the next byte. */
  offset = 0;

  constructor(private readonly ev: TlsRecordEvents) {}

  /** Framing was lost (a bad header or breakOff). */
  get unframed(): boolean {
    return this.state === UNFRAMED;
  }

  /** Inside a record (header or body partly read). */
  get midRecord(): boolean {
    return this.state === BODY || (this.state === HEADER && this.hdrLen > 0);
  }

  /** Stops framing: the rest of the stream is only counted (after a gap, or when the stream start was not a record). */
  breakOff(): void {
    this.state = UNFRAMED;
  }

  push(bytes: Buffer, from: FrameRef): void {
    const n = bytes.length;
    let pos = 0;
    while (pos < n) {
      if (this.state === UNFRAMED) {
        this.offset += n - pos;
        return;
      }
      if (this.state === BODY) {
        const take = Math.min(this.remaining, n - pos);
        this.remaining -= take;
        this.offset += take;
        this.ev.fragment(bytes.subarray(pos, pos + take), from);
        pos += take;
        if (this.remaining === 0 && this.state === BODY) {
          this.state = HEADER;
          this.ev.recordEnd(from);
        }
        continue;
      }
      let h: Buffer;
      let at: number;
      if (this.hdrLen === 0) this.hdrStart = this.offset;
      if (this.hdrLen === 0 && n - pos >= 5) {
        h = bytes;
        at = pos;
        pos += 5;
        this.offset += 5;
      } else {
        const take = Math.min(5 - this.hdrLen, n - pos);
        bytes.copy(this.hdr, this.hdrLen, pos, pos + take);
        this.hdrLen += take;
        pos += take;
        this.offset += take;
        if (this.hdrLen < 5) continue;
        this.hdrLen = 0;
        h = this.hdr;
        at = 0;
      }
      const type = h[at]!;
      const version = h.readUInt16BE(at + 1);
      const length = h.readUInt16BE(at + 3);
      const start = this.hdrStart;
      if (type < TLS_CHANGE_CIPHER_SPEC || type > TLS_HEARTBEAT || version >> 8 !== 3 || (version & 0xff) > 4 || length > TLS_MAX_RECORD) {
        this.state = UNFRAMED;
        const hex = h.toString('hex', at, at + 5);
        this.ev.bad(`not a TLS record header: ${hex}`, from, start);
        continue;
      }
      this.remaining = length;
      this.ev.record(type, version, length, from);
      if (this.state !== HEADER) continue;
      if (length === 0) {
        this.ev.recordEnd(from);
      } else {
        this.state = BODY;
      }
    }
  }
}
