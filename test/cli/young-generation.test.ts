/**
 * tuneHeap holds V8's young generation at 8 MiB, whatever size it had reached when the first check ran. The
 * check used to stop its growth at the first size of at least 4 MiB it saw: 4 MiB when the check came before the
 * next doubling, 8 MiB when it came after, so the same run made twice the scavenges one time in two or three
 * (200 MB capture, --json: 215 or 106). Runs in a child (V8's flags are the process's): a loop keeps a window of
 * objects alive, so that V8 grows the young generation, and calls the check as the pipeline does. Uses dist/
 * (npm test builds it first). The live viewer's holds it at once, at the size it has.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const HEAP = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'heap.js');

const CHILD = `
import { getHeapSpaceStatistics } from 'node:v8';
const { tuneHeap } = await import(process.argv[1]);
const start = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
const check = tuneHeap({ boundGrowth: false, holdYoungNow: process.argv[2] === 'now' });
const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
const window = new Array(20000);
const sizes = new Set();
for (let i = 0; i < 3_000_000; i++) {
  window[i % window.length] = { i, s: 'x' + (i & 1023), a: [i, i + 1] };
  if ((i & 1023) === 0) {
    check?.();
    sizes.add(young());
  }
}
console.log(JSON.stringify({ start, end: young(), sizes: [...sizes].sort((a, b) => a - b) }));
`;

describe.skipIf(!existsSync(HEAP))('the young generation during an analysis', () => {
  it('grows through 4 MiB and is held at 8 MiB', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, pathToFileURL(HEAP).href], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const { end, sizes } = JSON.parse(r.stdout) as { end: number; sizes: number[] };
    const MiB = 1024 * 1024;
    expect(sizes).toContain(4 * MiB);
    expect(end).toBe(8 * MiB);
    expect(Math.max(...sizes)).toBe(8 * MiB);
  });

  it('is held at the size it has when asked to at once (the live viewer)', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, pathToFileURL(HEAP).href, 'now'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const { start, end, sizes } = JSON.parse(r.stdout) as { start: number; end: number; sizes: number[] };
    const MiB = 1024 * 1024;
    // V8 may still take it from 1 MiB to 2 MiB (its initial size); never further.
    expect(start).toBeLessThanOrEqual(2 * MiB);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2 * MiB);
    expect(end).toBeLessThanOrEqual(2 * MiB);
  });
});
