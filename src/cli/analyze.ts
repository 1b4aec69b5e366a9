import { statSync } from 'node:fs';
import { DescriptorSource } from '../capture/types.js';
import { Correlator } from '../model/correlator.js';
import { isEmptyFilter, type RecordFilter } from '../export/filter.js';
import { runPipeline, type PipelineResult, type PipelineSource } from './pipeline.js';
import { DecryptAhead } from './decrypt-ahead.js';
import { Progress } from './progress.js';
import { KeyRing } from './keylog.js';
import type { OutputSink, OutputSettings } from './outputs/output.js';
import type { ChosenOutput } from './outputs/registry.js';
import { FrameLog } from './frame-log.js';
import type { BodyStoreFactory } from '../model/sparse-body.js';
import type { FoldOptions } from '../model/message-fold.js';
import { SUMMARY_ROWS } from '../export/summary.js';

export interface AnalyzeOptions {
  sources: PipelineSource[];
  /** What to write (from chooseOutputs): at most one primary output, plus additional ones. */
  outputs: ChosenOutput[];
  msrpPorts: number[];
  sipPorts: number[];
  filter: RecordFilter;
  /** Where an output writes: standard output, or the file its option names. */
  sinkFor: (target: string | undefined) => OutputSink;
  warn: (s: string) => void;
  color: boolean;
  columns: number;
  /** NSS key log files for TLS decryption (--keylog, -o tls.keylog_file:). */
  keylogs?: string[];
  /** Re-read the key logs as they grow (a live capture or a pipe). */
  followKeylogs?: boolean;
  /** Files written by outputs may replace existing ones (--force). */
  force?: boolean;
  /** Total input size when a progress line should be shown (stderr is a terminal, input is files). */
  progressTotal: number | undefined;
  /** Fold settled messages into counts (foldOptions(): the caller decides it, and tunes the heap for it). */
  foldMessages?: FoldOptions;
  /** Called after each batch of packets is read (heap.ts holds the young generation from here). */
  afterBatch?: () => void;
  /**
   * Called once the capture is read, before outputs that draw from every record write, or those that read back
   * records written ahead (heap.ts drawingHeap).
   */
  beforeDrawing?: () => void;
}

export interface AnalyzeResult {
  damaged: boolean;
  /** Set when the TUI decided the exit code (q → 0). */
  exitCode?: number;
}

/** A regular file (or one that is missing: reading it fails with its own message); a FIFO cannot be read twice. */
function rereadableFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return true;
  }
}

/**
 * Folding of settled messages when every output reads only counts of most of them: the summary's first rows
 * are kept as records (all of them with a filter, which reads every record); outputs that show every record
 * take each as it is folded ('records': --json, --csv, --ladder, --html, --extract, without a filter); -w reads
 * only counts without a filter, every record with one ('filtered').
 */
export function foldOptions(reads: ReadonlyArray<'all' | 'rows' | 'counts' | 'records' | 'filtered'>, filtered: boolean): FoldOptions | undefined {
  if (reads.length === 0 || reads.some((r) => r === 'all' || (r !== 'counts' && filtered))) return undefined;
  return { keepFirst: reads.includes('rows') ? SUMMARY_ROWS : 0, ...(reads.includes('records') ? { records: true } : {}) };
}

