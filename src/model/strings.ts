/**
 * Strings kept for the life of the model: interned when they repeat (URIs, content types), copied when
 * they are unique, so a kept value never holds on to the larger header block V8 sliced it from.
 */

const SLICE_MIN = 13;

/** A flat copy of `s` that shares no memory with a parent string. */
export function ownString(s: string): string {
  return s.length < SLICE_MIN ? s : Buffer.from(s, 'utf16le').toString('utf16le');
}

/** Bounded interning of repeated values: past `max` distinct values new ones are only copied. */
export class Interner {
  private readonly table = new Map<string, string>();

  constructor(private readonly max = 4096) {}

  intern(s: string): string {
    const hit = this.table.get(s);
    if (hit !== undefined) return hit;
    const own = ownString(s);
    if (this.table.size < this.max) this.table.set(own, own);
    return own;
  }
}
