import { crypto } from '../util/builtins.js';
import { RangeSet } from './ranges.js';

interface Piece {
  /** 1-based position of data[0] in the message body. */
  start: number;
  data: Buffer;
}

/**
 * A message body kept for extraction, assembled from whichever legs carried each byte first: every byte
 * is stored once (later copies of covered bytes are skipped), pieces may arrive in any order.
 */
export class SparseBody {
  readonly coverage = new RangeSet(65536);
  private readonly pieces: Piece[] = [];
  private sorted = true;

  /** Stores the not-yet-covered bytes of `slice`, whose first byte is at body position `pos` (1-based). */
  write(pos: number, slice: Buffer): void {
    if (slice.length === 0 || pos < 1) return;
    const end = pos + slice.length - 1;
    for (const [s, e] of this.coverage.uncovered(pos, end)) {
      const part = slice.subarray(s - pos, e - pos + 1);
      const copy = Buffer.allocUnsafe(part.length);
      copy.set(part, 0);
      const last = this.pieces[this.pieces.length - 1];
      if (last !== undefined && s < last.start) this.sorted = false;
      this.pieces.push({ start: s, data: copy });
      this.coverage.add(s, e);
    }
  }

  /** Bytes stored. */
  get size(): number {
    return this.coverage.covered;
  }

  /** Stored pieces in body order. */
  list(): ReadonlyArray<Readonly<Piece>> {
    if (!this.sorted) {
      this.pieces.sort((a, b) => a.start - b.start);
      this.sorted = true;
    }
    return this.pieces;
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
