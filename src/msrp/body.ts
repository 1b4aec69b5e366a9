import type { Hash } from 'node:crypto';
import { crypto } from '../util/builtins.js';
import type { FrameRef } from '../capture/types.js';
import { CR, CR_BUF } from './bytes.js';

/** Where body slices go (the parser's sink.body, bound to nothing else). */
export type BodySliceSink = (slice: Buffer, from: FrameRef) => void;

/**
 * Accumulates what the parser knows about one body without keeping it: length, bounded preview,
 * optional incremental sha256. A trailing CR is held back until the next bytes show whether it is the
 * CR of the end-line's CRLF (then it is dropped) or body content (then it is released first).
 */
export class BodyAccumulator {
  length = 0;
  private heldCR = false;
  private heldRef: FrameRef | undefined;
  private readonly preview: Buffer;
  private previewLen = 0;
  private hash: Hash | undefined;

  constructor(
    private readonly previewBytes: number,
    private readonly hashBodies: boolean,
    private readonly onSlice: BodySliceSink | undefined,
  ) {
    this.preview = Buffer.allocUnsafe(previewBytes);
  }

  reset(): void {
    this.length = 0;
    this.heldCR = false;
    this.heldRef = undefined;
    this.previewLen = 0;
    this.hash = this.hashBodies ? crypto().createHash('sha256') : undefined;
  }

  /** Releases buf[s..e) as body bytes (a view is handed up), holding back a final CR. */
  release(buf: Buffer, s: number, e: number, from: FrameRef): void {
    if (e <= s) return;
    if (this.heldCR) {
      this.heldCR = false;
      this.emit(CR_BUF, this.heldRef ?? from);
    }
    if (buf[e - 1] === CR) {
      e--;
      this.heldCR = true;
      this.heldRef = from;
    }
    if (e > s) this.emit(s === 0 && e === buf.length ? buf : buf.subarray(s, e), from);
  }

  /** The end-line was found right after the released bytes: a held CR was its CR. */
  dropHeldCR(): void {
    this.heldCR = false;
    this.heldRef = undefined;
  }

  /** The body ended without end-line (truncation): a held CR is content. */
  flushHeldCR(): void {
    if (this.heldCR) {
      this.heldCR = false;
      this.emit(CR_BUF, this.heldRef!);
    }
  }

  previewCopy(): Buffer {
    if (this.previewLen === 0) return EMPTY;
    return Buffer.from(this.preview.subarray(0, this.previewLen));
  }

  digest(): string | undefined {
    if (!this.hash) return undefined;
    const d = this.hash.digest('hex');
    this.hash = undefined;
    return d;
  }

  private emit(slice: Buffer, from: FrameRef): void {
    this.length += slice.length;
    if (this.previewLen < this.previewBytes) {
      this.previewLen += slice.copy(this.preview, this.previewLen, 0, Math.min(slice.length, this.previewBytes - this.previewLen));
    }
    if (this.hash) this.hash.update(slice);
    if (this.onSlice) this.onSlice(slice, from);
  }
}

const EMPTY: Buffer = Buffer.alloc(0);
