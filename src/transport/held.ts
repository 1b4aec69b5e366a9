import type { FrameRef } from '../capture/types.js';
import type { Dir } from '../tcp/types.js';
import type { StreamSink } from './stage.js';

/** A data call (copied) or a gap, held while a stage decides what the stream carries. */
export interface HeldCall {
  dir: Dir;
  bytes: Buffer | undefined;
  gap: number;
  from: FrameRef;
}

/** Calls held in order, with their byte total (the bound callers check). */
export class HeldCalls {
  calls: HeldCall[] = [];
  bytes = 0;

  data(dir: Dir, bytes: Buffer, from: FrameRef): void {
    this.calls.push({ dir, bytes: Buffer.from(bytes), gap: 0, from });
    this.bytes += bytes.length;
  }

  /** Keeps a call taken out of another HeldCalls. */
  add(h: HeldCall): void {
    this.calls.push(h);
    this.bytes += h.bytes?.length ?? 0;
  }

  /** Takes every call out, in order. */
  take(): HeldCall[] {
    const calls = this.calls;
    this.calls = [];
    this.bytes = 0;
    return calls;
  }

  /** Copies the first bytes `dir` sent (held ones, then `more`) into `out`; returns how many. */
  firstBytes(dir: Dir, more: Buffer, out: Buffer): number {
    let n = 0;
    for (const h of this.calls) {
      if (h.dir !== dir || h.bytes === undefined || n >= out.length) continue;
      n += h.bytes.copy(out, n, 0, Math.min(h.bytes.length, out.length - n));
    }
    if (n < out.length) n += more.copy(out, n, 0, Math.min(more.length, out.length - n));
    return n;
  }
}

/** Replays one held call into a sink. */
export function replay(sink: StreamSink, h: HeldCall): void {
  if (h.bytes !== undefined) sink.data(h.dir, h.bytes, h.from);
  else sink.gap(h.dir, h.gap, h.from);
}
