/**
 * Numbers by index (what is kept per record of a long capture: its place in a file, where it is drawn, a bit of
 * it), `none` where nothing was set, in typed-array pages of PAGE_BYTES made as indexes come: 4 or 8 bytes a
 * number, not an object or an array slot. With a PageFile, only the pages last used stay in memory and the others
 * go to the file, read back when asked for: the records a long capture writes ahead (export/record-spill.ts,
 * export/spilled-places.ts) then cost memory for the pages in use, not for the capture's length. They are let go in
 * about their index order (a late one brings its page back) and read back in index order: `--json` of the 4 GB
 * bench capture (209,794 records written ahead) wrote 732 pages and read 476 while reading, and read 320 for the
 * document.
 */
import { PAGE_BYTES, type PageFile } from './page-file.js';

/** Pages a column keeps in memory with a file; past it, the one used least recently goes to the file. */
export const RESIDENT_PAGES = 16;

type Numbers = Int32Array | Uint32Array | Float64Array;

interface Page<A> {
  values: A;
  /** Changed since it was last written to the file (or never written). */
  dirty: boolean;
}

/**
 * A column of numbers by index whose pages go to `file` once more than RESIDENT_PAGES are in memory; without a file
 * it keeps every page.
 */
export class Column<A extends Numbers> {
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
      // Now the one used most recently (the order matters only with a file).
      if (this.file !== undefined) {
        this.resident.delete(no);
        this.resident.set(no, p);
      }
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
