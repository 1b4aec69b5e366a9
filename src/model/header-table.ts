import type { RawHeader } from '../msrp/types.js';

/** Header names whose values are unique per message: sharing them would only fill the table. */
const UNIQUE = new Set(['message-id']);

function sameHeader(a: RawHeader | undefined, b: RawHeader): boolean {
  return a !== undefined && a.name === b.name && a.value === b.value;
}

/**
 * The header lists of retained transactions, kept compact: each list is copied into an array of its exact
 * length (the parser's grows by push and has spare capacity), and a header that repeats (the paths of a
 * session, Content-Type, Status, report flags ...) is one shared object. Memory then follows the distinct
 * values, not the frames. Shared headers are never modified (RawHeader is read-only to every consumer).
 * Bounded: past `max` distinct values the table starts over (lists kept so far stay as they are).
 */
export class HeaderTable {
  /** Values by header name (as sent); null for names whose values are not shared. */
  private readonly byName = new Map<string, Map<string, RawHeader> | null>();
  private entries = 0;

  constructor(private readonly max = 16_384) {}

  /**
   * The list to keep for `headers`. `prev` is the list kept last on the same direction of the connection:
   * its headers usually repeat at the same positions (every frame one way carries the same To-Path and
   * From-Path), and comparing with them costs no hashing.
   */
  keep(headers: readonly RawHeader[], prev?: RawHeader[]): RawHeader[] {
    // The same list as last time (a connection's responses one way: the same To-Path and From-Path): that list.
    if (prev !== undefined && prev.length === headers.length && headers.every((h, i) => sameHeader(prev[i], h))) return prev;
    return headers.map((h, i) => {
      const p = prev?.[i];
      return p !== undefined && sameHeader(p, h) ? p : this.one(h);
    });
  }

  private one(h: RawHeader): RawHeader {
    if (this.entries >= this.max) this.clear();
    let byValue = this.byName.get(h.name);
    if (byValue === undefined) {
      byValue = UNIQUE.has(h.name.toLowerCase()) ? null : new Map<string, RawHeader>();
      this.byName.set(h.name, byValue);
      this.entries++;
    }
    if (byValue === null) return h;
    const hit = byValue.get(h.value);
    if (hit !== undefined) return hit;
    byValue.set(h.value, h);
    this.entries++;
    return h;
  }

  private clear(): void {
    this.byName.clear();
    this.entries = 0;
  }
}
