/**
 * The interactive viewer: draws the controller's frames with blessed and feeds it keys. Screens: session
 * list, ladder, message detail, raw MSRP, diagnostics, help (see format/help.ts for every key).
 * Live mode redraws at most ten times a second when the document changes.
 */
import blessed from 'blessed';
import type { RecordSource } from '../export/record-index.js';
import { escapeText } from '../util/escape.js';
import { TuiController } from './screens/controller.js';
import type { FileSaver } from './screens/file-prompt.js';
import { lineMarkup } from './screens/markup.js';
import type { CutLookup } from '../format/raw.js';
import { createScreen, type Screen } from './terminal.js';
import type { CaptureWriter } from './screens/write-scope.js';

export interface TuiOptions {
  /** The current analysis; called again after each change in live mode. */
  getDocument: () => RecordSource;
  /** Calls onChange when the document changed; returns the unsubscribe function. */
  subscribe?: (onChange: () => void) => () => void;
  /** Rows appear while the capture is read: follow is on at start, the title bar says LIVE. */
  live?: boolean;
  /** Where keys come from (a tty opened on /dev/tty when stdin carries the capture); stdin by default. */
  input?: NodeJS.ReadableStream;
  /** Where the screen is drawn; stdout by default. */
  output?: NodeJS.WritableStream;
  /** Shown in the title bar (never sent as the terminal's window title). */
  title?: string;
  /** First bytes of a message body (the model's preview buffer), for hex dumps and raw bodies. */
  getBody?: (message: number) => Uint8Array | null | undefined;
  /** A request/response cut before its end-line: why, where, and its start-line and header block as received. */
  getCut?: CutLookup;
  /** Writes the files the save keys ask for (W); without it they say the viewer cannot. */
  files?: FileSaver;
  /** Writes the frames of a session, connection or message (`w`); absent when the capture cannot be read again. */
  writer?: CaptureWriter;
}

/** Redraws after document changes are spaced at least this far apart (≤ 10 per second). */
export const MIN_REDRAW_MS = 100;

export interface TuiSession {
  screen: Screen;
  controller: TuiController;
  /** Draws the current frame now. */
  draw(): void;
  /** Resolves with the exit code when the user quits. */
  done: Promise<number>;
  /** Ends the TUI from outside (e.g. a signal): restores the terminal, resolves done with `code`. */
  stop(code: number): void;
  /** Redraws done because the document changed (for tests of the throttle). */
  readonly redraws: number;
}

/** Starts the TUI and returns at once (runTui waits for the end). */
export function startTui(opts: TuiOptions): TuiSession {
  const controller = new TuiController({
    getDocument: opts.getDocument,
    live: opts.live ?? false,
    title: escapeText(opts.title ?? 'msrpscope'),
    body: opts.getBody,
    cut: opts.getCut,
    files: opts.files,
    writer: opts.writer,
  });
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  const screen = createScreen({ input, output });
  const box = (top: number | string, height: number | string, extra: blessed.Widgets.BoxOptions = {}): blessed.Widgets.BoxElement =>
    blessed.box({ parent: screen, top, left: 0, width: '100%', height, tags: true, wrap: false, ...extra });
  const topBar = box(0, 1, { style: { bg: 'blue', fg: 'white' } });
  const main = box(1, '100%-2');
  const bottomBar = box('100%-1', 1);

  let finished = false;
  let redraws = 0;
  let lastRedraw = 0;
  let gap = MIN_REDRAW_MS;
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;
  let resolveDone: (code: number) => void = () => undefined;
  let rejectDone: (err: unknown) => void = () => undefined;
  const done = new Promise<number>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });

  const draw = (): void => {
    if (finished) return;
    const width = Math.max(1, screen.width as number);
    const height = Math.max(3, screen.height as number);
    const f = controller.frame(width, height);
    topBar.setContent(lineMarkup(f.top, width, false));
    main.setContent(f.rows.map((r) => lineMarkup(r.line, width, r.selected)).join('\n'));
    bottomBar.setContent(lineMarkup(f.bottom, width, false));
    screen.render();
  };

  const cleanup = (): void => {
    finished = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    unsubscribe?.();
    unsubscribe = undefined;
    input.removeListener('end', onEnd);
    screen.destroy();
  };

  const stop = (code: number): void => {
    if (finished) return;
    cleanup();
    resolveDone(code);
  };

  const fail = (err: unknown): void => {
    if (finished) return;
    cleanup();
    rejectDone(err);
  };

  const onEnd = (): void => stop(0);

  /** Runs a step of the viewer (a key, a redraw); an error in it ends the viewer with that error. */
  const safely = (step: () => void): void => {
    try {
      step();
    } catch (err) {
      fail(err);
    }
  };
  const safeDraw = (): void => safely(draw);

  /** A document change: redraw now if the last one was long enough ago, else once the interval is up. */
  const changed = (): void => {
    if (finished || timer !== undefined) return;
    const wait = Math.max(0, lastRedraw + gap - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      if (finished) return;
      const started = Date.now();
      redraws++;
      safely(() => {
        controller.refresh();
        draw();
      });
      // The next one waits twice as long as this one took (at least MIN_REDRAW_MS), counted from its end: a
      // redraw that reads a large capture's records takes at most a third of the time the reading gets.
      lastRedraw = Date.now();
      gap = Math.max(MIN_REDRAW_MS, 2 * (lastRedraw - started));
    }, wait);
  };

  screen.on('keypress', (ch: string | undefined, key: blessed.Widgets.Events.IKeyEventArg | undefined) => {
    if (finished) return;
    let name = key?.full ?? ch ?? '';
    // blessed reports "\r" twice (return, then enter); "\n" as linefeed.
    if (name === 'return') return;
    if (name === 'linefeed') name = 'enter';
    safely(() => {
      const code = controller.key({ name, ch: ch ?? undefined });
      if (code !== undefined) stop(code);
      else draw();
    });
  });
  screen.on('resize', safeDraw);
  input.on('end', onEnd);
  controller.onUpdate = safeDraw;
  try {
    if (opts.subscribe !== undefined) unsubscribe = opts.subscribe(changed);
    draw();
  } catch (err) {
    cleanup();
    throw err;
  }
  return {
    screen,
    controller,
    draw,
    done,
    stop,
    get redraws() {
      return redraws;
    },
  };
}

/** Runs the TUI until the user quits; resolves with the exit code (0 for `q` on the session list). */
export async function runTui(opts: TuiOptions): Promise<number> {
  return startTui(opts).done;
}
