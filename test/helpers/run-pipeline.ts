/**
 * Runs a capture (a path, or a stream fed slowly for live NDJSON tests) through the CLI's pipeline
 * (src/cli/pipeline.ts: reader → decoder → TCP reassembly → MSRP tap + SIP → Store) into a Store.
 */
import type { Readable } from 'node:stream';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runPipeline } from '../../src/cli/pipeline.js';
import { Correlator, type CorrelatorOptions } from '../../src/model/correlator.js';

/** ../shared relative to the repository root, and its corpus. */
export const SHARED = fileURLToPath(new URL('../../../shared', import.meta.url));
export const CORPUS = `${SHARED}/corpus`;
export const HAVE_CORPUS = existsSync(CORPUS);

export interface PipelineRun {
  store: Correlator;
  frames: number;
}

export async function runCapture(
  input: string | Readable,
  opts: CorrelatorOptions & { name?: string; store?: Correlator } = {},
): Promise<PipelineRun> {
  const store = opts.store ?? new Correlator(opts);
  const result = await runPipeline({
    sources: [{ name: opts.name ?? (typeof input === 'string' ? input : '-'), input }],
    model: store,
  });
  return { store, frames: result.info.packets };
}
