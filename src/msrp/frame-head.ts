/**
 * The first bytes of the frame being parsed (its start-line and header block as received), so that a frame
 * cut before its end-line can be shown as it was on the wire. Bounded: at most `max` bytes, in one buffer
 * per parser that grows on demand and is reused from frame to frame.
 *
 * Copying is deferred: lines that follow each other in the same buffer are only noted (view()), and copied
 * by flush() — which the parser calls when a push ends inside a message, or when the message is cut. A frame
 * that starts and ends within one push (the common case) is never copied.
 */
export class FrameHead {
  private buf: Buffer | undefined;
  private len = 0;
  /** Bytes offered since reset(), kept or not. */
  total = 0;
  /** Noted, not yet copied: pending[from..to). */
  private pending: Buffer | undefined;
  private from = 0;
  private to = 0;

  constructor(private readonly max: number) {}

  /** A new frame: what was kept or noted is dropped. */
  reset(): void {
    this.len = 0;
    this.total = 0;
    this.pending = undefined;
  }

  /** Notes src[s..e) as the next bytes of the frame; src must stay unchanged until flush() or reset(). */
  view(src: Buffer, s: number, e: number): void {
    if (e <= s) return;
    this.total += e - s;
    if (this.pending === src && this.to === s) {
      this.to = e;
      return;
    }
    this.flush();
    this.pending = src;
    this.from = s;
    this.to = e;
  }

  /** Appends a copy of src[s..e) at once. */
  add(src: Buffer, s: number, e: number): void {
    if (e <= s) return;
    this.flush();
    this.total += e - s;
    this.copyIn(src, s, e);
  }

  /** Copies what was noted (as far as the bound allows) and lets go of its buffer. */
  flush(): void {
    const p = this.pending;
    if (p === undefined) return;
    this.pending = undefined;
    this.copyIn(p, this.from, this.to);
  }

  /** A copy of the bytes kept (call flush() first). */
  copy(): Buffer {
    this.flush();
    return this.buf === undefined || this.len === 0 ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(0, this.len));
  }

  /** Frees the buffer (the stream ended). */
  release(): void {
    this.buf = undefined;
    this.reset();
  }

  private copyIn(src: Buffer, s: number, e: number): void {
    const k = Math.min(e - s, this.max - this.len);
    if (k <= 0) return;
    let b = this.buf;
    if (b === undefined || b.length < this.len + k) b = this.grow(this.len + k);
    src.copy(b, this.len, s, s + k);
    this.len += k;
  }

  private grow(need: number): Buffer {
    const size = Math.min(this.max, Math.max(need, 2 * (this.buf?.length ?? 0), 256));
    // Not from node's 8 KiB pool: a parser keeps its buffer while its connection lives, and a pooled one would
    // keep the whole 8 KiB block it was cut from (hundreds of open connections, megabytes).
    const b = Buffer.allocUnsafeSlow(size);
    if (this.buf !== undefined && this.len > 0) this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
    return b;
  }
}
