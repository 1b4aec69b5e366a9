/**
 * Values grouped by a number key, each group in list order: one array of all the values, laid out group after
 * group, and where each group's run starts. A Map of arrays grown by push holds an array per key with room for
 * 17 values after its second one; the viewer rebuilds its groupings at every redraw of a live capture (41,011
 * transactions of 1 GB grouped by 20,848 messages: 6.8 MB per index before, of which most was those arrays).
 */

/** Keys that are integers in [0, DENSE_SLACK + 4 × values) are looked up in a typed array; any other key in a Map. */
const DENSE_SLACK = 1024;

const NO_SLOT = -1;

export class Groups<T> {
  private constructor(
    /** Slot of each key below the dense limit (NO_SLOT: none). */
    private readonly dense: Int32Array,
    /** Slot of every other key. */
    private readonly sparse: Map<number, number> | undefined,
    /** Slot s holds items[starts[s] .. starts[s + 1]). */
    private readonly starts: Int32Array,
    /** The values, or when every one is a 32-bit integer (record ids) a typed array of them: half the size, off the heap. */
    private readonly items: readonly T[] | Int32Array,
    /** The key of each slot: slots are numbered in the order keys are first seen. */
    private readonly slotKeys: readonly number[],
  ) {}

  /** `value(x)` of each element of `list` whose `key(x)` is not null, grouped by that key. */
  static of<X, T>(list: readonly X[], key: (x: X) => number | null, value: (x: X) => T): Groups<T> {
    const n = list.length;
    const limit = DENSE_SLACK + 4 * n;
    const dense = new Int32Array(limit).fill(NO_SLOT);
    let sparse: Map<number, number> | undefined;
    const slotOf = new Int32Array(n);
    const counts: number[] = [];
    const slotKeys: number[] = [];
    for (let i = 0; i < n; i++) {
      const k = key(list[i] as X);
      if (k === null) {
        slotOf[i] = NO_SLOT;
        continue;
      }
      const isDense = Number.isInteger(k) && k >= 0 && k < limit;
      let slot = isDense ? (dense[k] as number) : (sparse?.get(k) ?? NO_SLOT);
      if (slot === NO_SLOT) {
        slot = counts.length;
        counts.push(0);
        slotKeys.push(k === 0 ? 0 : k); // -0 as +0, as a Map keeps it
        if (isDense) dense[k] = slot;
        else (sparse ??= new Map()).set(k, slot);
      }
      counts[slot]++;
      slotOf[i] = slot;
    }
    const starts = new Int32Array(counts.length + 1);
    for (let s = 0; s < counts.length; s++) starts[s + 1] = (starts[s] as number) + (counts[s] as number);
    const next = starts.slice(0, counts.length);
    const total = starts[counts.length] as number;
    let ints: Int32Array | undefined = new Int32Array(total);
    let items: T[] | undefined;
    for (let i = 0; i < n; i++) {
      const slot = slotOf[i] as number;
      if (slot === NO_SLOT) continue;
      const v = value(list[i] as X);
      const at = next[slot] as number;
      next[slot]++;
      if (ints !== undefined) {
        if (typeof v === 'number' && (v | 0) === v && !Object.is(v, -0)) {
          ints[at] = v;
          continue;
        }
        // A value of another kind: every value in an array (those already placed, then the rest).
        items = Array.from(ints) as T[];
        ints = undefined;
      }
      (items as T[])[at] = v;
    }
    // The typed array need only reach the largest key seen.
    let top = 0;
    for (const k of slotKeys) if (Number.isInteger(k) && k >= 0 && k < limit && k + 1 > top) top = k + 1;
    return new Groups(dense.slice(0, top), sparse, starts, ints ?? (items as T[]), slotKeys);
  }

  private slot(key: number): number {
    if (Number.isInteger(key) && key >= 0 && key < this.dense.length) return this.dense[key] as number;
    return this.sparse?.get(key) ?? NO_SLOT;
  }

  /** The values of a key in list order (a new array), undefined when it has none. */
  get(key: number): T[] | undefined {
    const s = this.slot(key);
    if (s === NO_SLOT) return undefined;
    const from = this.starts[s] as number;
    const to = this.starts[s + 1] as number;
    return this.items instanceof Int32Array ? (Array.from(this.items.subarray(from, to)) as T[]) : this.items.slice(from, to);
  }

  /** How many values a key has. */
  count(key: number): number {
    const s = this.slot(key);
    return s === NO_SLOT ? 0 : (this.starts[s + 1] as number) - (this.starts[s] as number);
  }

  /** The keys that have values, in the order they were first seen. */
  keys(): readonly number[] {
    return this.slotKeys;
  }
}
