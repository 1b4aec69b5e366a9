/**
 * Records written before their document: the JSON text of each message and transaction the model lets go
 * while a long capture is read (model/message-fold.ts FoldSink), kept in a temporary file until the document
 * is written and read back there in index order. The file is removed as soon as it is open (it lives while
 * it is open, and goes with the process however it ends); what this holds in memory is the offset and length
 * of each record, 12 bytes.
 *
 * Records come in runs (putRun: the text of a list's run, records separated by `,`), written as they are, and
 * are read back in runs too (run(): consecutive records that lie one after another in the file, one decoding):
 * the per-record calls of encoding and decoding cost more than the bytes. A run is kept as Latin-1 when it is
 * ASCII (as JSON.stringify's text mostly is), else as UTF-16: both a copy of V8's own string bytes either way, and
 * a record's place in bytes follows from its place in characters (UTF-8 would be counted record by record, and
 * its decoding took a third of the time of a chat capture's 700 MB document).
 *
 * A failed write (a full disk) does not lose the records: from then on the texts are held in memory, and
 * `failure` says why (the output reports it).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errnoText } from '../util/errno.js';

export type SpillKind = 'message' | 'transaction';

/** Bytes gathered before a write. */
const WRITE_BYTES = 1024 * 1024;
/** Bytes read at once (records let go one after another lie together), and at most in one run(). */
const READ_BYTES = 1024 * 1024;

/** The bit of a record's length that says its text is kept as UTF-16 (else Latin-1). */
const WIDE = 0x8000_0000;

/** Offset and length (bytes, WIDE set for UTF-16) by record index; a length of 0 is no record (a record's text is never empty). */
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

/** A run of consecutive records' text (joined by `,`) and how many records it holds. */
export interface SpilledRun {
  text: string;
  count: number;
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

  /** Keeps one record's text (not empty). */
  put(kind: SpillKind, index: number, text: string): void {
    this.putRun(kind, [index], [text]);
  }

  /** Keeps the records texts[k] (not empty) of indexes[k], written as one run (joined by `,`). */
  putRun(kind: SpillKind, indexes: readonly number[], texts: readonly string[]): void {
    this.count += indexes.length;
    const starts: number[] = [];
    const ends: number[] = [];
    let char = 0;
    for (const t of texts) {
      starts.push(char);
      ends.push(char + t.length);
      char += t.length + 1;
    }
    const text = texts.length === 1 ? (texts[0] as string) : texts.join(',');
    if (this.inMemory(kind, indexes, text, starts, ends)) return;
    const wide = Buffer.byteLength(text, 'utf8') !== text.length;
    const unit = wide ? 2 : 1;
    const bytes = text.length * unit;
    if (this.outUsed + bytes > this.out.length) this.flush();
    // A failed write of what was gathered: these records go to memory with the rest.
    if (this.inMemory(kind, indexes, text, starts, ends)) return;
    const at = this.size;
    const encoding = wide ? 'utf16le' : 'latin1';
    if (bytes > this.out.length) {
      this.write(Buffer.from(text, encoding));
      if (this.inMemory(kind, indexes, text, starts, ends)) return;
    } else {
      this.out.write(text, this.outUsed, encoding);
      this.outUsed += bytes;
    }
    this.size += bytes;
    const p = this.places[kind];
    for (let k = 0; k < indexes.length; k++) {
      const s = starts[k] as number;
      const n = ((ends[k] as number) - s) * unit;
      if (n === 0 || n >= WIDE) throw new Error(`record text of ${n} bytes`);
      p.set(indexes[k] as number, at + s * unit, wide ? n | WIDE : n);
    }
  }

  /** Holds the texts in memory when the file has failed. */
  private inMemory(kind: SpillKind, indexes: readonly number[], text: string, starts: readonly number[], ends: readonly number[]): boolean {
    if (this.held === undefined) return false;
    for (let k = 0; k < indexes.length; k++) this.held[kind].set(indexes[k] as number, text.slice(starts[k], ends[k]));
    return true;
  }

  has(kind: SpillKind, index: number): boolean {
    return this.places[kind].length(index) > 0 || (this.held?.[kind].has(index) ?? false);
  }

  /** A record's text, undefined when none was put. */
  text(kind: SpillKind, index: number): string | undefined {
    return this.run(kind, index, 1)?.text;
  }

  /**
   * The text of records index, index + 1, ... (at most `max`) joined by `,`, as many as were put one after
   * another; undefined when record `index` was not put.
   */
  run(kind: SpillKind, index: number, max: number): SpilledRun | undefined {
    const p = this.places[kind];
    const first = p.length(index);
    if (first === 0) {
      const t = this.held?.[kind].get(index);
      return t === undefined ? undefined : { text: t, count: 1 };
    }
    const wide = (first & WIDE) !== 0;
    const unit = wide ? 2 : 1;
    const at = p.offsets[index] as number;
    let end = at + (first & ~WIDE) ;
    let count = 1;
    // Records put in one run, in index order, lie one after another with a `,` between them.
    while (count < max) {
      const n = p.length(index + count);
      const bytes = n & ~WIDE;
      if (n === 0 || (n & WIDE) !== (first & WIDE) || (p.offsets[index + count] as number) !== end + unit || end + unit + bytes - at > READ_BYTES) break;
      end += unit + bytes;
      count++;
    }
    return { text: this.bytes(at, end - at, wide ? 'utf16le' : 'latin1'), count };
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

  /** The text of file bytes [at, at + n). */
  private bytes(at: number, n: number, encoding: 'latin1' | 'utf16le'): string {
    // Gathered and not yet written.
    const written = this.size - this.outUsed;
    if (at >= written) return this.out.toString(encoding, at - written, at - written + n);
    if (at < this.readStart || at + n > this.readStart + this.readLength) this.readAt(at, Math.min(Math.max(n, READ_BYTES), written - at));
    const from = at - this.readStart;
    return this.readBuf.toString(encoding, from, from + n);
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
        held[kind].set(i, b.toString((n & WIDE) !== 0 ? 'utf16le' : 'latin1', at - start, at - start + (n & ~WIDE)));
        p.lengths[i] = 0;
      }
    }
    this.outUsed = 0;
    this.size = start;
  }
}
