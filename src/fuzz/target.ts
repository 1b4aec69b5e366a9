import type { CaseOutcome } from './check.js';
import type { Rng } from './rng.js';
import type { SeedPool } from './seeds.js';

export type { CaseOutcome } from './check.js';

/**
 * One fuzz target: `generate` builds the input of a case from the seeds (deterministic for the rng), `run`
 * feeds it through the code under test. `run` must be deterministic for (input, rng): a reproducer is the
 * input file plus the case seed. Any exception escaping `run` is a crash; problems in the outcome are
 * findings too.
 */
export interface FuzzTarget {
  name: string;
  /** What is fed to what (one line, for the report). */
  description: string;
  generate(rng: Rng, pool: SeedPool): Buffer;
  run(input: Buffer, rng: Rng): CaseOutcome | Promise<CaseOutcome>;
}

/** Seed salts: the case seed drives generation, the run uses a derived stream. */
export const RUN_SALT = 0x5bd1e995;
