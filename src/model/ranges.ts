/**
 * A set of inclusive byte positions kept as sorted, merged intervals. In-order data extends the last
 * interval in O(1); out-of-order data costs a binary search. The number of disjoint intervals is capped so
 * hostile input cannot grow it without bound: past the cap, new disjoint intervals are dropped and
 * `overflowed` is set (coverage is then under-reported, never over-reported).
 */
export class RangeSet {
  // Most sets hold one interval for their whole life: it is kept in s0/e0 (empty while e0 < s0), and the
  // arrays are made only when a second disjoint interval comes (they then hold every interval).
  private s0 = 0;
  private e0 = -1;
  private starts: number[] | undefined;
  private ends: number[] | undefined;
  /** Number of distinct positions covered. */
  covered = 0;
  /** Positions added that were already covered. */
  overlapBytes = 0;
  overflowed = false;

  constructor(private readonly maxIntervals = 4096) {}

  get intervalCount(): number {
    return this.starts !== undefined ? this.starts.length : this.e0 >= this.s0 ? 1 : 0;
  }

  /** The intervals as arrays (fresh ones for an empty or single-interval set: for reading only). */
  private lists(): { starts: number[]; ends: number[] } {
    if (this.starts !== undefined && this.ends !== undefined) return { starts: this.starts, ends: this.ends };
    return this.e0 >= this.s0 ? { starts: [this.s0], ends: [this.e0] } : { starts: [], ends: [] };
  }

  /** Adds [start, end] (inclusive); ignored when end < start. Returns the count of newly covered positions. */
  add(start: number, end: number): number {
    if (!(end >= start)) return 0;
    const len = end - start + 1;
    if (this.starts === undefined) {
      if (this.e0 < this.s0) {
        this.s0 = start;
        this.e0 = end;
        this.covered += len;
        return len;
      }
      if (start === this.e0 + 1) {
        this.e0 = end;
        this.covered += len;
        return len;
      }
      if (start > this.e0 + 1 && 1 >= this.maxIntervals) {
        this.overflowed = true;
        return 0;
      }
      this.starts = [this.s0];
      this.ends = [this.e0];
    }
    return this.addToLists(start, end, len, this.starts, this.ends ?? []);
  }

  private addToLists(start: number, end: number, len: number, starts: number[], ends: number[]): number {
    const n = starts.length;
    const lastEnd = ends[n - 1] as number;
    if (start === lastEnd + 1) {
      ends[n - 1] = end;
      this.covered += len;
      return len;
    }
    if (start > lastEnd + 1) {
      if (n >= this.maxIntervals) {
        this.overflowed = true;
        return 0;
      }
      starts.push(start);
      ends.push(end);
      this.covered += len;
      return len;
    }
    // General case: find the first interval whose end >= start - 1 (it may touch or overlap).
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ends[mid] as number) < start - 1) lo = mid + 1;
      else hi = mid;
    }
    const first = lo;
    let last = first;
    let overlap = 0;
    let newStart = start;
    let newEnd = end;
    while (last < n && (starts[last] as number) <= end + 1) {
      const s = starts[last] as number;
      const e = ends[last] as number;
      const os = Math.max(s, start);
      const oe = Math.min(e, end);
      if (oe >= os) overlap += oe - os + 1;
      if (s < newStart) newStart = s;
      if (e > newEnd) newEnd = e;
      last++;
    }
    if (last === first && n >= this.maxIntervals) {
      this.overflowed = true;
      return 0;
    }
    const removed = last - first;
    let removedLen = 0;
    for (let i = first; i < last; i++) removedLen += (ends[i] as number) - (starts[i] as number) + 1;
    starts.splice(first, removed, newStart);
    ends.splice(first, removed, newEnd);
    const added = newEnd - newStart + 1 - removedLen;
    this.covered += added;
    this.overlapBytes += overlap;
    return added;
  }

  /** True when every position in [from, to] is covered (true for an empty span). */
  coversAll(from: number, to: number): boolean {
    if (to < from) return true;
    if (this.starts === undefined || this.ends === undefined) return this.s0 <= from && this.e0 >= to;
    const i = this.indexAtOrAfter(from, this.ends);
    if (i >= this.starts.length) return false;
    return (this.starts[i] as number) <= from && (this.ends[i] as number) >= to;
  }

  /** Covered intervals as [start, end] pairs (a copy). */
  intervals(): Array<[number, number]> {
    const { starts, ends } = this.lists();
    const out: Array<[number, number]> = [];
    for (let i = 0; i < starts.length; i++) out.push([starts[i] as number, ends[i] as number]);
    return out;
  }

  /** Uncovered intervals inside [from, to]. */
  holes(from: number, to: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    if (to < from) return out;
    const { starts, ends } = this.lists();
    let pos = from;
    for (let i = this.indexAtOrAfter(from, ends); i < starts.length && pos <= to; i++) {
      const s = starts[i] as number;
      const e = ends[i] as number;
      if (s > pos) out.push([pos, Math.min(s - 1, to)]);
      pos = Math.max(pos, e + 1);
    }
    if (pos <= to) out.push([pos, to]);
    return out;
  }

  /** Parts of [start, end] that are not covered yet (for keeping each byte once). */
  uncovered(start: number, end: number): Array<[number, number]> {
    return this.holes(start, end);
  }

  /** Index of the first interval whose end >= pos. */
  private indexAtOrAfter(pos: number, ends: readonly number[]): number {
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ends[mid] as number) < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
