/**
 * Records written before their document: the JSON text of each message and transaction the model lets go
 * while a long capture is read (model/message-fold.ts FoldSink), kept in a temporary file until the document
 * is written and read back there in index order. The file is removed as soon as it is open (it lives while
 * it is open, and goes with the process however it ends); what this holds in memory is the offset and length
 * of each record, 12 bytes.
 *
 * A failed write (a full disk) does not lose the record: from then on the texts are held in memory, and
 * `failure` says why (the output reports it).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errnoText } from '../util/errno.js';

export type SpillKind = 'message' | 'transaction';

/** Bytes gathered before a write. */
const WRITE_BYTES = 1024 * 1024;
/** Bytes read at once when a record is not in the last read (records folded one after another lie together). */
const READ_BYTES = 1024 * 1024;

/** Offset and length by record index; a length of 0 is no record (a record's text is never empty). */
class Places {
  offsets = new Float64Array(0);
  lengths = new Uint32Array(0);

  set(index: number, offset: number, length: number): void {
    if (index >= this.lengths.length) {
      const size = Math.max(1024, index + 1, this.lengths.length * 2);
      const o = new Float64Array(size);
      o.set(this.offsets);
      const l = new Uint32Array(size);
      l.set(this.lengths);
      this.offsets = o;
      this.lengths = l;
    }
    this.offsets[index] = offset;
    this.lengths[index] = length;
  }

  length(index: number): number {
    return index >= 0 && index < this.lengths.length ? (this.lengths[index] as number) : 0;
  }
}

export class RecordSpill {
  private fd: number | undefined;
  private readonly places: Record<SpillKind, Places> = { message: new Places(), transaction: new Places() };
  /** Texts held in memory once the file failed, by kind and index. */
  private held: Record<SpillKind, Map<number, string>> | undefined;
  /** Why the file could not be used (texts are then held in memory). */
  failure: string | undefined;
  /** The file's length, what is gathered in `out` included. */
  private size = 0;
  private out = Buffer.allocUnsafe(WRITE_BYTES);
  private outUsed = 0;
  /** The last read: file bytes [readStart, readStart + readLength). */
  private readBuf = Buffer.alloc(0);
  private readStart = 0;
  private readLength = 0;
  /** Records put so far. */
  count = 0;

  constructor(dir = tmpdir()) {
    try {
      const folder = mkdtempSync(join(dir, 'msrpscope-'));
      const file = join(folder, 'records');
      this.fd = openSync(file, 'wx+', 0o600);
      unlinkSync(file);
      rmdirSync(folder);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Keeps a record's text (not empty). */
  put(kind: SpillKind, index: number, text: string): void {
    this.count++;
    if (this.inMemory(kind, index, text)) return;
    const n = Buffer.byteLength(text);
    if (n === 0) throw new Error('empty record text');
    if (this.outUsed + n > this.out.length) this.flush();
    // A failed write (of what was gathered, or of this record alone): it goes to memory with the rest.
    if (this.inMemory(kind, index, text)) return;
    if (n > this.out.length) {
      this.write(Buffer.from(text));
      if (this.inMemory(kind, index, text)) return;
    } else {
      this.out.write(text, this.outUsed);
      this.outUsed += n;
    }
    this.places[kind].set(index, this.size, n);
    this.size += n;
  }

  /** Holds the text in memory when the file has failed. */
  private inMemory(kind: SpillKind, index: number, text: string): boolean {
    if (this.held === undefined) return false;
    this.held[kind].set(index, text);
    return true;
  }

  has(kind: SpillKind, index: number): boolean {
    return this.places[kind].length(index) > 0 || (this.held?.[kind].has(index) ?? false);
  }

  /** A record's text, undefined when none was put. */
  text(kind: SpillKind, index: number): string | undefined {
    const p = this.places[kind];
    const n = p.length(index);
    if (n === 0) return this.held?.[kind].get(index);
    const at = p.offsets[index] as number;
    // Gathered and not yet written.
    const written = this.size - this.outUsed;
    if (at >= written) return this.out.toString('utf8', at - written, at - written + n);
    if (at < this.readStart || at + n > this.readStart + this.readLength) this.readAt(at, Math.min(Math.max(n, READ_BYTES), written - at));
    const from = at - this.readStart;
    return this.readBuf.toString('utf8', from, from + n);
  }

  close(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // nothing to keep
      }
    }
    this.fd = undefined;
    this.held = undefined;
  }

  private readAt(at: number, length: number): void {
    if (this.readBuf.length < length) this.readBuf = Buffer.allocUnsafe(Math.max(length, READ_BYTES));
    let got = 0;
    while (got < length) {
      const r = readSync(this.fd as number, this.readBuf, got, length - got, at + got);
      if (r <= 0) throw new Error(`temporary records file ends at ${at + got} of ${at + length}`);
      got += r;
    }
    this.readStart = at;
    this.readLength = length;
  }

  private flush(): void {
    if (this.outUsed === 0) return;
    const b = this.out.subarray(0, this.outUsed);
    const before = this.size - this.outUsed;
    this.write(b);
    if (this.held !== undefined) {
      // The gathered records go to memory with the rest.
      this.rescue(before, b);
      return;
    }
    this.outUsed = 0;
  }

  private write(b: Buffer): void {
    if (this.fd === undefined) return this.fail(new Error('no temporary file'));
    try {
      const at = this.size - this.outUsed;
      let done = 0;
      while (done < b.length) done += writeSync(this.fd, b, done, b.length - done, at + done);
    } catch (e) {
      this.fail(e);
    }
  }

  /** The file failed: texts are held in memory from now on. */
  private fail(e: unknown): void {
    this.failure ??= errnoText(e);
    this.held ??= { message: new Map(), transaction: new Map() };
  }

  /** Moves the records gathered in `b` (file offset `start` on) into memory. */
  private rescue(start: number, b: Buffer): void {
    const held = this.held as Record<SpillKind, Map<number, string>>;
    for (const kind of ['message', 'transaction'] as const) {
      const p = this.places[kind];
      for (let i = 0; i < p.lengths.length; i++) {
        const n = p.lengths[i] as number;
        const at = p.offsets[i] as number;
        if (n === 0 || at < start) continue;
        held[kind].set(i, b.toString('utf8', at - start, at - start + n));
        p.lengths[i] = 0;
      }
    }
    this.outUsed = 0;
    this.size = start;
  }
}
