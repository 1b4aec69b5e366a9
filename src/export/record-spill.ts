/**
 * Records written before their document: the JSON text of each message and transaction the model lets go
 * while a long capture is read (model/message-fold.ts FoldSink; for --extract, each message's manifest entry),
 * kept in a temporary file per kind until the document is written and read back there in index order (blocks of 64 KiB, the last 16 kept: records are let go
 * in about their index order). The files are removed as soon as they are open (they live while they are open, and
 * go with the process however it ends). What this keeps of each record is its offset and length, 12 bytes, in
 * pages of which only those in use stay in memory (util/column.ts).
 *
 * Each record is written followed by a `,`, so records put one after another in index order read back as a
 * list's run (run(): one decoding for all of them, not one a record). A text is
 * kept as Latin-1 when it is ASCII (as JSON.stringify's text mostly is), else as UTF-16: a copy of V8's own string
 * bytes either way, and a record's place in bytes follows from its place in characters (UTF-8, encoded and
 * decoded record by record, took a third of the time of a chat capture's 700 MB document).
 *
 * The drawing outputs (--ladder, --html) ask for the records of one session at a time, spread among every
 * session's in the order they were let go: they put each record with its session as a group, whose records are
 * gathered (GROUP_BYTES, for at most GROUPS_GATHERING groups a kind) and written as one run, and a record asked for
 * alone is read with the rest of its run (a read a run, not a read a record).
 *
 * A failed write (a full disk) does not lose the records: from then on the texts are held in memory, and
 * `failure` says why (the output reports it).
 */
import { closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { errnoText } from '../util/errno.js';
import { Column } from '../util/column.js';
import { readAll, writeAll } from '../util/fd-io.js';
import { PageFile } from '../util/page-file.js';
import { openRemoved } from '../util/temp-file.js';

export type SpillKind = 'message' | 'transaction';

/** Bytes gathered before a write. */
const WRITE_BYTES = 256 * 1024;
/** Bytes read at once, and kept (the last CACHE_BLOCKS blocks read): records are read in index order, which is
 * about the order they were let go in. A run of records is at most one block. */
const BLOCK_BYTES = 64 * 1024;
const CACHE_BLOCKS = 16;
/**
 * Bytes of a group's records (put with a group: a session's, for the drawing outputs) gathered before they are
 * written one after another, and read back at once when one of them is asked for by itself: a session's records,
 * spread among every session's in the order they were let go, lie in runs of this size.
 */
const GROUP_BYTES = 4 * 1024;
/** Groups gathering records at once, per kind (past it, the one that gathered first is written). */
const GROUPS_GATHERING = 512;

/** The bit of a record's length that says its text is kept as UTF-16 (else Latin-1). */
const WIDE = 0x8000_0000;

/**
 * Offset and length (bytes, WIDE set for UTF-16) by record index; a length of 0 is no record (a record's text is
 * never empty). Paged: those of records long written go to the spill's page file.
 */
class Places {
  readonly offsets: Column<Float64Array>;
  readonly lengths: Column<Uint32Array>;

  constructor(pages: PageFile) {
    this.offsets = new Column((n) => new Float64Array(n), 0, pages);
    this.lengths = new Column((n) => new Uint32Array(n), 0, pages);
  }

  set(index: number, offset: number, length: number): void {
    this.offsets.set(index, offset);
    this.lengths.set(index, length);
  }

  length(index: number): number {
    return this.lengths.get(index);
  }

  offset(index: number): number {
    return this.offsets.get(index);
  }
}

/** A run of consecutive records' text (joined by `,`) and how many records it holds. */
export interface SpilledRun {
  text: string;
  count: number;
}

/** One kind's records: an open file already removed, what is gathered for the next write, the blocks last read. */
class SpillFile {
  /** The file's length, what is gathered in `out` included. */
  size = 0;
  private readonly out = Buffer.allocUnsafe(WRITE_BYTES);
  private outUsed = 0;
  /** Blocks read, least recently used first: their bytes and how many of them are the file's. */
  private readonly blocks = new Map<number, { buffer: Buffer; length: number }>();
  private scratch = Buffer.alloc(0);
  /** The bytes last read for a record asked for alone, and where they lie in the file. */
  private window = Buffer.alloc(0);
  private windowAt = 0;
  private windowLength = 0;

  constructor(private readonly fd: number) {}

  /**
   * Appends the text and a `,` after it (so that records put one after another read back as a list's run);
   * returns the text's offset. Throws when the file cannot be written.
   */
  append(text: string, encoding: 'latin1' | 'utf16le', bytes: number): number {
    const unit = encoding === 'utf16le' ? 2 : 1;
    if (this.outUsed + bytes + unit > this.out.length) this.flush();
    const at = this.size;
    if (bytes + unit > this.out.length) {
      writeAll(this.fd, Buffer.from(text, encoding), at);
      this.outUsed = this.out.write(',', 0, encoding);
    } else {
      this.outUsed += this.out.write(text, this.outUsed, encoding);
      this.outUsed += this.out.write(',', this.outUsed, encoding);
    }
    this.size += bytes + unit;
    return at;
  }

  /** Appends bytes as they are (a group's records, each followed by its `,`); returns their offset. Throws when the file cannot be written. */
  appendRaw(b: Buffer): number {
    if (this.outUsed + b.length > this.out.length) this.flush();
    const at = this.size;
    if (b.length > this.out.length) writeAll(this.fd, b, at);
    else this.outUsed += b.copy(this.out, this.outUsed);
    this.size += b.length;
    return at;
  }

  /** Writes what is gathered (throws when the file cannot be written). */
  flush(): void {
    if (this.outUsed === 0) return;
    writeAll(this.fd, this.out.subarray(0, this.outUsed), this.size - this.outUsed);
    this.outUsed = 0;
  }

  /** What was gathered since the last write, with its offset (for a rescue into memory). */
  gathered(): { at: number; bytes: Buffer } {
    return { at: this.size - this.outUsed, bytes: this.out.subarray(0, this.outUsed) };
  }

  /** Forgets what was gathered (it was rescued) and the bytes after `at`. */
  dropGathered(at: number): void {
    this.outUsed = 0;
    this.size = at;
  }

  /**
   * The text of bytes [at, at + n): from its block (read and kept), or `alone` (records asked for out of order)
   * from a block already kept, else read by itself.
   */
  text(at: number, n: number, encoding: 'latin1' | 'utf16le', alone = false): string {
    if (at + n > this.size - this.outUsed) this.flush();
    const written = this.size - this.outUsed;
    const block = Math.floor(at / BLOCK_BYTES);
    const start = block * BLOCK_BYTES;
    const kept = this.blocks.get(block);
    if (alone && (kept === undefined || start + kept.length < at + n)) {
      // Alone: from the window last read alone, else a window read from the record on (the rest of its group's run).
      if (at < this.windowAt || at + n > this.windowAt + this.windowLength) {
        const length = Math.min(Math.max(n, GROUP_BYTES), written - at);
        if (this.window.length < length) this.window = Buffer.allocUnsafe(length);
        readAll(this.fd, this.window, length, at);
        this.reads++;
        this.windowAt = at;
        this.windowLength = length;
      }
      const from = at - this.windowAt;
      return this.window.toString(encoding, from, from + n);
    }
    if (at + n > start + BLOCK_BYTES) {
      // Across two blocks: read as it is.
      if (this.scratch.length < n) this.scratch = Buffer.allocUnsafe(Math.max(n, BLOCK_BYTES));
      readAll(this.fd, this.scratch, n, at);
      this.reads++;
      return this.scratch.toString(encoding, 0, n);
    }
    let b = kept;
    // The file's last block is read as far as it is written, and again once more is asked for.
    if (b === undefined || start + b.length < at + n) {
      const buf = b?.buffer ?? (this.blocks.size >= CACHE_BLOCKS ? this.reuseOldest() : Buffer.allocUnsafe(BLOCK_BYTES));
      const length = Math.min(BLOCK_BYTES, written - start);
      readAll(this.fd, buf, length, start);
      this.reads++;
      b = { buffer: buf, length };
    }
    this.blocks.delete(block);
    this.blocks.set(block, b);
    const from = at - start;
    return b.buffer.toString(encoding, from, from + n);
  }

  /** Reads from the file so far. */
  reads = 0;

  private reuseOldest(): Buffer {
    const [oldest, b] = this.blocks.entries().next().value as [number, { buffer: Buffer }];
    this.blocks.delete(oldest);
    return b.buffer;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // nothing to keep
    }
  }
}

/** A group's records gathered for one write: their bytes (each followed by its `,`), indexes and lengths (WIDE set for UTF-16). */
interface GroupRun {
  buffer: Buffer;
  used: number;
  indexes: number[];
  lengths: number[];
}

