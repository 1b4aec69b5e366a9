import { v8, vm } from '../util/builtins.js';

/**
 * New-space size (V8's `new_space` space_size) at which its growth is stopped. It doubles from 1 MiB; at 4 MiB the
 * check caught it only when it ran before the next doubling (test/cli/young-generation.test.ts), so a run held
 * 4 MiB or 8 MiB by chance: on a 200 MB capture 215 or 106 scavenges for `--json` (GC 120 or 92 ms), 137 or 70 for
 * `--ndjson`, 77 or 40 for `--summary`, the larger count in one run of two or three. Every run now holds 8 MiB,
 * the size most runs had: peak RSS on 1 GB as before (`--ndjson` 119-121 MB either way). At 16 MiB: 5-7 MB more,
 * in the same time.
 */
const YOUNG_GENERATION_BYTES = 8 * 1024 * 1024;

/** Old-generation growth between two full collections, when bounded: at most half again. */
const BOUNDED_GROWTH_PERCENT = 50;

/** Old-generation growth between two full collections while every record is drawn (drawingHeap). */
const DRAWING_GROWTH_PERCENT = 10;

/** V8's versions whose flags these functions set (those of Node 20 and 22). */
function knownV8(): boolean {
  const major = Number(process.versions.v8.split('.')[0]);
  return major === 11 || major === 12;
}

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
  /**
   * A full collection whenever the heap has grown by this factor over what the last one left (at least
   * BOUNDED_HEAP_BYTES; heldHeap). The model folds settled messages (--summary, --ndjson and -w into counts,
   * the outputs that show every record into records written ahead: model/message-fold.ts), so what it holds
   * stays about the same however long the capture: 1.5 keeps memory flat too. The live viewer, whose redraws
   * make the records of every session: 1.3.
   */
  boundHeap?: number;
  /**
   * Stop the young generation's growth at once, at the size it has (1-2 MiB: V8 may still take 1 to 2), instead
   * of at YOUNG_GENERATION_BYTES: the live viewer, which runs as long as its capture does. Measured on 1 GB
   * through a pipe, runs alternated: peak RSS 146-152 MB (median 146) against 151-156 (median 152), every packet
   * shown after 5.5-6.0 s against 5.3-5.6 s; about 1,250 short scavenges instead of 300 (GC time about the same:
   * the old generation fills more slowly with the redraws' garbage, and is collected less often).
   */
  holdYoungNow?: boolean;
}

/** The heap size below which boundHeap makes no collection. */
const BOUNDED_HEAP_BYTES = 56 * 1024 * 1024;

/**
 * The check boundHeap adds after each batch. Messages live a few seconds of capture time, long enough to be
 * promoted, and are then folded: what fills the old generation is garbage, and V8, which lets a small old
 * generation grow up to 4× what a full collection left, took `--summary` of the 4 GB capture to 214-230 MB
 * peak RSS while the model held 30-37 MB (heap snapshots); with --heap-growing-percent=50, 151-159 MB. Held
 * here: 129 MB (1 GB: 121), `--ndjson` 135 MB (1 GB: 120), about a dozen more full collections (25-35 ms each).
 * The live viewer reading 1 GB through a pipe (its model ~75 MB): 172-180 → 160-165 MB at 1.3, in the same time
 * (16 more full collections); 1.15 and 1.1 gave 157-159 MB and up to 15% more time.
 */
function heldHeap(growth: number): () => void {
  const { getHeapStatistics } = v8();
  const gc = exposedGc();
  if (gc === undefined) return () => undefined;
  let limit = BOUNDED_HEAP_BYTES;
  return () => {
    if (getHeapStatistics().used_heap_size < limit) return;
    gc();
    limit = Math.max(BOUNDED_HEAP_BYTES, Math.round(getHeapStatistics().used_heap_size * growth));
  };
}

/**
 * Holds V8's young generation at 8 MiB for the analysis (the live viewer's at its first size: holdYoungNow).
 * Frames in progress on hundreds of interleaved connections live across many packets, so objects keep surviving
 * scavenges: at the initial 1 MiB most of the GC time is copying them (15% of a 1 GB `--summary`), while V8's own
 * growth goes to 2 × 16 MiB of resident memory that holds little. Growth is let happen until the new space reaches
 * YOUNG_GENERATION_BYTES and is then stopped (`--semi-space-growth-factor=1`; the size limits themselves can only
 * be set when node starts). Measured on a 1 GB capture: GC 15% → 10% of `--summary` and 14% → 9% of `--ndjson`,
 * 10% faster, peak RSS within a few MB.
 * The flags exist in the V8 of Node 20 and 22; elsewhere nothing is changed (an unknown flag prints an error).
 *
 * Returns the check to call after each batch of packets (undefined when there is nothing to hold): V8 grows the
 * young generation during a burst of scavenges, so a check that waits for an event-loop turn (a GC observer)
 * stops it one or two doublings late, and by how much depends on the output's timing.
 */
export function tuneHeap(tuning: HeapTuning): (() => void) | undefined {
  if (!knownV8()) return undefined;
  const { getHeapSpaceStatistics, setFlagsFromString } = v8();
  // Read by V8 each time it sets the next limit, so it holds from the next full collection on.
  if (tuning.boundGrowth) setFlagsFromString(`--heap-growing-percent=${BOUNDED_GROWTH_PERCENT}`);
  let held = tuning.holdYoungNow === true;
  if (held) setFlagsFromString('--semi-space-growth-factor=1');
  const bound = tuning.boundHeap === undefined ? undefined : heldHeap(tuning.boundHeap);
  return () => {
    bound?.();
    if (held) return;
    const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    if (young !== undefined && young.space_size >= YOUNG_GENERATION_BYTES) {
      setFlagsFromString('--semi-space-growth-factor=1');
      held = true;
    }
  };
}

/**
 * Called once a large capture is read, before an output draws from every record (--ladder, --html) and before
 * the viewer of a file draws: what the drawing makes (one session's records at a time, the list's rows) is
 * promoted and dies soon after, and with the old generation let grow by half (tuneHeap) V8 collected it only
 * once the heap was half again the model's size. The growth is now held to DRAWING_GROWTH_PERCENT and a full
 * collection made at once, so the next limit follows from the model alone. Measured on a 1 GB capture (peak
 * RSS): --ladder 165-171 → 145-147 MB, --html 183 → 155-158 MB, the viewer 157 → 146-148 MB, in the same time
 * within the noise; on a 200 MB capture of 63,680 chat messages --ladder 299 → 237 MB and --html 337 → 277 MB
 * take 16-17% longer (more full collections while drawing). At 20%: 150 and 162 MB on 1 GB, 6-9% longer on chat.
 * Also called before the outputs that read back the records of a long capture written ahead (--json, --csv,
 * --extract: they are written among the held records, and what that makes dies young): --json of the 4 GB capture
 * 146-151 → 143-147 MB (its peak had been while writing), of the chat capture 161-162 → 147-150 MB, in the same time.
 */
export function drawingHeap(): void {
  if (!knownV8()) return;
  const { setFlagsFromString } = v8();
  setFlagsFromString(`--heap-growing-percent=${DRAWING_GROWTH_PERCENT}`);
  exposedGc()?.();
}

/** V8's gc(), there only with --expose-gc: set now, the flag exposes it in a context made after it. */
function exposedGc(): (() => void) | undefined {
  v8().setFlagsFromString('--expose-gc');
  const gc: unknown = vm().runInNewContext('gc');
  return typeof gc === 'function' ? (gc as () => void) : undefined;
}
