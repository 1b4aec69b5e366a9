/**
 * A file an output writes (a pcap, an HTML report, a CSV, a ladder): written under a temporary name beside
 * the target and renamed over it only when complete, so a full disk, an error or Ctrl-C never leaves half a
 * file behind. A target that exists is replaced only when the user said --force. Every failure is one
 * CliError line with exit code 2.
 */
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { writeAll } from '../util/fd-io.js';
import { basename, dirname, join } from 'node:path';
import { escapeText } from '../util/escape.js';
import { joinPieces } from '../util/bytes.js';
import { errnoText } from '../util/errno.js';
import { CliError, EXIT_UNREADABLE } from './errors.js';

export interface OutputFileOptions {
  /** Replace a target that exists (--force). */
  force: boolean;
}

/** Strings and bytes are gathered up to this size before one write. */
const FLUSH_AT = 256 * 1024;

/** Temporary files still open: removed if the process exits before they are committed. */
const pending = new Set<string>();
let cleanupInstalled = false;

function removePending(): void {
  for (const tmp of pending) {
    try {
      unlinkSync(tmp);
    } catch {
      // Already gone.
    }
  }
  pending.clear();
}

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', removePending);
  // Ctrl-C or a kill would end the process without 'exit': unless something else handles them (standard input
  // as the capture ends the reading on the first Ctrl-C), the files are removed and the process ends as before.
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    if (process.listenerCount(signal) > 0) continue;
    process.once(signal, () => {
      removePending();
      process.exit(code);
    });
  }
}

/** A file this run makes and names or removes itself (extraction's hidden ones): removed should the program exit first. */
export function removeAtExit(file: string): void {
  installCleanup();
  pending.add(file);
}

/** The file was named or removed: nothing left to do at exit. */
export function handledAtExit(file: string): void {
  pending.delete(file);
}

function fail(path: string, why: string): CliError {
  return new CliError(`cannot write ${escapeText(path)}: ${why}`, EXIT_UNREADABLE);
}

/**
 * Checks that a target can be written before any work is done: not a directory, not an existing file
 * without --force, its folder exists. (Permission and space are found when the file is opened and written.)
 * Returns whether a file is there (then replaced only with force).
 */
export function checkTarget(path: string, opts: OutputFileOptions): boolean {
  if (path === '') throw fail(path, 'empty file name');
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fail(path, errnoText(e, 'no such directory'));
  }
  if (st?.isDirectory()) throw fail(path, 'it is a directory');
  if (st !== undefined && !st.isFile()) throw fail(path, 'not a regular file');
  if (st !== undefined && !opts.force) throw fail(path, 'it exists (use --force to overwrite)');
  checkFolder(path);
  return st !== undefined;
}

/** The folder a target goes in exists and is a folder. */
function checkFolder(path: string): void {
  let dir;
  try {
    dir = statSync(dirname(path));
  } catch (e) {
    throw fail(path, errnoText(e, 'no such directory'));
  }
  if (!dir.isDirectory()) throw fail(path, 'a part of the path is not a directory');
}

/**
 * Checks, before any work is done, a target written as a stream and replaced without asking (`--json FILE`:
 * it may also be a device or a FIFO): not a directory, and its folder exists.
 */
export function checkStreamTarget(path: string): void {
  if (path === '') throw fail(path, 'empty file name');
  try {
    if (statSync(path).isDirectory()) throw fail(path, 'it is a directory');
    return;
  } catch (e) {
    if (e instanceof CliError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fail(path, errnoText(e, 'no such directory'));
  }
  checkFolder(path);
}

/**
 * Writes a whole output file: `fill` gets the write function; the file replaces the target when `fill`
 * returns, and is removed when it throws (the error goes on).
 */
export async function writeOutputFile<R>(path: string, opts: OutputFileOptions, fill: (write: (chunk: string | Uint8Array) => void) => R | Promise<R>): Promise<R> {
  const file = OutputFile.open(path, opts);
  let result: R;
  try {
    result = await fill((chunk) => file.write(chunk));
  } catch (e) {
    file.abort();
    throw e;
  }
  file.commit();
  return result;
}

export class OutputFile {
  private fd: number | undefined;
  private readonly tmp: string;
  private parts: Array<string | Uint8Array> = [];
  private size = 0;
  private error: unknown;
  /** Bytes written so far (after the last flush). */
  written = 0;

  private constructor(
    readonly path: string,
    private readonly opts: OutputFileOptions,
  ) {
    checkTarget(path, opts);
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
    try {
      this.fd = openSync(this.tmp, 'wx', 0o666);
    } catch (e) {
      throw fail(path, errnoText(e, 'no such directory'));
    }
    installCleanup();
    pending.add(this.tmp);
  }

  /** Opens a temporary file for the target; throws a CliError (exit 2) when it cannot be written. */
  static open(path: string, opts: OutputFileOptions): OutputFile {
    return new OutputFile(path, opts);
  }

  write(chunk: string | Uint8Array): void {
    if (this.error !== undefined || this.fd === undefined) return;
    this.parts.push(chunk);
    this.size += typeof chunk === 'string' ? chunk.length * 3 : chunk.length;
    if (this.size >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (this.fd === undefined || this.parts.length === 0) return;
    // One write for what was gathered (a -w file gathers one part per packet).
    const b = joinPieces(this.parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
    this.parts = [];
    this.size = 0;
    try {
      writeAll(this.fd, b);
      this.written += b.length;
    } catch (e) {
      this.error = e;
    }
  }

  /** Finishes the file and renames it over the target; on any earlier write error removes it and throws. */
  commit(): void {
    this.flush();
    if (this.error === undefined && this.fd !== undefined) {
      try {
        fsyncSync(this.fd);
      } catch (e) {
        this.error = e;
      }
    }
    this.closeFd();
    if (this.error !== undefined) {
      this.removeTemp();
      throw fail(this.path, errnoText(this.error, 'no such directory'));
    }
    try {
      // Checked again: the target may have appeared while the capture was read.
      if (!this.opts.force) checkTarget(this.path, this.opts);
      renameSync(this.tmp, this.path);
      pending.delete(this.tmp);
    } catch (e) {
      this.removeTemp();
      throw e instanceof CliError ? e : fail(this.path, errnoText(e, 'no such directory'));
    }
  }

  /** Drops what was written; the target is left as it was. */
  abort(): void {
    this.closeFd();
    this.removeTemp();
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch (e) {
      this.error ??= e;
    }
    this.fd = undefined;
  }

  private removeTemp(): void {
    try {
      unlinkSync(this.tmp);
    } catch {
      // Already gone.
    }
    pending.delete(this.tmp);
  }
}
