/**
 * Runs a capture (a path, or a stream fed slowly for live NDJSON tests) through the CLI's pipeline
 * (src/cli/pipeline.ts: reader → decoder → TCP reassembly → MSRP tap + SIP → Store) into a Store.
 */
import type { Readable } from 'node:stream';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runPipeline } from '../../src/cli/pipeline.js';
import { Correlator, type CorrelatorOptions } from '../../src/model/correlator.js';
import { KeyRing } from '../../src/cli/keylog.js';

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

/** The model of a capture file as the command line builds it, decrypted with the key log when one is given. */
export async function analysedWithKeys(file: string, keylog: string | null, opts: CorrelatorOptions = {}): Promise<Correlator> {
  const model = new Correlator(opts);
  const keys = new KeyRing((d) => model.diagnostic(d));
  if (keylog !== null) keys.addFile(keylog, false);
  try {
    await runPipeline({ sources: [{ name: file, input: file }], model, keys });
  } finally {
    keys.close();
  }
  return model;
}
