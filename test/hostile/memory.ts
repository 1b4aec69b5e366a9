/**
 * Memory measurement for the bound tests: a forced GC (exposed at run time through V8 flags, so no special
 * command line is needed) before reading heapUsed + arrayBuffers, and a sampler for the peak during a run.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gcFn = runInNewContext('gc') as () => void;

export function gc(): void {
  gcFn();
  gcFn();
}

/** JS heap plus Buffer / ArrayBuffer memory, in bytes. */
export function used(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export class MemoryProbe {
  readonly base: number;
  peak = 0;

  constructor() {
    gc();
    this.base = used();
  }

  /** Samples the current use (call now and then inside the loop). */
  sample(): void {
    const u = used() - this.base;
    if (u > this.peak) this.peak = u;
  }

  /** Growth over the base after a full GC (what is really retained). */
  retained(): number {
    gc();
    const u = used() - this.base;
    if (u > this.peak) this.peak = u;
    return u;
  }
}

export const MiB = 1024 * 1024;
