/** Entries of the connection table carry their own recency stamps. */
export interface TableEntry {
  /** Clock value of the last packet. */
  touched: number;
  /** Clock value when the entry was (re)queued at the tail of the table. */
  queued: number;
}

/**
 * Connections by 4-tuple key, with least-recently-active eviction. A touch only stamps the entry; eviction
 * takes entries from the head of an insertion-order queue, giving touched ones a second chance (re-queued at
 * the tail). The queue is an array with a moving head and lazily skipped stale items (deleted or re-queued
 * entries), not the Map's own order: taking the first key of a Map after many deletions walks over every
 * deleted slot (V8 keeps them until it rehashes), which made each eviction cost the table's size.
 * Every operation is amortised O(1); the queue is compacted when stale items outnumber live ones.
 */
export class ConnectionTable<T extends TableEntry> {
  private readonly map = new Map<string, T>();
  private clock = 0;
  private qKeys: string[] = [];
  private qEntries: T[] = [];
  private qStamps: number[] = [];
  private head = 0;

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
    this.map.set(key, entry);
    this.enqueue(key, entry);
  }

  touch(entry: T): void {
    entry.touched = ++this.clock;
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  /** Removes and returns the entry idle the longest, or undefined when the table is empty. */
  evictIdlest(): T | undefined {
    while (this.head < this.qKeys.length) {
      const i = this.head++;
      const key = this.qKeys[i]!;
      const entry = this.qEntries[i]!;
      const stamp = this.qStamps[i]!;
      if (entry.queued !== stamp || this.map.get(key) !== entry) continue;
      if (entry.touched > entry.queued) {
        entry.queued = ++this.clock;
        this.enqueue(key, entry);
        continue;
      }
      this.map.delete(key);
      this.compact();
      return entry;
    }
    this.compact();
    return undefined;
  }

  /** Items in the eviction queue, stale ones included (kept O(live entries) by compaction). */
  get queued(): number {
    return this.qKeys.length - this.head;
  }

  values(): IterableIterator<T> {
    return this.map.values();
  }

  clear(): void {
    this.map.clear();
    this.qKeys = [];
    this.qEntries = [];
    this.qStamps = [];
    this.head = 0;
  }

  private enqueue(key: string, entry: T): void {
    this.qKeys.push(key);
    this.qEntries.push(entry);
    this.qStamps.push(entry.queued);
    if (this.qKeys.length - this.head > 2 * this.map.size + 1024) this.compact(true);
  }

  /** Drops the consumed head (and, when `stale`, every stale item) so the queue stays O(live entries). */
  private compact(stale = false): void {
    const n = this.qKeys.length;
    if (!stale && (this.head < 1024 || this.head * 2 < n)) return;
    const keys: string[] = [];
    const entries: T[] = [];
    const stamps: number[] = [];
    for (let i = this.head; i < n; i++) {
      const key = this.qKeys[i]!;
      const entry = this.qEntries[i]!;
      const stamp = this.qStamps[i]!;
      if (stale && (entry.queued !== stamp || this.map.get(key) !== entry)) continue;
      keys.push(key);
      entries.push(entry);
      stamps.push(stamp);
    }
    this.qKeys = keys;
    this.qEntries = entries;
    this.qStamps = stamps;
    this.head = 0;
  }
}

/** Canonical key of a 4-tuple: the same for both directions. */
export function tupleKey(src: string, srcPort: number, dst: string, dstPort: number): string {
  return src < dst || (src === dst && srcPort <= dstPort)
    ? `${src} ${srcPort} ${dst} ${dstPort}`
    : `${dst} ${dstPort} ${src} ${srcPort}`;
}
