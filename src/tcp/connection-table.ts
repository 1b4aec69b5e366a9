/** Entries of the connection table carry their own recency stamps. */
export interface TableEntry {
  /** Clock value of the last packet. */
  touched: number;
  /** Clock value when the entry was (re)queued at the tail of the table. */
  queued: number;
}

/**
 * Open connections by 4-tuple key, with least-recently-active eviction. A Map keeps insertion order; a touch
 * only stamps the entry (no re-insertion per packet), and eviction scans from the head giving touched entries
 * a second chance (moved to the tail), so every operation is amortised O(1).
 */
export class ConnectionTable<T extends TableEntry> {
  private readonly map = new Map<string, T>();
  private clock = 0;

  get size(): number {
    return this.map.size;
  }

  get(key: string): T | undefined {
    return this.map.get(key);
  }

  add(key: string, entry: T): void {
    this.clock++;
    entry.touched = this.clock;
    entry.queued = this.clock;
    this.map.delete(key);
    this.map.set(key, entry);
  }

  touch(entry: T): void {
    entry.touched = ++this.clock;
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  /** Removes and returns the entry idle the longest, or undefined when the table is empty. */
  evictIdlest(): T | undefined {
    for (;;) {
      const it = this.map.entries().next();
      if (it.done === true) return undefined;
      const [key, entry] = it.value;
      this.map.delete(key);
      if (entry.touched > entry.queued) {
        entry.queued = ++this.clock;
        this.map.set(key, entry);
        continue;
      }
      return entry;
    }
  }

  values(): IterableIterator<T> {
    return this.map.values();
  }

  clear(): void {
    this.map.clear();
  }
}

/** Canonical key of a 4-tuple: the same for both directions. */
export function tupleKey(src: string, srcPort: number, dst: string, dstPort: number): string {
  return src < dst || (src === dst && srcPort <= dstPort)
    ? `${src} ${srcPort} ${dst} ${dstPort}`
    : `${dst} ${dstPort} ${src} ${srcPort}`;
}
