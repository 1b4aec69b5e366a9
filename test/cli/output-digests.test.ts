/**
 * Pins the `--json` output of every capture in samples/ (and of the shared corpus when it is beside the
 * clone) to a sha256 in test/data/json-digests.txt, so that reshaping or speeding up the code cannot change
 * a byte of what users read. A deliberate output change rewrites the file:
 *   node scripts/json-digests.mjs --write
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureList, digestOf, readPinned } from '../../scripts/json-digests.mjs';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const HAVE_SHARED = existsSync(path.join(ROOT, '..', 'shared', 'corpus'));
const pinned = readPinned();

describe('JSON output digests', () => {
  const all = captureList();
  const own = all.filter((c) => !c.shared);
  it('pins every project sample (and only existing captures)', () => {
    expect(own.length).toBeGreaterThanOrEqual(9);
    for (const c of own) expect(pinned.has(c.name), c.name).toBe(true);
  });
  for (const c of all) {
    it.skipIf(c.shared && !HAVE_SHARED)(`${c.name}`, async () => {
      expect(await digestOf(c)).toBe(pinned.get(c.name));
    }, 60_000);
  }
});
