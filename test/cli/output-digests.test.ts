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

/**
 * The pipeline reuses the read buffers of a file once the next batch is asked for: a stage that kept a view
 * of packet bytes past its batch would read another packet's bytes. Read in 1000-byte buffers poisoned
 * before reuse (most records straddle reads, every buffer is reused hundreds of times), the output must not
 * change by a byte.
 */
describe('JSON output digests with small, poisoned read buffers', () => {
  for (const c of captureList()) {
    it.skipIf(c.shared && !HAVE_SHARED)(`${c.name}`, async () => {
      expect(await digestOf(c, { MSRPSCOPE_READ_CHECK: '1000' })).toBe(pinned.get(c.name));
    }, 60_000);
  }
});

