import { openSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import type { ObservedModel } from '../model/view.js';
import type { RecordFilter } from '../export/filter.js';
import { modelIndex } from '../export/model-index.js';
import type { RecordIndex } from '../export/record-index.js';
import { runTui } from '../tui/app.js';
import type { CutLookup } from '../format/raw.js';
import type { PipelineResult } from './pipeline.js';
import { CliError, EXIT_USAGE } from './errors.js';
import { tuiFileSaver } from './tui-files.js';
import type { ModelView } from '../model/view.js';
import { selectionOfScope } from '../export/frame-selection.js';
import type { CaptureWriter } from '../tui/screens/write-scope.js';
import { writeResultText, writeSelectedFrames, type CaptureAccess } from './capture-write.js';

/**
 * Where the TUI reads keys: stdin, or the controlling terminal when stdin carries the capture
 * (`tcpdump -w - | msrpscope -`), with what closes it once the viewer is closed (the terminal opened here; stdin is
 * left as it is, and not even looked at when it is the capture: the reader holds its descriptor).
 */
export function openTuiInput(stdinIsCapture: boolean): { input: NodeJS.ReadableStream; close: () => void } {
  if (!stdinIsCapture) {
    if (process.stdin.isTTY !== true) throw new CliError('the TUI needs a terminal for its keys; use --summary or --json', EXIT_USAGE);
    return { input: process.stdin, close: () => undefined };
  }
  try {
    const tty = new ReadStream(openSync('/dev/tty', 'r'));
    return { input: tty, close: () => tty.destroy() };
  } catch {
    throw new CliError('the capture comes on stdin and there is no terminal (/dev/tty) for keys; use --summary or --json', EXIT_USAGE);
  }
}

/**
 * The live viewer's records: a model index (export/model-index.ts), made again at each redraw while
 * the capture is being read (packet counts move without events) and, once it is read, only after an event. The
 * viewer so holds what the viewer of a file holds (the model, and the records of the session it draws) instead
 * of a JSON record of everything read so far: on a 1 GB capture read through a pipe, 181-193 MB instead of 581 MB,
 * and every packet shown after 6-6.8 s instead of 9.4 s. A redraw makes the head and, for the session list, the
 * fields its rows show of every message and transaction (the TUI waits twice as long as a redraw took before the
 * next one, src/tui/app.ts).
 */
export function liveModelIndex(model: ObservedModel, filter?: RecordFilter): { document(): RecordIndex; close(): void } {
  const view = model.view();
  let events = 0;
  let seen = -1;
  let ix: RecordIndex | undefined;
  const unsubscribe = model.onEvent(() => {
    events++;
  });
  return {
    document: () => {
      if (ix === undefined || events !== seen || !view.finished()) {
        // Counted before the index is made: an event during the making (none: it only reads) would make it again.
        seen = events;
        ix = modelIndex(view, filter);
      }
      return ix;
    },
    close: unsubscribe,
  };
}

export interface TuiModeOptions {
  live: boolean;
  input: NodeJS.ReadableStream;
  /** Closes `input` once the viewer is closed (openTuiInput). */
  closeInput?: () => void;
  filter: RecordFilter;
  title: string;
  /** The capture files and the frames of the first pass, for `w`; absent for standard input and live captures. */
  capture?: CaptureAccess;
  /** Called once a file is read, before the viewer draws. */
  beforeDrawing?: () => void;
}

/** `w` in the viewer: the frames of a session, connection or message into a file, as -w writes them. */
export function tuiCaptureWriter(access: CaptureAccess | undefined, view: ModelView): CaptureWriter | undefined {
  if (access === undefined) return undefined;
  return {
    write: async (doc, scope, path, force) => {
      const r = await writeSelectedFrames(access, selectionOfScope(doc, scope), path, { force, timestampDigits: view.timestampDigits() });
      return [writeResultText(r, path), ...r.warnings].join('; ');
    },
  };
}

/**
 * Runs the viewer over the analysis. A file is read first (the progress line shows meanwhile); a pipe or a
 * live capture opens the viewer at once and fills it while reading (redraws are throttled by the TUI).
 * Quitting before a live capture ends stops the program with the viewer's exit code.
 */
export async function runTuiMode(
  model: ObservedModel,
  run: () => Promise<PipelineResult>,
  opts: TuiModeOptions,
): Promise<{ exitCode: number; result: PipelineResult | undefined }> {
  const view = model.view();
  const getBody = (i: number): Uint8Array | null => view.messages()[i]?.preview ?? null;
  const getCut: CutLookup = (t, part) => view.cutFrame(t, part);
  const closeInput = opts.closeInput ?? ((): void => undefined);
  if (!opts.live) {
    const result = await run();
    opts.beforeDrawing?.();
    // A capture read whole: the viewer draws from the model, making the records of what it shows (of those a
    // filter keeps) when it shows them (export/model-index.ts).
    const snapshot = modelIndex(view, opts.filter);
    const writer = tuiCaptureWriter(opts.capture, view);
    const exitCode = await runTui({ getDocument: () => snapshot, input: opts.input, title: opts.title, getBody, getCut, files: tuiFileSaver, writer });
    closeInput();
    return { exitCode, result };
  }
  const live = liveModelIndex(model, opts.filter);
  const listeners = new Set<() => void>();
  const unsubscribe = model.onEvent(() => {
    for (const l of listeners) l();
  });
  const tui = runTui({
    getDocument: () => live.document(),
    subscribe: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    live: true,
    input: opts.input,
    title: opts.title,
    getBody,
    getCut,
    files: tuiFileSaver,
  });
  let result: PipelineResult | undefined;
  const reading = run().then((r) => {
    result = r;
    for (const l of listeners) l();
  });
  const exitCode = await tui;
  unsubscribe();
  live.close();
  closeInput();
  // The viewer is closed; a pipe still being read is not waited for.
  await Promise.race([reading.catch(() => undefined), new Promise((r) => setTimeout(r, 0))]);
  return { exitCode, result };
}
