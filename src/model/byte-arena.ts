/**
 * Small byte strings kept for a model's lifetime (message previews), copied side by side into slabs of
 * their own. One ArrayBuffer per kept value costs far more than the value (allocation, bookkeeping, GC
 * work); a slab holds only kept copies, so nothing retained pins a pooled or capture-sized buffer.
 */
const SLAB_BYTES = 64 * 1024;
/** Values larger than this get a buffer of their own (a slab is not split for them). */
const MAX_SHARED = 4096;

const EMPTY: Buffer = Buffer.alloc(0);

export class ByteArena {
  private slab: Buffer = EMPTY;
  private used = 0;

  /** A copy of the first `max` bytes of `b` (all of it by default). */
  copy(b: Uint8Array, max = b.length): Buffer {
    const n = Math.max(0, Math.min(b.length, max));
    if (n === 0) return EMPTY;
    if (n > MAX_SHARED) {
      const own = Buffer.allocUnsafeSlow(n);
      own.set(b.subarray(0, n), 0);
      return own;
    }
    if (this.used + n > this.slab.length) {
      this.slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.used = 0;
    }
    const out = this.slab.subarray(this.used, this.used + n);
    out.set(b.subarray(0, n), 0);
    this.used += n;
    return out;
  }
}
