/**
 * Round-trip times (ms, to the microsecond: TransactionTally rounds them so) as the summary's percentiles need
 * them: every one, in 4 bytes as whole microseconds in chunks of an Int32Array, not 8 in an array grown by
 * doubling. A time that is not a whole number of microseconds, or lies beyond ±35 minutes, is kept as it is.
 */

/** Entries of the largest chunk (the first ones are smaller: most groups hold few times). */
const CHUNK = 4096;
const FIRST_CHUNK = 16;
const INT32_MAX = 2 ** 31 - 1;

export class RttList {
  private readonly chunks: Int32Array[] = [];
  /** Entries used in the last chunk. */
  private used = 0;
  /** Times not kept as microseconds. */
  private others: number[] | undefined;
  /** Times pushed. */
  length = 0;

  push(ms: number): void {
    const us = Math.round(ms * 1000);
    if (us / 1000 === ms && Math.abs(us) <= INT32_MAX) {
      let last = this.chunks[this.chunks.length - 1];
      if (last === undefined || this.used === last.length) {
        last = new Int32Array(this.chunks.length >= 8 ? CHUNK : Math.min(CHUNK, FIRST_CHUNK << this.chunks.length));
        this.chunks.push(last);
        this.used = 0;
      }
      last[this.used++] = us;
    } else (this.others ??= []).push(ms);
    this.length++;
  }

  /** Every time pushed, in a new array: those kept as microseconds in the order they came, then the others. */
  values(): number[] {
    const out = new Array<number>(this.length);
    let n = 0;
    this.chunks.forEach((c, i) => {
      const used = i === this.chunks.length - 1 ? this.used : c.length;
      for (let j = 0; j < used; j++) out[n++] = (c[j] as number) / 1000;
    });
    for (const ms of this.others ?? []) out[n++] = ms;
    return out;
  }
}
