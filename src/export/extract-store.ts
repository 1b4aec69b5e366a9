/**
 * `--extract DIR` while the capture is read: each message body goes into a hidden file of its own in DIR as its
 * bytes come (model/sparse-body.ts BodyStore), so a capture's bodies are never held in memory. extract.ts then
 * gives each file its name (a hard link: never over an existing name, never through a planted symlink) and
 * removes the hidden one.
 *
 * A body's bytes are gathered while they are contiguous, up to RUN_BYTES, and written (open, write, close) when
 * the run ends or fills, or when more than GATHERING bodies gather at once (the oldest goes out): memory and open
 * files stay bounded however many messages are in flight. A failed write (a full disk) is kept with its
 * body, which takes no more bytes; extract.ts reports it and goes on with the others.
 */
import { closeSync, constants, fstatSync, ftruncateSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { readAll, writeAll } from '../util/fd-io.js';
import type { BodyStore, Piece } from '../model/sparse-body.js';
import type { RangeSet } from '../model/ranges.js';

/** Bytes gathered per body before they are written. */
const RUN_BYTES = 16 * 1024;
/** Bodies gathering bytes at once (each in a run buffer of its own, reused): past it, the oldest run is written. */
const GATHERING = 512;
/** Bytes read back at a time (the digest of a body). */
const READ_BYTES = 1024 * 1024;

const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
const WRITE = constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0);
const READ = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/** An error as the manifest lists it: its code (ENOSPC), else its message. */
export function errorText(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}

/** Folders made at most above the one asked for. */
const MAX_DEPTH = 64;

/**
 * Makes `dir` and its missing parents (node's own recursive mkdir never returns for a path under /proc whose
 * parent is missing). Throws an error with a code: ENOTDIR when a file is in the way.
 */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); missing.length <= MAX_DEPTH; d = path.dirname(d)) {
    try {
      if (!statSync(d).isDirectory()) throw Object.assign(new Error(`${d}: not a folder`), { code: 'ENOTDIR' });
      break;
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'ENOENT' || path.dirname(d) === d) throw e;
      missing.push(d);
    }
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      // Made meanwhile by someone else: fine if it is a folder.
      if ((e as { code?: unknown }).code !== 'EEXIST' || !statSync(d).isDirectory()) throw e;
    }
  }
}

export interface ExtractStoreHooks {
  /** A hidden file was made (to remove should the program stop before extract.ts does). */
  created?(file: string): void;
  /** It was linked to its name or removed. */
  removed?(file: string): void;
}

/** The hidden files of one extraction folder; makes a TempBody per message (bodyStore()). */
export class ExtractStore {
  /** Bodies with gathered bytes, oldest run first. */
  private readonly gathering = new Map<TempBody, true>();
  private readonly spare: Buffer[] = [];
  /** One buffer for reading bodies back (each block is used before the next is read). */
  private read: Buffer | undefined;
  private readonly tag = `${process.pid}-${Date.now().toString(36)}`;
  private count = 0;

  /** Makes the folder (and its parents) now: a folder that cannot be made stops the run before reading. */
  constructor(
    readonly dir: string,
    private readonly hooks: ExtractStoreHooks = {},
  ) {
    makeFolder(dir);
  }

  /** A store for one more message body (its file is made with its first bytes written). */
  bodyStore(): TempBody {
    return new TempBody(this, path.join(this.dir, `.msrpscope-${this.tag}-${++this.count}.part`));
  }

  /** A run buffer for `b`, which starts gathering; past GATHERING bodies the oldest run is written first. */
  runBuffer(b: TempBody): Buffer {
    while (this.gathering.size >= GATHERING) {
      const oldest = this.gathering.keys().next().value;
      if (oldest === undefined) break;
      oldest.flush();
    }
    this.gathering.set(b, true);
    return this.spare.pop() ?? Buffer.allocUnsafeSlow(RUN_BYTES);
  }

  /** `b` wrote (or dropped) what it gathered. */
  giveBack(b: TempBody, run: Buffer): void {
    this.gathering.delete(b);
    this.spare.push(run);
  }

