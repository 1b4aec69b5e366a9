import { v8 } from '../util/builtins.js';

/** New-space size (V8's `new_space` space_size) at which its growth is stopped. */
const YOUNG_GENERATION_BYTES = 4 * 1024 * 1024;

/** Old-generation growth between two full collections, when bounded: at most half again. */
const BOUNDED_GROWTH_PERCENT = 50;

export interface HeapTuning {
  /**
   * Bound the old generation's growth between full collections (outputs that draw from every record after
   * reading: --ladder, --html). Their drawing makes one session's records at a time; what is alive when a
   * scavenge comes is promoted and dies soon after, and V8, which lets a small heap grow up to 4× before its
   * next full collection, let 1 GB of capture reach 283 MB (--ladder) and 304 MB (--html). At most 2×: 225 and
   * 227 MB in the same time; at most 1.5×: 188 and 191 MB, and 361/367 MB instead of 448/457 on a 200 MB
   * capture of 63,680 chat messages, where the runs take 13-15% longer (more full collections of a larger
   * heap). The streaming outputs gain nothing from it and are left as they are. The live viewer, which makes the
   * records of every session at each redraw, reads a 200 MB chat capture through a pipe in 343 MB instead of 457
   * (and the 1 GB one in 180 MB instead of 193); the viewer of a file gains nothing.
   */
  boundGrowth: boolean;
}

/**
 * Holds V8's young generation at a few MiB for the analysis. Frames in progress on hundreds of interleaved
 * connections live across many packets, so objects keep surviving scavenges: at the initial 1 MiB most of the GC
 * time is copying them (15% of a 1 GB `--summary`), while V8's own growth goes to 2 × 16 MiB of resident memory
 * that holds little. Growth is let happen until the new space reaches YOUNG_GENERATION_BYTES and is then stopped
 * (`--semi-space-growth-factor=1`; the size limits themselves can only be set when node starts). Measured on a
 * 1 GB capture: GC 15% → 10% of `--summary` and 14% → 9% of `--ndjson`, 10% faster, peak RSS within a few MB.
 * The flags exist in the V8 of Node 20 and 22; elsewhere nothing is changed (an unknown flag prints an error).
 *
 * Returns the check to call after each batch of packets (undefined when there is nothing to hold): V8 grows the
 * young generation during a burst of scavenges, so a check that waits for an event-loop turn (a GC observer)
 * stops it one or two doublings late, and by how much depends on the output's timing.
 */
export function tuneHeap(tuning: HeapTuning): (() => void) | undefined {
  const major = Number(process.versions.v8.split('.')[0]);
  if (major !== 11 && major !== 12) return undefined;
  const { getHeapSpaceStatistics, setFlagsFromString } = v8();
  // Read by V8 each time it sets the next limit, so it holds from the next full collection on.
  if (tuning.boundGrowth) setFlagsFromString(`--heap-growing-percent=${BOUNDED_GROWTH_PERCENT}`);
  let held = false;
  return () => {
    if (held) return;
    const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    if (young !== undefined && young.space_size >= YOUNG_GENERATION_BYTES) {
      setFlagsFromString('--semi-space-growth-factor=1');
      held = true;
    }
  };
}