export class RecordSpill {
  /** A file per kind: each is read in its own index order. */
  private files: Record<SpillKind, SpillFile> | undefined;
  /** Where the records' places, and the drawing outputs' columns (spilled-places.ts), keep their pages out of use. */
  readonly pages: PageFile;
  private readonly places: Record<SpillKind, Places>;
  /** Records gathering by group, per kind, the group that gathered first first. */
  private readonly groups: Record<SpillKind, Map<number, GroupRun>> = { message: new Map(), transaction: new Map() };
  private readonly spareRuns: Buffer[] = [];
  /** Texts held in memory once a file failed, by kind and index. */
  private held: Record<SpillKind, Map<number, string>> | undefined;
  /** Why the file could not be used (texts are then held in memory). */
  failure: string | undefined;
  /** Records put so far. */
  count = 0;

  constructor(dir = tmpdir()) {
    this.pages = new PageFile(dir);
    this.places = { message: new Places(this.pages), transaction: new Places(this.pages) };
    const fds: number[] = [];
    try {
      fds.push(openRemoved(dir), openRemoved(dir));
      this.files = { message: new SpillFile(fds[0] as number), transaction: new SpillFile(fds[1] as number) };
    } catch (e) {
      for (const fd of fds) closeSync(fd);
      this.fail(e);
    }
  }

  /**
   * Keeps a record's text (not empty). With a `group` (a session), the record is written among the group's
   * (GROUP_BYTES at a time): records asked for a group at a time (text(…, alone)) are read a run at a time; a
   * record is then put once (its place is set when its group's run is written, after finish() at the latest).
   */
  put(kind: SpillKind, index: number, text: string, group?: number): void {
    this.count++;
    const file = this.files?.[kind];
    if (file === undefined || this.held !== undefined) return this.inMemory(kind, index, text);
    const wide = Buffer.byteLength(text, 'utf8') !== text.length;
    const bytes = wide ? text.length * 2 : text.length;
    if (bytes === 0 || bytes >= WIDE) throw new Error(`record text of ${bytes} bytes`);
    if (group !== undefined) {
      if (bytes + 2 <= GROUP_BYTES) return this.gather(kind, group, index, text, wide, bytes);
      // Larger than a run: written by itself, after what its group gathered.
      const g = this.groups[kind].get(group);
      if (g !== undefined) this.writeGroup(kind, group, g);
      if (this.held !== undefined) return this.inMemory(kind, index, text);
    }
    let at: number;
    try {
      at = file.append(text, wide ? 'utf16le' : 'latin1', bytes);
    } catch (e) {
      this.fail(e);
      this.rescue();
      return this.inMemory(kind, index, text);
    }
    this.places[kind].set(index, at, wide ? bytes | WIDE : bytes);
  }

  /** Adds a record to its group's run; a full run, or the oldest group's past GROUPS_GATHERING, is written first. */
  private gather(kind: SpillKind, group: number, index: number, text: string, wide: boolean, bytes: number): void {
    const groups = this.groups[kind];
    let g = groups.get(group);
    const unit = wide ? 2 : 1;
    if (g !== undefined && g.used + bytes + unit > GROUP_BYTES) {
      this.writeGroup(kind, group, g);
      g = undefined;
    }
    if (g === undefined) {
      while (groups.size >= GROUPS_GATHERING) {
        const [oldest, og] = groups.entries().next().value as [number, GroupRun];
        this.writeGroup(kind, oldest, og);
      }
      g = { buffer: this.spareRuns.pop() ?? Buffer.allocUnsafe(GROUP_BYTES), used: 0, indexes: [], lengths: [] };
      groups.set(group, g);
    }
    const encoding = wide ? 'utf16le' : 'latin1';
    g.indexes.push(index);
    g.lengths.push(wide ? bytes | WIDE : bytes);
    g.used += g.buffer.write(text, g.used, encoding);
    g.used += g.buffer.write(',', g.used, encoding);
  }

  /** Writes a group's run and sets its records' places (their texts go to memory if the write fails). */
  private writeGroup(kind: SpillKind, group: number, g: GroupRun): void {
    this.groups[kind].delete(group);
    const file = this.files?.[kind];
    let at: number | undefined;
    if (file !== undefined && this.held === undefined) {
      try {
        at = file.appendRaw(g.buffer.subarray(0, g.used));
      } catch (e) {
        this.fail(e);
        this.rescue();
      }
    }
    let off = 0;
    for (let i = 0; i < g.indexes.length; i++) {
      const n = g.lengths[i] as number;
      const bytes = n & ~WIDE;
      const wide = (n & WIDE) !== 0;
      if (at === undefined) this.inMemory(kind, g.indexes[i] as number, g.buffer.toString(wide ? 'utf16le' : 'latin1', off, off + bytes));
      else this.places[kind].set(g.indexes[i] as number, at + off, n);
      off += bytes + (wide ? 2 : 1);
    }
    this.spareRuns.push(g.buffer);
  }