  readBuffer(): Buffer {
    return (this.read ??= Buffer.allocUnsafeSlow(READ_BYTES));
  }

  created(file: string): void {
    this.hooks.created?.(file);
  }

  removed(file: string): void {
    this.hooks.removed?.(file);
  }
}

/** One message body in its hidden file. */
export class TempBody implements BodyStore {
  private made = false;
  private gone = false;
  /** Gathered bytes not yet written, contiguous from runStart. */
  private run: Buffer | undefined;
  private runStart = 0;
  private runBytes = 0;
  /** The first write error (its code); the body takes no more bytes after it. */
  error: string | undefined;

  constructor(
    private readonly owner: ExtractStore,
    readonly file: string,
  ) {}

  put(start: number, data: Buffer): void {
    if (this.error !== undefined || this.gone) return;
    if (this.runBytes > 0 && (start !== this.runStart + this.runBytes || this.runBytes + data.length > RUN_BYTES)) this.flush();
    if (data.length > RUN_BYTES) {
      // Larger than a run: written as it is.
      this.writeAt(start - 1, data);
      return;
    }
    if (this.runBytes === 0) this.runStart = start;
    const run = (this.run ??= this.owner.runBuffer(this));
    data.copy(run, this.runBytes);
    this.runBytes += data.length;
  }

  /**
   * The kept bytes of the covered positions, read back from the file in blocks of one buffer of the store's:
   * each piece's bytes are good until the next piece is read.
   */
  *list(coverage: RangeSet): Iterable<Readonly<Piece>> {
    this.flush();
    if (this.error !== undefined) throw new Error(this.error);
    if (!this.made) return;
    const fd = openSync(this.file, READ);
    try {
      const buf = this.owner.readBuffer();
      for (const [s, e] of coverage.intervals()) {
        for (let at = s; at <= e; ) {
          const n = Math.min(buf.length, e - at + 1);
          readAll(fd, buf, n, at - 1);
          yield { start: at, data: buf.subarray(0, n) };
          at += n;
        }
      }
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Done with writing: what was gathered is written and, when the file is shorter than `extendTo`, it is
   * extended to it (holes read as zeros). Returns the first write error, if any.
   */
  finish(extendTo: number | null): string | undefined {
    this.flush();
    if (this.error !== undefined || extendTo === null || !this.made) return this.error;
    this.withFile((fd) => {
      if (fstatSync(fd).size < extendTo) ftruncateSync(fd, extendTo);
    });
    return this.error;
  }

  /** Removes the hidden file (once linked to its name, or when it is not extracted). */
  remove(): void {
    this.drop();
    if (this.gone) return;
    this.gone = true;
    if (!this.made) return;
    try {
      unlinkSync(this.file);
    } catch {
      // Already gone: nothing to remove.
    }
    this.owner.removed(this.file);
  }

  /** Writes what was gathered. */
  flush(): void {
    if (this.runBytes === 0 || this.run === undefined) return;
    const n = this.runBytes;
    const run = this.run;
    this.writeAt(this.runStart - 1, run.subarray(0, n));
    this.drop();
  }

  /** Lets go of the gathered bytes (written or not). */
  private drop(): void {
    this.runBytes = 0;
    if (this.run !== undefined) {
      this.owner.giveBack(this, this.run);
      this.run = undefined;
    }
  }

  /** Writes all of `data` at file offset `at` (the first error is kept; nothing more is written then). */
  private writeAt(at: number, data: Buffer): void {
    this.withFile((fd) => writeAll(fd, data, at));
  }

  /** Runs `fn` on the file opened for writing (made the first time); an error is kept instead of thrown. */
  private withFile(fn: (fd: number) => void): void {
    if (this.error !== undefined || this.gone) return;
    let fd: number | undefined;
    try {
      fd = openSync(this.file, this.made ? WRITE : CREATE, 0o644);
      if (!this.made) {
        this.made = true;
        this.owner.created(this.file);
      }
      fn(fd);
    } catch (e) {
      this.error = errorText(e);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
}
