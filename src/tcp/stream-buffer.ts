import type { FrameRef } from '../capture/types.js';

/**
 * A run of stream bytes from one frame, held while a hole before it is open. `bytes` is a view of the
 * segment's payload, or a copy when the payload is a small part of a large buffer (see own()).
 */
export interface Piece {
  /** Absolute stream offset of bytes[0]. */
  start: number;
  /** start + bytes.length. */
  end: number;
  bytes: Buffer;
  from: FrameRef;
}

export interface InsertResult {
  /** Bytes that were new (not already held); 0 means the segment was entirely a duplicate. */
  added: number;
  /** Stream offset of the first overlapping sub-range whose bytes differed from the held ones, or -1. */
  conflictAt: number;
}

/**
 * Out-of-order data of one direction: non-overlapping pieces sorted by offset. "First data wins": an insert
 * keeps every byte already held and adds only the uncovered sub-ranges of the new segment (views, see own()).
 * Overlapping sub-ranges are compared with Buffer.compare (no byte loops).
 *
 * The pieces live in an array with a moving head index (removal from the front is O(1)); appends beyond the
 * last piece (the usual case: data keeps arriving in order after one hole) are O(1), other inserts cost a
 * binary search and a splice.
 */
export class StreamBuffer {
  private pieces: Piece[] = [];
  private head = 0;
  /** Sum of the held pieces' lengths. */
  bytes = 0;

  get empty(): boolean {
    return this.head === this.pieces.length;
  }

  get count(): number {
    return this.pieces.length - this.head;
  }

  /** The lowest piece, or undefined when empty. */
  first(): Piece | undefined {
    return this.head < this.pieces.length ? this.pieces[this.head] : undefined;
  }

  /** Removes and returns the lowest piece. */
  shift(): Piece | undefined {
    if (this.head >= this.pieces.length) return undefined;
    const p = this.pieces[this.head]!;
    this.head++;
    this.bytes -= p.bytes.length;
    if (this.head === this.pieces.length) {
      this.pieces = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.pieces.length) {
      this.pieces = this.pieces.slice(this.head);
      this.head = 0;
    }
    return p;
  }

  /** Drops every byte at or beyond `offset`; returns how many were dropped. */
  truncate(offset: number): number {
    let dropped = 0;
    while (this.pieces.length > this.head) {
      const last = this.pieces[this.pieces.length - 1]!;
      if (last.end <= offset) break;
      if (last.start >= offset) {
        this.pieces.pop();
        dropped += last.bytes.length;
      } else {
        const keep = offset - last.start;
        dropped += last.bytes.length - keep;
        last.bytes = last.bytes.subarray(0, keep);
        last.end = offset;
      }
    }
    this.bytes -= dropped;
    if (this.head === this.pieces.length) {
      this.pieces = [];
      this.head = 0;
    }
    return dropped;
  }

  /** Releases everything (the caller accounts for the bytes). */
  clear(): void {
    this.pieces = [];
    this.head = 0;
    this.bytes = 0;
  }

  /** Index of the first piece whose end is beyond `offset`. */
  private lowerBound(offset: number): number {
    const ps = this.pieces;
    let lo = this.head;
    let hi = ps.length;
    if (hi === lo || ps[hi - 1]!.end <= offset) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ps[mid]!.end <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds the parts of [start, start + bytes.length) not already held. `bytes` must not be empty. */
  insert(start: number, bytes: Buffer, from: FrameRef): InsertResult {
    const end = start + bytes.length;
    const ps = this.pieces;
    let i = this.lowerBound(start);
    if (i === ps.length) {
      ps.push({ start, end, bytes: own(bytes), from });
      this.bytes += bytes.length;
      return { added: bytes.length, conflictAt: -1 };
    }
    let cur = start;
    let added = 0;
    let conflictAt = -1;
    while (cur < end && i < ps.length) {
      const p = ps[i]!;
      if (p.start >= end) break;
      if (p.start > cur) {
        ps.splice(i, 0, { start: cur, end: p.start, bytes: own(bytes.subarray(cur - start, p.start - start)), from });
        added += p.start - cur;
        i++;
      }
      const os = cur > p.start ? cur : p.start;
      const oe = end < p.end ? end : p.end;
      if (conflictAt < 0 && oe > os) {
        const mine = bytes.subarray(os - start, oe - start);
        const theirs = p.bytes.subarray(os - p.start, oe - p.start);
        if (Buffer.compare(mine, theirs) !== 0) conflictAt = os;
      }
      cur = p.end > cur ? p.end : cur;
      i++;
    }
    if (cur < end) {
      ps.splice(i, 0, { start: cur, end, bytes: own(bytes.subarray(cur - start)), from });
      added += end - cur;
    }
    this.bytes += added;
    return { added, conflictAt };
  }
}

/**
 * `b` itself when its memory is small (at most the Buffer pool size, or 4 times the bytes it views), else a
 * copy in an ArrayBuffer of its own: a view into the capture reader's 256 KiB chunk would keep the whole
 * chunk alive for as long as the piece is held (one held byte per chunk would pin the entire capture).
 */
export function own(b: Buffer): Buffer {
  if (b.buffer.byteLength <= Math.max(Buffer.poolSize, 4 * b.length)) return b;
  const out = Buffer.allocUnsafeSlow(b.length);
  b.copy(out);
  return out;
}
