/**
 * Bounded, seeded fuzz runs for the test suite. Seeds come from samples/ only (not ../shared), so every
 * machine runs the same cases. The full campaign is `npm run fuzz` (scripts/fuzz.mjs). A finding here names
 * its case seed; `npm run fuzz -- --seed 20261125 --no-corpus --targets NAME --cases N` generates the same
 * cases and saves the reproducer under test/fuzz-crashes/.
 */
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { runCampaign, type CampaignReport } from '../../src/fuzz/campaign.js';
import { seedFiles } from '../../src/fuzz/seed-files.js';
import { buildSeedPool, type SeedPool } from '../../src/fuzz/seeds.js';
import { targetByName } from '../../src/fuzz/targets/index.js';
import type { FuzzTarget } from '../../src/fuzz/target.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CRASH_DIR = fileURLToPath(new URL('../fuzz-crashes', import.meta.url));
/** The suite's campaign seed (any change gives new cases; findings name their own case seeds). */
export const SUITE_SEED = 20261125;

let pool: SeedPool | undefined;

export function samplePool(): SeedPool {
  pool ??= buildSeedPool(seedFiles(ROOT, { corpus: false }));
  return pool;
}

export function target(name: string): FuzzTarget {
  const t = targetByName(name);
  if (t === undefined) throw new Error(`no fuzz target ${name}`);
  return t;
}

/** Runs `cases` cases of one target; returns the report (findings are not saved from the suite). */
export async function fuzz(name: string, cases: number, seed = SUITE_SEED): Promise<CampaignReport> {
  return runCampaign({ seed, targets: [target(name)], pool: samplePool(), cases, timeBoundMs: 2000 });
}

/** Asserts the run found nothing, showing every finding (target, seed, message) when it did. */
export function expectClean(r: CampaignReport, cases: number): void {
  const rep = r.reports[0]!;
  expect(rep.cases).toBe(cases);
  expect(r.findings.map((f) => `${f.target} ${f.kind} seed=${f.seed}: ${f.message}`)).toEqual([]);
}

export function codesOf(r: CampaignReport): Set<string> {
  return r.reports[0]!.codes;
}
