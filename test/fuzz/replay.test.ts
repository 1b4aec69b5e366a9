import { describe, expect, it } from 'vitest';
import { loadReproducers, runCase } from '../../src/fuzz/campaign.js';
import { targetByName } from '../../src/fuzz/targets/index.js';
import { CRASH_DIR } from './helpers.js';

// Every reproducer in test/fuzz-crashes/ (saved by `npm run fuzz`, or written by hand) is a regression
// test: it runs through its target again and must neither throw, nor break an invariant, nor take long.
// A reproducer whose .json has `open` is a known finding outside this area: skipped with its note.
const reproducers = loadReproducers(CRASH_DIR);

describe('fuzz reproducers (test/fuzz-crashes)', () => {
  it('the folder holds reproducers, each naming a known target', () => {
    expect(reproducers.length).toBeGreaterThanOrEqual(3);
    for (const r of reproducers) expect(targetByName(r.target), r.name).toBeDefined();
  });

  for (const r of reproducers) {
    it.skipIf(r.open !== undefined)(`${r.name} (${r.target}): ${r.open ?? r.message}`, async () => {
      const res = await runCase(targetByName(r.target)!, r.input, r.seed);
      expect(res.error === undefined ? undefined : String((res.error as Error).stack ?? res.error)).toBeUndefined();
      expect(res.outcome?.problems).toEqual([]);
      expect(res.ms).toBeLessThan(2000);
    }, 10_000);
  }
});
