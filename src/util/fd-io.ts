/**
 * Whole writes and reads on a file descriptor: a system call may move fewer bytes than asked, and a loop that
 * adds what each moved must stop when one moves none (a full device, a file cut short) instead of spinning.
 */
import { readSync, writeSync } from 'node:fs';

function shortIo(what: string): Error {
  return Object.assign(new Error(what), { code: 'EIO' });
}

/** Writes all of `bytes` at `position` (null: at the descriptor's own position); throws when a write moves nothing. */
export function writeAll(fd: number, bytes: Uint8Array, position: number | null = null): void {
  for (let done = 0; done < bytes.length; ) {
    const n = writeSync(fd, bytes, done, bytes.length - done, position === null ? null : position + done);
    if (n <= 0) throw shortIo('short write');
    done += n;
  }
}

/** Reads `length` bytes at `position` into the start of `into`; throws when the file ends before. */
export function readAll(fd: number, into: Uint8Array, length: number, position: number): void {
  for (let got = 0; got < length; ) {
    const n = readSync(fd, into, got, length - got, position + got);
    if (n <= 0) throw shortIo(`short read: the file ends at byte ${position + got}, before ${position + length}`);
    got += n;
  }
}
