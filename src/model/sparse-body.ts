import { crypto } from '../util/builtins.js';
import { RangeSet } from './ranges.js';

export interface Piece {
  /** 1-based position of data[0] in the message body. */
  start: number;
  data: Buffer;
}

/**
 * Where a kept body's bytes go: in memory (MemoryStore, the default), or where the caller keeps them (the
 * extraction's files, export/extract-store.ts), so that a large capture's bodies need not be held.
 */
export interface BodyStore {
  /** Keeps `data` (only valid during the call: copy it), whose first byte is at body position `start`. Each position comes once. */
  put(start: number, data: Buffer): void;
  /** The kept bytes of the positions `coverage` holds, in position order. */
  list(coverage: RangeSet): Iterable<Readonly<Piece>>;
}

export type BodyStoreFactory = () => BodyStore;

/** A body's bytes as copies in memory, one per piece stored. */
export class MemoryStore implements BodyStore {
  private readonly pieces: Piece[] = [];
  private sorted = true;

  put(start: number, data: Buffer): void {
    const copy = Buffer.allocUnsafe(data.length);
    copy.set(data, 0);
    const last = this.pieces[this.pieces.length - 1];
    if (last !== undefined && start < last.start) this.sorted = false;
    this.pieces.push({ start, data: copy });
  }

  list(): ReadonlyArray<Readonly<Piece>> {
    if (!this.sorted) {
      this.pieces.sort((a, b) => a.start - b.start);
      this.sorted = true;
    }
    return this.pieces;
  }
}

/**
 * A message body kept for extraction, assembled from whichever legs carried each byte first: every byte
 * is stored once (later copies of covered bytes are skipped), pieces may arrive in any order.
 */
export class SparseBody {
  readonly coverage = new RangeSet(65536);

  constructor(readonly store: BodyStore = new MemoryStore()) {}

  /** Stores the not-yet-covered bytes of `slice`, whose first byte is at body position `pos` (1-based). */
  write(pos: number, slice: Buffer): void {
    if (slice.length === 0 || pos < 1) return;
    const end = pos + slice.length - 1;
    for (const [s, e] of this.coverage.uncovered(pos, end)) {
      this.store.put(s, slice.subarray(s - pos, e - pos + 1));
      this.coverage.add(s, e);
    }
  }

  /** Bytes stored. */
  get size(): number {
    return this.coverage.covered;
  }

  /** Stored pieces in body order. */
  list(): Iterable<Readonly<Piece>> {
    return this.store.list(this.coverage);
  }

  /** True when positions 1..total are all stored. */
  isComplete(total: number): boolean {
    return this.coverage.coversAll(1, total);
  }

  /** Hex digest of positions 1..total when all are stored, else undefined. */
  digest(algorithm: 'sha256' | 'sha1', total: number): string | undefined {
    if (!this.isComplete(total)) return undefined;
    const h = crypto().createHash(algorithm);
    for (const p of this.list()) {
      if (p.start > total) break;
      const take = Math.min(p.data.length, total - p.start + 1);
      h.update(take === p.data.length ? p.data : p.data.subarray(0, take));
    }
    return h.digest('hex');
  }
}
