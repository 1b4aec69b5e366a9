/**
 * Where paged columns (column.ts) put the pages they are not using: a temporary file, opened (and removed at once)
 * when a page first leaves memory.
 */
import { closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readAll, writeAll } from './fd-io.js';
import { openRemoved } from './temp-file.js';

/** Bytes of a page, of any column: 1,024 eight-byte numbers or 2,048 four-byte ones. */
export const PAGE_BYTES = 8192;

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
      const at = slot ?? this.slots++;
      writeAll(this.fd, page, at * PAGE_BYTES);
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
    readAll(this.fd, into, into.length, slot * PAGE_BYTES);
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
