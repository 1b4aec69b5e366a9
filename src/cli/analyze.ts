import { Store } from '../model/store.js';
import { buildJsonDocument } from '../export/json.js';
import { createNdjsonWriter } from '../export/ndjson.js';
import { renderSummary } from '../export/summary.js';
import { runPipeline, type PipelineSource } from './pipeline.js';

export type OutputMode = 'summary' | 'json' | 'ndjson';

export interface AnalyzeOptions {
  files: string[];
  mode: OutputMode;
  msrpPorts: number[];
  write: (s: string) => void;
  warn: (s: string) => void;
  color: boolean;
  columns: number | undefined;
}

export interface AnalyzeResult {
  damaged: boolean;
}

/** Runs the pipeline over the files and writes the chosen output. */
export async function analyze(opts: AnalyzeOptions): Promise<AnalyzeResult> {
  const store = new Store({ keepBodies: false });
  const sources: PipelineSource[] = opts.files.map((f) => ({ name: f, input: f === '-' ? process.stdin : f }));
  if (opts.mode === 'ndjson') createNdjsonWriter(store, (line) => opts.write(`${line}\n`));
  const result = await runPipeline({ sources, model: store, msrpPorts: opts.msrpPorts, hashBodies: false });
  if (result.info.truncated) opts.warn(`capture cut short after frame ${result.info.last?.frame ?? 0}`);
  const doc = buildJsonDocument(store);
  if (opts.mode === 'json') opts.write(`${JSON.stringify(doc, null, 2)}\n`);
  else if (opts.mode === 'summary') opts.write(renderSummary(doc, { color: opts.color, columns: opts.columns ?? 100 }));
  return { damaged: result.damaged };
}
