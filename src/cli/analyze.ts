import { Correlator } from '../model/correlator.js';
import { buildJsonDocument, writeJsonDocument } from '../export/json.js';
import { terminalSafeJson } from '../export/json-safe.js';
import { extractBodies } from '../export/extract.js';
import { createNdjsonWriter } from '../export/ndjson.js';
import { renderSummary } from '../export/summary.js';
import { summaryInput } from '../export/summary-input.js';
import { filterDocument, isEmptyFilter, type RecordFilter } from '../export/filter.js';
import { ndjsonStreamFilter } from '../export/ndjson-filter.js';
import { runPipeline, type PipelineResult, type PipelineSource } from './pipeline.js';
import { Progress } from './progress.js';
import { KeyRing } from './keylog.js';

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
  /** NSS key log files for TLS decryption (--keylog, -o tls.keylog_file:). */
  keylogs?: string[];
  /** Re-read the key logs as they grow (a live capture or a pipe). */
  followKeylogs?: boolean;
  /** Total input size when a progress line should be shown (stderr is a terminal, input is files). */
  progressTotal: number | undefined;
}

export interface AnalyzeResult {
  damaged: boolean;
  /** Set when the TUI decided the exit code (q → 0). */
  exitCode?: number;
}

/** Runs the pipeline over the sources and writes the chosen output. */
export async function analyze(opts: AnalyzeOptions): Promise<AnalyzeResult> {
  const model = new Correlator({
    keepBodies: opts.extractDir !== undefined,
    // Body hashes appear in JSON/NDJSON records and verify file transfers; the summary shows neither.
    hashBodies: opts.mode !== 'summary' || opts.extractDir !== undefined,
  });
  if (opts.mode === 'ndjson') {
    const filtering = !isEmptyFilter(opts.filter);
    const matches = ndjsonStreamFilter(opts.filter);
    createNdjsonWriter(model, (line) => {
      if (filtering && !matches(line)) return;
      opts.write(`${line}\n`);
    });
  }
  // Key material: the files now (an unreadable one stops here), pcapng secrets as the capture is read.
  const keys = new KeyRing((d) => model.diagnostic(d));
  for (const f of opts.keylogs ?? []) keys.addFile(f, opts.followKeylogs === true);
  const progress = opts.progressTotal !== undefined && opts.progressTotal > 20e6 ? new Progress(opts.progressTotal, process.stderr) : undefined;
  const run = async (): Promise<PipelineResult> => {
    try {
      return await runPipeline({
        sources: opts.sources,
        model,
        msrpPorts: opts.msrpPorts,
        sipPorts: opts.sipPorts,
        hashBodies: false,
        keys,
        onProgress: progress ? (bytes) => progress.update(bytes) : undefined,
      });
    } finally {
      progress?.finish();
      keys.close();
    }
  };
  if (opts.mode === 'tui') {
    // Loaded only here: the other modes do not pay for the terminal UI's modules.
    const { openTuiInput, runTuiMode } = await import('./tui-mode.js');
    const live = opts.sources.some((s) => typeof s.input !== 'string');
    const input = openTuiInput(opts.sources.some((s) => s.input === process.stdin));
    const { exitCode, result } = await runTuiMode(model, run, { live, input, filter: opts.filter, title: 'msrpscope' });
    if (result?.info.truncated) opts.warn(`capture cut short after frame ${result.info.last?.frame ?? 0}`);
    return { damaged: result?.damaged ?? false, exitCode };
  }
  const result = await run();
  const view = model.view();
  if (result.info.truncated) opts.warn(`capture cut short after frame ${result.info.last?.frame ?? 0}`);
  if (opts.mode === 'json' || opts.mode === 'summary') {
    if (opts.mode === 'json' && isEmptyFilter(opts.filter)) {
      // Streamed record by record: the whole document is never held as one string.
      writeJsonDocument(view, (chunk) => opts.write(terminalSafeJson(chunk)));
      opts.write('\n');
    } else if (opts.mode === 'summary' && isEmptyFilter(opts.filter)) {
      // Read straight from the model: the full records of every message and transaction are not needed.
      opts.write(renderSummary(summaryInput(view), { color: opts.color, columns: opts.columns }));
    } else {
      const doc = filterDocument(buildJsonDocument(view), opts.filter);
      if (opts.mode === 'json') opts.write(`${terminalSafeJson(JSON.stringify(doc, null, 2))}\n`);
      else opts.write(renderSummary(doc, { color: opts.color, columns: opts.columns }));
    }
  }
  if (opts.extractDir !== undefined) {
    const r = await extractBodies(view, opts.extractDir);
    for (const f of r.failed) opts.warn(`message ${f.message} not extracted: ${f.error}`);
    if (opts.mode === 'none') opts.write(`extracted ${r.files.length} files into ${r.dir} (manifest ${r.manifest})\n`);
  }
  return { damaged: result.damaged };
}
