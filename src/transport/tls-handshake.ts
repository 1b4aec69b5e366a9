import type { FrameRef } from '../capture/types.js';

/** Handshake message types whose bodies are kept and parsed. */
export const HS_CLIENT_HELLO = 1;
export const HS_SERVER_HELLO = 2;
export const HS_CERTIFICATE = 11;
/** TLS 1.3 messages read from decrypted handshake records. */
export const HS_ENCRYPTED_EXTENSIONS = 8;
export const HS_FINISHED = 20;
export const HS_KEY_UPDATE = 24;

/** Bytes of a kept handshake message held at most (a longer one is parsed from its first bytes). */
export const MAX_HANDSHAKE_KEPT = 64 * 1024;

export type HandshakeHandler = (type: number, body: Buffer, truncated: boolean, from: FrameRef) => void;

/**
 * Reassembles handshake messages (4-byte header: type, 24-bit length) from the bodies of handshake records
 * of one direction: messages may span records and records may hold several messages. Only ClientHello,
 * ServerHello and Certificate bodies are kept (up to MAX_HANDSHAKE_KEPT bytes); others are skipped and
 * reported with an empty body.
 */
export class HandshakeReader {
  private readonly hdr = Buffer.alloc(4);
  private hdrLen = 0;
  private type = 0;
  /** Body bytes still to come. */
  private remaining = 0;
  private inBody = false;
  private keep: Buffer | undefined = undefined;
  private kept = 0;
  private truncated = false;

  constructor(private readonly onMessage: HandshakeHandler) {}

  push(bytes: Buffer, from: FrameRef): void {
    const n = bytes.length;
    let pos = 0;
    while (pos < n) {
      if (!this.inBody) {
        const take = Math.min(4 - this.hdrLen, n - pos);
        bytes.copy(this.hdr, this.hdrLen, pos, pos + take);
        this.hdrLen += take;
        pos += take;
        if (this.hdrLen < 4) continue;
        this.hdrLen = 0;
        this.type = this.hdr[0]!;
        this.remaining = this.hdr.readUIntBE(1, 3);
        this.inBody = true;
        const interesting =
          this.type === HS_CLIENT_HELLO || this.type === HS_SERVER_HELLO || this.type === HS_CERTIFICATE || this.type === HS_ENCRYPTED_EXTENSIONS;
        const size = interesting ? Math.min(this.remaining, MAX_HANDSHAKE_KEPT) : 0;
        this.keep = size > 0 ? Buffer.alloc(size) : undefined;
        this.kept = 0;
        this.truncated = interesting && this.remaining > MAX_HANDSHAKE_KEPT;
        if (this.remaining === 0) this.finish(from);
        continue;
      }
      const take = Math.min(this.remaining, n - pos);
      if (this.keep !== undefined && this.kept < this.keep.length) {
        const copy = Math.min(take, this.keep.length - this.kept);
        bytes.copy(this.keep, this.kept, pos, pos + copy);
        this.kept += copy;
      }
      this.remaining -= take;
      pos += take;
      if (this.remaining === 0) this.finish(from);
    }
  }

  private finish(from: FrameRef): void {
    this.inBody = false;
    const body = this.keep ?? Buffer.alloc(0);
    this.keep = undefined;
    this.onMessage(this.type, body, this.truncated, from);
  }
}
