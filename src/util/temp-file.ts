import { mkdtempSync, openSync, rmdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * An open file for reading and writing in a new folder of `dir`, removed at once with its folder: it lives while
 * it is open, and goes with the process however it ends. Throws when it cannot be made.
 */
export function openRemoved(dir: string): number {
  const folder = mkdtempSync(join(dir, 'msrpscope-'));
  const file = join(folder, 'records');
  try {
    return openSync(file, 'wx+', 0o600);
  } finally {
    try {
      unlinkSync(file);
    } catch {
      // not made
    }
    rmdirSync(folder);
  }
}
