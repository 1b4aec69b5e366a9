import { Store } from '../model/store.js';
import { buildJsonDocument } from '../export/json.js';
import { createNdjsonWriter } from '../export/ndjson.js';
import { renderSummary } from '../export/summary.js';
import { filterDocument, isEmptyFilter, type RecordFilter } from '../export/filter.js';
import { ndjsonRecordMatches } from '../export/ndjson-filter.js';
import { runPipeline, type PipelineSource } from './pipeline.js';
import { Progress } from './progress.js';

export type OutputMode = 'summary' | 'json' | 'ndjson' | 'tui' | 'none';

export interface AnalyzeOptions {
  sources: PipelineSource[];
  mode: OutputMode;
  msrpPorts: number[];
  sipPorts: number[];
  filter: RecordFilter;
  extractDir: string | undefined;
  write: (s: string) => void;
  warn: (s: string) => void;
  color: boolean;
  columns: number;
  /** Total input size when a progress line should be shown (stderr is a terminal, input is files). */
  progressTotal: number | undefined;
}

export interface AnalyzeResult {
  damaged: boolean;
}

/** Runs the pipeline over the sources and writes the chosen output. */
export async function analyze(opts: AnalyzeOptions): Promise<AnalyzeResult> {
  const store = new Store({ keepBodies: opts.extractDir !== undefined });
  if (opts.mode === 'ndjson') {
    const filtering = !isEmptyFilter(opts.filter);
    createNdjsonWriter(store, (line) => {
      if (filtering && !ndjsonRecordMatches(line, opts.filter)) return;
      opts.write(`${line}\n`);
    });
  }
  const progress = opts.progressTotal !== undefined && opts.progressTotal > 20e6 ? new Progress(opts.progressTotal, process.stderr) : undefined;
  let result;
  try {
    result = await runPipeline({
      sources: opts.sources,
      model: store,
      msrpPorts: opts.msrpPorts,
      sipPorts: opts.sipPorts,
      hashBodies: false,
      onProgress: progress ? (bytes) => progress.update(bytes) : undefined,
    });
  } finally {
    progress?.finish();
  }
  if (result.info.truncated) opts.warn(`capture cut short after frame ${result.info.last?.frame ?? 0}`);
  if (opts.mode === 'json' || opts.mode === 'summary' || opts.mode === 'tui') {
    const doc = filterDocument(buildJsonDocument(store), opts.filter);
    if (opts.mode === 'json') opts.write(`${JSON.stringify(doc, null, 2)}\n`);
    else opts.write(renderSummary(doc, { color: opts.color, columns: opts.columns }));
  }
  return { damaged: result.damaged };
}