  /** Writes every group's run. */
  private writeGroups(): void {
    for (const kind of ['message', 'transaction'] as const) {
      for (const [group, g] of [...this.groups[kind]]) this.writeGroup(kind, group, g);
    }
  }

  /** Holds the text in memory (the files failed). */
  private inMemory(kind: SpillKind, index: number, text: string): void {
    (this.held as Record<SpillKind, Map<number, string>>)[kind].set(index, text);
  }

  has(kind: SpillKind, index: number): boolean {
    return this.places[kind].length(index) > 0 || (this.held?.[kind].has(index) ?? false);
  }

  /**
   * A record's text, undefined when none was put. `alone`: records are asked for out of index order (a session's,
   * among those of every session), so a record not in a block at hand is read by itself, not its whole block.
   */
  text(kind: SpillKind, index: number, alone = false): string | undefined {
    if (!alone) return this.run(kind, index, 1)?.text;
    const n = this.places[kind].length(index);
    const file = this.files?.[kind];
    if (n === 0 || file === undefined) return this.held?.[kind].get(index);
    return file.text(this.places[kind].offset(index), n & ~WIDE, (n & WIDE) !== 0 ? 'utf16le' : 'latin1', true);
  }

  /**
   * The text of records index, index + 1, ... (at most `max`) joined by `,`, as many as were put one after
   * another; undefined when record `index` was not put.
   */
  run(kind: SpillKind, index: number, max: number): SpilledRun | undefined {
    const p = this.places[kind];
    const first = p.length(index);
    const file = this.files?.[kind];
    if (first === 0 || file === undefined) {
      const t = this.held?.[kind].get(index);
      return t === undefined ? undefined : { text: t, count: 1 };
    }
    const wide = (first & WIDE) !== 0;
    const unit = wide ? 2 : 1;
    const at = p.offset(index);
    let end = at + (first & ~WIDE);
    let count = 1;
    // Records put one after another in index order lie one after another, each followed by its `,`.
    while (count < max) {
      const n = p.length(index + count);
      const bytes = n & ~WIDE;
      if (n === 0 || (n & WIDE) !== (first & WIDE) || p.offset(index + count) !== end + unit || end + unit + bytes - at > BLOCK_BYTES) break;
      end += unit + bytes;
      count++;
    }
    return { text: file.text(at, end - at, wide ? 'utf16le' : 'latin1'), count };
  }

  /** Reads from the files so far (each of a block, or of a run across two). */
  get reads(): number {
    return (this.files?.message.reads ?? 0) + (this.files?.transaction.reads ?? 0);
  }

  /** Writes what is gathered, before the records are read back (a failed write: those go to memory). */
  finish(): void {
    this.writeGroups();
    // No record is put after: the runs' buffers go (4 MB for 500 sessions gathering).
    this.spareRuns.length = 0;
    if (this.files === undefined || this.held !== undefined) return;
    try {
      for (const f of Object.values(this.files)) f.flush();
    } catch (e) {
      this.fail(e);
      this.rescue();
    }
  }

  close(): void {
    if (this.files !== undefined) for (const f of Object.values(this.files)) f.close();
    this.pages.close();
    this.files = undefined;
    this.held = undefined;
  }

  /** A file failed: texts are held in memory from now on. */
  private fail(e: unknown): void {
    this.failure ??= errnoText(e);
    this.held ??= { message: new Map(), transaction: new Map() };
  }

  /** Moves the records gathered for each file's next write into memory (the write failed). */
  private rescue(): void {
    const held = this.held as Record<SpillKind, Map<number, string>>;
    for (const kind of ['message', 'transaction'] as const) {
      const file = this.files?.[kind];
      if (file === undefined) continue;
      const { at: start, bytes: b } = file.gathered();
      const p = this.places[kind];
      for (let i = 0; i < p.lengths.length; i++) {
        const n = p.length(i);
        const at = p.offset(i);
        if (n === 0 || at < start) continue;
        held[kind].set(i, b.toString((n & WIDE) !== 0 ? 'utf16le' : 'latin1', at - start, at - start + (n & ~WIDE)));
        p.lengths.set(i, 0);
      }
      file.dropGathered(start);
    }
  }
}
