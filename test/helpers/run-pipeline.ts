/**
 * Runs a capture (a path, or a stream fed slowly for live NDJSON tests) through the CLI's pipeline
 * (src/cli/pipeline.ts: reader → decoder → TCP reassembly → MSRP tap + SIP → Store) into a Store.
 */
import type { Readable } from 'node:stream';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runPipeline } from '../../src/cli/pipeline.js';
import { Store, type StoreOptions } from '../../src/model/store.js';

/** ../shared relative to the repository root, and its corpus. */
export const SHARED = fileURLToPath(new URL('../../../shared', import.meta.url));
export const CORPUS = `${SHARED}/corpus`;
export const HAVE_CORPUS = existsSync(CORPUS);

export interface PipelineRun {
  store: Store;
  frames: number;
}

export async function runCapture(
  input: string | Readable,
  opts: StoreOptions & { name?: string; store?: Store } = {},
): Promise<PipelineRun> {
  const store = opts.store ?? new Store(opts);
  const result = await runPipeline({
    sources: [{ name: opts.name ?? (typeof input === 'string' ? input : '-'), input }],
    model: store,
  });
  return { store, frames: result.info.packets };
}
