/**
 * The revision of a session's row in the live viewer (RecordIndex.rowRevision): what the row reads of the session's
 * messages and transactions, as three numbers instead of one number per record. A redraw of a large capture made a
 * list of every record's number for each session (62,000 numbers on 1 GB, kept with the rows until the next redraw).
 * The numbers are the count of records and two 32-bit hashes (murmur3's mixing, two seeds) of the records' ids and
 * codes in list order: a record added, or a code changed, changes them.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mix(h: number, k0: number): number {
  let k = Math.imul(k0, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  let x = h ^ k;
  x = (x << 13) | (x >>> 19);
  return (Math.imul(x, 5) + 0xe6546b64) | 0;
}

/** Two seeds: the hashes of one sequence are independent enough that both colliding is out of reach. */
const SEEDS = [0x9747b28c, 0x5bd1e995] as const;

export class RowFingerprint {
  private count = 0;
  private a: number = SEEDS[0];
  private b: number = SEEDS[1];

  /** One record: its kind (0 message, 1 transaction), id and row code. */
  add(kind: number, id: number, code: number): void {
    this.count++;
    // The id may pass 2^32 in no capture this reads, but its high part is mixed in too.
    const lo = id | 0;
    const hi = Math.floor(id / 4294967296) | 0;
    const tag = (kind << 8) | (code & 0xff);
    this.a = mix(mix(mix(this.a, tag), lo), hi);
    this.b = mix(mix(mix(this.b, lo), tag), hi);
  }

  get revision(): readonly number[] {
    return [this.count, this.a >>> 0, this.b >>> 0];
  }
}
