/**
 * Numbers by record index for the records a long capture writes ahead (record-spill.ts, spilled-places.ts), kept a
 * page at a time: the pages last used stay in memory and the others go to a temporary file, read back when asked
 * for. What is kept per record written ahead (its place in the records file, where it is drawn) so costs memory
 * for the pages in use, not for the capture's length. Records are let go in about their index order (a late one
 * brings its page back), and read back in index order: `--json` of the 4 GB bench capture (209,794 records written
 * ahead) wrote 732 pages and read 476 while reading, and read 320 for the document.
 */
import { closeSync, readSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openRemoved } from './temp-file.js';

/** Bytes of a page, of any column: 1,024 eight-byte numbers or 2,048 four-byte ones. */
export const PAGE_BYTES = 8192;

/** Pages a column keeps in memory; past it, the one used least recently goes to the file. */
export const RESIDENT_PAGES = 16;

type Numbers = Int32Array | Uint32Array | Float64Array;

/**
 * The file the pages of several columns go to, a slot of PAGE_BYTES each, opened (and removed) when a page first
 * leaves memory. When it cannot be opened or written, pages stay in memory (nothing is lost, only memory spent).
 */
export class PageFile {
  private fd: number | undefined;
  private slots = 0;
  private failed: boolean;
  private held = false;
  /** Pages written to the file, and read back from it. */
  writes = 0;
  reads = 0;

  /** In `dir` (the system's temporary folder by default); `null`: pages always stay in memory. */
  constructor(private readonly dir: string | null = tmpdir()) {
    this.failed = dir === null;
  }

  /** Whether pages may still go to the file. */
  get usable(): boolean {
    return !this.failed && !this.held;
  }

  /**
   * From now on no page goes to the file, and those read back stay in memory: for reading in no particular order
   * (the drawing outputs read a session's records, spread among every session's), where pages would otherwise be
   * read again for each session.
   */
  hold(): void {
    this.held = true;
  }

  /** Writes a page into its slot (a new one when it has none); the slot, or undefined when it could not be written. */
  write(page: Uint8Array, slot?: number): number | undefined {
    if (this.failed) return undefined;
    try {
      this.fd ??= openRemoved(this.dir as string);
      const fd = this.fd;
      const at = slot ?? this.slots++;
      for (let done = 0; done < page.length; ) done += writeSync(fd, page, done, page.length - done, at * PAGE_BYTES + done);
      this.writes++;
      return at;
    } catch {
      this.failed = true;
      return undefined;
    }
  }

  /** Reads a page written before into `into`; throws when the file cannot give it. */
  read(slot: number, into: Uint8Array): void {
    if (this.fd === undefined) throw new Error(`temporary page file: page ${slot} was never written`);
    for (let got = 0; got < into.length; ) {
      const r = readSync(this.fd, into, got, into.length - got, slot * PAGE_BYTES + got);
      if (r <= 0) throw new Error(`temporary page file ends within page ${slot}`);
      got += r;
    }
    this.reads++;
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
    this.failed = true;
  }
}

interface Page<A> {
  values: A;
  /** Changed since it was last written to the file (or never written). */
  dirty: boolean;
}

/**
 * A column of numbers by index (as util/column.ts Column: `none` where nothing was set) whose pages go to a
 * PageFile once more than RESIDENT_PAGES are in memory. Without a file it keeps every page in memory.
 */
export class PagedColumn<A extends Numbers> {
  private readonly perPage: number;
  /** Pages in memory, the one used least recently first. */
  private readonly resident = new Map<number, Page<A>>();
  /** The file's slot of each page written to it. */
  private readonly slots = new Map<number, number>();
  /** Pages below this may hold values. */
  private pages = 0;
  private lastNo = -1;
  private last: Page<A> | undefined;
  /** The array of the page that last left memory. */
  private spare: A | undefined;

  constructor(
    private readonly make: (n: number) => A,
    private readonly none = 0,
    private readonly file?: PageFile,
    /** Pages kept in memory at most (while the file can be written). */
    private readonly residentPages = RESIDENT_PAGES,
  ) {
    this.perPage = PAGE_BYTES / make(0).BYTES_PER_ELEMENT;
  }

  set(index: number, v: number): void {
    if (!(index >= 0)) return;
    const no = Math.floor(index / this.perPage);
    const p = this.page(no, true) as Page<A>;
    p.values[index - no * this.perPage] = v;
    p.dirty = true;
  }

  get(index: number): number {
    if (!(index >= 0)) return this.none;
    const no = Math.floor(index / this.perPage);
    if (no >= this.pages) return this.none;
    const p = this.page(no, false);
    return p === undefined ? this.none : (p.values[index - no * this.perPage] as number);
  }

  /** Indexes below this may have been set. */
  get length(): number {
    return this.pages * this.perPage;
  }

  /** Pages in memory now (for tests). */
  get pagesInMemory(): number {
    return this.resident.size;
  }

  /** Page `no`, from memory or the file; a new one when `create` and it has none (else undefined). */
  private page(no: number, create: boolean): Page<A> | undefined {
    if (no === this.lastNo) return this.last;
    let p = this.resident.get(no);
    if (p !== undefined) {
      // Now the one used most recently.
      this.resident.delete(no);
      this.resident.set(no, p);
    } else {
      const slot = this.slots.get(no);
      if (slot === undefined && !create) return undefined;
      p = { values: this.spare ?? this.make(this.perPage), dirty: false };
      this.spare = undefined;
      if (slot !== undefined) (this.file as PageFile).read(slot, bytesOf(p.values));
      else p.values.fill(this.none);
      this.resident.set(no, p);
      if (no >= this.pages) this.pages = no + 1;
      this.evict();
    }
    this.lastNo = no;
    this.last = p;
    return p;
  }

  /** Writes the pages used least recently to the file while more than RESIDENT_PAGES are in memory. */
  private evict(): void {
    const file = this.file;
    if (file === undefined) return;
    while (this.resident.size > Math.max(1, this.residentPages) && file.usable) {
      const [no, p] = this.resident.entries().next().value as [number, Page<A>];
      if (p.dirty) {
        const slot = file.write(bytesOf(p.values), this.slots.get(no));
        if (slot === undefined) return;
        this.slots.set(no, slot);
      }
      this.resident.delete(no);
      // Its array is the next page's: pages come and go without garbage.
      this.spare = p.values;
      if (no === this.lastNo) {
        this.lastNo = -1;
        this.last = undefined;
      }
    }
  }
}

function bytesOf(a: Numbers): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