/** Runs the pipeline over the sources and hands the model to the chosen outputs. */
export async function analyze(opts: AnalyzeOptions): Promise<AnalyzeResult> {
  const filtered = !isEmptyFilter(opts.filter);
  // Where bodies go, made once the outputs' checks have passed (before any is read).
  const storing = opts.outputs.find((c) => c.output.keeps.bodies && c.output.bodyStore !== undefined);
  let stores: BodyStoreFactory | undefined;
  // Transaction records are most of what a large capture's model holds: kept only for outputs that read them.
  const retainTransactions = opts.outputs.some((c) => c.output.keeps.transactions === true || (c.output.keeps.transactions === 'filtered' && filtered));
  const model = new Correlator({
    keepBodies: opts.outputs.some((c) => c.output.keeps.bodies),
    bodyStore: storing === undefined ? undefined : () => (stores as BodyStoreFactory)(),
    hashBodies: opts.outputs.some((c) => c.output.keeps.hashes),
    retainTransactions,
    // Only the records read a transaction's header lists (NDJSON's lines read the frame's fields).
    transactionHeaders: retainTransactions,
    keepPreviews: opts.outputs.some((c) => c.output.keeps.previews === true)
      ? true
      : opts.outputs.some((c) => c.output.keeps.previews === 'text' || (c.output.keeps.previews === 'filtered' && filtered))
        ? 'text'
        : false,
    foldMessages: opts.foldMessages,
  });
  const keys = new KeyRing((d) => model.diagnostic(d));
  // Files can be read again (-w); standard input and a live capture cannot.
  const files = opts.sources.map((s) => s.input).filter((i): i is string => typeof i === 'string' && i !== '-' && rereadableFile(i));
  const frameLog = files.length === opts.sources.length && opts.outputs.some((c) => c.output.keeps.frames === true) ? new FrameLog() : undefined;
  const settings: OutputSettings = {
    filter: opts.filter,
    color: opts.color,
    columns: opts.columns,
    alone: !opts.outputs.some((c) => c.output.primary),
    force: opts.force === true,
    capture: frameLog === undefined ? undefined : { files, frames: frameLog, keys },
  };
  for (const c of opts.outputs) c.output.check?.(c.arg, settings);
  if (storing !== undefined) stores = storing.output.bodyStore?.(storing.arg);
  const sinks = opts.outputs.map((c) => opts.sinkFor(c.output.target?.(c.arg)));
  opts.outputs.forEach((c, i) => c.output.attach?.(model, c.arg, sinks[i] as OutputSink, settings));
  // Key material: the files now (an unreadable one stops here), pcapng secrets as the capture is read.
  for (const f of opts.keylogs ?? []) keys.addFile(f, opts.followKeylogs === true);
  // Reading waits while an output's text is queued (a slow pipe): streamed records do not pile up in memory.
  const pace = (): Promise<void> | undefined => {
    for (const s of sinks) {
      const wait = s.ready?.();
      if (wait !== undefined) return wait;
    }
    return undefined;
  };
  const progress = opts.progressTotal !== undefined && opts.progressTotal > 20e6 ? new Progress(opts.progressTotal, process.stderr) : undefined;
  // TLS records opened ahead on another thread, for a capture of files decrypted with key log files, or from its
  // first pcapng Decryption Secrets Block on.
  const ahead = new DecryptAhead({ sources: opts.sources.map((s) => s.input), keylogs: opts.keylogs ?? [], following: opts.followKeylogs === true });
  const run = async (): Promise<PipelineResult> => {
    try {
      return await runPipeline({
        recordOpener: ahead,
        onSecretsBlock: () => ahead.secretsBlock(),
        sources: opts.sources,
        model,
        msrpPorts: opts.msrpPorts,
        sipPorts: opts.sipPorts,
        hashBodies: false,
        keys,
        frameLog,
        onProgress:
          progress !== undefined || opts.afterBatch !== undefined
            ? (bytes) => {
                opts.afterBatch?.();
                progress?.update(bytes);
              }
            : undefined,
        pace,
      });
    } finally {
      ahead.finish();
      progress?.finish();
      keys.close();
    }
  };
  const cutShort = (result: PipelineResult | undefined): void => {
    if (result?.info.truncated === true) opts.warn(`capture cut short after frame ${result.info.last?.frame ?? 0}`);
  };
  const driver = opts.outputs.find((c) => c.output.drive !== undefined);
  if (driver?.output.drive !== undefined) {
    const analysis = {
      run,
      live: opts.sources.some((s) => typeof s.input !== 'string'),
      stdinIsCapture: opts.sources.some((s) => s.input instanceof DescriptorSource && s.input.fd === 0),
      beforeDrawing: opts.beforeDrawing,
    };
    const { exitCode, result } = await driver.output.drive(model, driver.arg, analysis, settings);
    // The viewer is closed: standard input still open (its writer still writing) is read no further.
    for (const s of opts.sources) if (s.input instanceof DescriptorSource) s.input.stop();
    cutShort(result);
    // The additional outputs (-w, --extract) write once the viewer is closed, when the capture was read to its end.
    if (result !== undefined) {
      const view = model.view();
      for (const [i, c] of opts.outputs.entries()) if (c !== driver) await c.output.write?.(view, c.arg, sinks[i] as OutputSink, settings);
    }
    return { damaged: result?.damaged ?? false, exitCode };
  }
  const result = await run();
  cutShort(result);
  const view = model.view();
  // Records written ahead (foldMessages.records) are read back and written among the held ones: what that makes
  // dies young, so the heap is held near what the model holds then, as for a drawing. A capture that wrote none
  // ahead (fewer than 10,000 messages: the bench's 200 MB one) writes from the model alone and has no need of it.
  const wroteAhead = opts.foldMessages?.records === true && (view.foldedMessages() !== undefined || view.transactionTotal() > view.transactions().length);
  if (opts.outputs.some((c) => c.output.drawsEveryRecord === true) || wroteAhead) opts.beforeDrawing?.();
  for (const [i, c] of opts.outputs.entries()) await c.output.write?.(view, c.arg, sinks[i] as OutputSink, settings);
  return { damaged: result.damaged };
}
