/**
 * An output of the command line (JSON, NDJSON, summary, TUI, extraction) as one registered module: the
 * options it adds, whether the command line asks for it, what the model must keep for it, and how it writes.
 * Adding an output is one file like these plus one line in registry.ts.
 */
import type { ModelView, ObservedModel } from '../../model/view.js';
import type { BodyStoreFactory } from '../../model/sparse-body.js';
import type { RecordFilter } from '../../export/filter.js';
import type { PipelineResult } from '../pipeline.js';
import type { CaptureAccess } from '../capture-write.js';

/** Where an output writes text, and where warnings go. */
export interface OutputSink {
  write(text: string): void;
  /**
   * write(terminalSafeJson(json)) (export/json-safe.ts), done by a sink that encodes the text itself: the
   * check then reads the bytes encoded for writing. Absent: the caller escapes and calls write().
   */
  writeJson?(json: string): void;
  warn(text: string): void;
  /**
   * Undefined while the sink can take more text; otherwise a promise that settles once what it holds has been
   * written out (a pipe or a file slower than the analysis). Writers of much text wait for it between pieces,
   * and the pipeline between batches, so memory does not fill with text waiting to be written.
   */
  ready?(): Promise<void> | undefined;
}

/** Settings every output may read. */
export interface OutputSettings {
  filter: RecordFilter;
  color: boolean;
  columns: number;
  /** No primary output was chosen (only an additional one, e.g. --extract). */
  alone: boolean;
  /** Files an output writes may replace existing ones (--force). */
  force: boolean;
  /**
   * The capture files to read again and the frames the first pass remembered, for outputs that write frames
   * (-w, the TUI's `w`); undefined when no output keeps frames or the input cannot be read again (a pipe, an
   * interface).
   */
  capture?: CaptureAccess;
}

/**
 * Writes `pieces` to `sink` (each through `write`, when given), waiting between them while it holds text not yet
 * written (a slow pipe or file).
 */
export async function writePieces(sink: OutputSink, pieces: Iterable<string>, write: (piece: string) => void = (p) => sink.write(p)): Promise<void> {
  for (const piece of pieces) {
    write(piece);
    const wait = sink.ready?.();
    if (wait !== undefined) await wait;
  }
}

/** The analysis as the TUI drives it: reading the sources, and whether they are live (a pipe, an interface). */
export interface AnalysisRun {
  run(): Promise<PipelineResult>;
  live: boolean;
  stdinIsCapture: boolean;
  /** To call once a capture file is read, before the viewer draws (cli/heap.ts drawingHeap; absent: nothing to do). */
  beforeDrawing?: () => void;
}

export interface CliOption {
  flags: string;
  description: string;
}

/** Outputs are declared with method syntax so that an Output<string> is an Output<unknown> in the registry. */
export interface Output<A> {
  readonly name: string;
  readonly options: readonly CliOption[];
  /** A primary output excludes the other primary ones; an additional one (extraction) goes with any. */
  readonly primary: boolean;
  /**
   * What the model keeps for it: body bytes, body hashes, every transaction record and the previews (true:
   * the first bytes of each body; 'text': only what the text preview reads; 'filtered': that, with a filter) of
   * messages with the CPIM envelopes' header lists (always, never, or only when a filter is given: filtered
   * outputs read the whole JSON document).
   */
  readonly keeps: {
    bodies: boolean;
    hashes: boolean;
    transactions: boolean | 'filtered';
    previews: boolean | 'text' | 'filtered';
    /** The frame numbers of every TCP connection and SIP dialog (cli/frame-log.ts), to write them again. */
    frames?: boolean;
    /**
     * The message records it reads once the capture is read (default 'all'): 'counts' for most of them (its
     * lines were written as they came), 'rows' the first SUMMARY_ROWS and counts of the rest (every record with a
     * filter), 'records' every one, taken as it is folded (it gives the model a FoldSink in attach(): --json,
     * every record without a filter). With only such outputs, long captures fold settled messages into counts
     * (model/message-fold.ts). 'filtered': counts without a filter, every record with one (-w: its selection reads
     * only the sessions, connections and SIP dialogs, unless a filter picks records).
     */
    messages?: 'all' | 'rows' | 'counts' | 'records' | 'filtered';
  };
  /**
   * It draws from every record once the capture is read (--ladder, --html), or ('live') at every redraw while a
   * pipe or an interface is read (the viewer): the heap is tuned for it (cli/heap.ts).
   */
  readonly drawsEveryRecord?: boolean | 'live';
  /** The output's argument when the parsed options ask for it (the --json file, the --extract folder), else undefined. */
  requested(options: Readonly<Record<string, unknown>>): A | undefined;
  /** A file to write to instead of standard output. */
  target?(arg: A): string | undefined;
  /**
   * Before reading: throws a CliError when the output's own file cannot be written (it exists without
   * --force, is a directory, its folder is missing), so that no capture is read in vain (output-file.ts).
   */
  check?(arg: A, settings: OutputSettings): void;
  /**
   * Before reading, when the output keeps bodies: where the model puts them (the extraction writes them into its
   * folder as they come); absent, they are held in memory.
   */
  bodyStore?(arg: A): BodyStoreFactory;
  /** Before reading: a streaming output attaches to the model's events. */
  attach?(model: ObservedModel, arg: A, sink: OutputSink, settings: OutputSettings): void;
  /** An output that reads the capture itself (the TUI opens before reading when live); returns its exit code. */
  drive?(model: ObservedModel, arg: A, analysis: AnalysisRun, settings: OutputSettings): Promise<{ result: PipelineResult | undefined; exitCode: number }>;
  /** After reading: writes what the model's read-only view holds. */
  write?(view: ModelView, arg: A, sink: OutputSink, settings: OutputSettings): Promise<void> | void;
}
