/**
 * The TUI without a terminal: a stack of screens, global keys, time mode and follow, and the frame to
 * draw (title bar, header + rows, status line) for a width and height. app.ts only draws frames and
 * feeds keys, so every behaviour here is testable with plain function calls.
 */
import type { RecordSource } from '../../export/record-index.js';
import type { TimeMode } from '../../format/format.js';
import { seg, type Line } from '../../format/line.js';
import type { CutLookup } from '../../format/raw.js';
import { DiagnosticsView } from './diagnostics-view.js';
import { FilePrompt, type FileSaver } from './file-prompt.js';
import { HelpView } from './help-view.js';
import { ListView } from './list-view.js';
import { movementOf } from './viewport.js';
import type { KeyPress, Row, View, ViewContext } from './view.js';
import { writeScopeOf, type CaptureWriter } from './write-scope.js';
import { defaultWriteName, scopeName } from '../../export/frame-selection.js';

export interface ControllerOptions {
  getDocument: () => RecordSource;
  live?: boolean;
  title?: string;
  body?: (message: number) => Uint8Array | null | undefined;
  /** What the model kept of a request/response cut before its end-line (raw view). */
  cut?: CutLookup;
  /** Writes the files the save keys ask for (the command line passes one on cli/output-file.ts). */
  files?: FileSaver;
  /** Writes frames for `w`; absent when the capture cannot be read again (standard input, live). */
  writer?: CaptureWriter;
}

export interface Frame {
  top: Line;
  /** Exactly height - 2 rows. */
  rows: Row[];
  bottom: Line;
}

/** Status messages stay this long (ms). */
const STATUS_MS = 4000;

export class TuiController {
  private readonly stack: View[] = [new ListView()];
  private doc: RecordSource;
  timeMode: TimeMode = 'absolute';
  follow: boolean;
  readonly live: boolean;
  private status: { text: string; until: number } | undefined;
  /** A file name prompt in the status line: it gets every key while open. */
  private prompt: FilePrompt | undefined;
  private readonly opts: ControllerOptions;
  /** Called when something changes outside a key press (a file written in the background): redraw. */
  onUpdate: (() => void) | undefined;

  constructor(opts: ControllerOptions) {
    this.opts = opts;
    this.live = opts.live ?? false;
    this.follow = this.live;
    this.doc = opts.getDocument();
  }

  /** Reads the document again (live updates). */
  refresh(): void {
    this.doc = this.opts.getDocument();
  }

  get document(): RecordSource {
    return this.doc;
  }

  get top(): View {
    return this.stack[this.stack.length - 1] ?? this.stack[0] ?? new ListView();
  }

  get depth(): number {
    return this.stack.length;
  }

  context(): ViewContext {
    return { doc: this.doc, timeMode: this.timeMode, follow: this.follow, live: this.live, body: this.opts.body, cut: this.opts.cut, files: this.opts.files };
  }

  private say(text: string): void {
    this.status = { text, until: Date.now() + STATUS_MS };
  }

  /** Handles one key; returns the exit code when the TUI should end. */
  key(k: KeyPress): number | undefined {
    if (k.name === 'C-c') return 130;
    if (this.prompt !== undefined) {
      const r = this.prompt.key(k);
      if (r.done) {
        this.prompt = undefined;
        this.say(r.status);
        void r.later?.then((text) => {
          this.say(text);
          this.onUpdate?.();
        });
      }
      return undefined;
    }
    const view = this.top;
    // Moving by hand ends follow (typing in the filter prompt is not moving).
    const editing = view instanceof ListView && view.isEditing;
    if (this.follow && !editing && movementOf(k.name, k.ch) !== undefined) this.follow = false;
    const a = view.key(k, this.context());
    if (a !== undefined) {
      switch (a.type) {
        case 'quit':
          return a.code;
        case 'push':
          this.stack.push(...a.views);
          return undefined;
        case 'pop':
          if (this.stack.length > 1) this.stack.pop();
          return undefined;
        case 'status':
          this.say(a.text);
          return undefined;
        case 'prompt':
          this.prompt = a.prompt;
          this.status = undefined;
          return undefined;
        case 'handled':
          return undefined;
      }
    }
    if (k.ch === '?' || k.name === 'f1') {
      if (view.kind !== 'help') this.stack.push(new HelpView());
      return undefined;
    }
    if (k.ch === 'd') {
      if (view.kind !== 'diagnostics') this.stack.push(new DiagnosticsView());
      return undefined;
    }
    if (k.ch === 't') {
      this.timeMode = this.timeMode === 'absolute' ? 'delta' : 'absolute';
      this.say(this.timeMode === 'absolute' ? 'time: absolute (UTC)' : 'time: delta to the row above');
      return undefined;
    }
    if (k.ch === 'w') {
      this.startWrite(view);
      return undefined;
    }
    if (k.ch === 'f') {
      this.follow = !this.follow;
      this.say(this.follow ? 'follow on: the newest row stays in view' : 'follow off');
      return undefined;
    }
    if (k.ch === 'q' || k.name === 'escape') {
      if (this.stack.length > 1) this.stack.pop();
      else if (k.ch === 'q') return 0;
      return undefined;
    }
    return undefined;
  }

  /** `w`: asks for a file name for what the screen shows (list row, ladder, message), then writes its frames. */
  private startWrite(view: View): void {
    const writer = this.opts.writer;
    if (writer === undefined) {
      this.say('w: cannot write frames: the capture came from a pipe or an interface and cannot be read again');
      return;
    }
    const files = this.opts.files;
    if (files === undefined) {
      this.say('w: this viewer cannot write files');
      return;
    }
    const scope = writeScopeOf(view, this.context());
    if (scope === undefined) {
      this.say('w: nothing selected to write');
      return;
    }
    const doc = this.doc;
    this.prompt = new FilePrompt({
      action: `write the frames of ${scopeName(scope)}`,
      verb: 'write',
      initial: defaultWriteName(scope),
      check: (path) => files.check(path),
      submit: (path, force) => writer.write(doc, scope, path, force),
    });
    this.status = undefined;
  }

  /** The frame for a terminal of `width` × `height` cells. */
  frame(width: number, height: number, now = Date.now()): Frame {
    const w = Math.max(1, width);
    const h = Math.max(3, height);
    const view = this.top;
    const ctx = this.context();
    const r = view.render(ctx, w, h - 2);
    const rows: Row[] = [...r.header.map((line) => ({ line, selected: false })), ...r.rows].slice(0, h - 2);
    while (rows.length < h - 2) rows.push({ line: [], selected: false });
    const name = this.opts.title ?? 'msrpscope';
    const flags: string[] = [];
    if (this.live) flags.push(this.follow ? 'LIVE follow' : 'LIVE');
    if (this.timeMode === 'delta') flags.push('Δt');
    const top: Line = [seg(`${name} · ${view.title(ctx)}`, 'head')];
    if (flags.length > 0) top.push(seg(`  [${flags.join(' · ')}]`, 'accent'));
    let bottom: Line;
    if (this.prompt !== undefined) bottom = this.prompt.line();
    else if (this.status !== undefined && now < this.status.until) bottom = [seg(this.status.text, 'warn')];
    else if (r.prompt !== undefined) bottom = r.prompt;
    else bottom = [seg(view.hints(), 'dim')];
    return { top, rows, bottom };
  }
}
