/**
 * The `w` key: write the frames of the selected session, connection or message to a capture file (as `-w`
 * does). A prompt at the bottom asks for the file name (prefilled `session-<n>.pcapng`), then, when the file
 * exists, whether to replace it; the writing itself is the caller's (it reads the capture files again).
 */
import type { JsonDocument } from '../../export/json-types.js';
import { defaultWriteName, type WriteScope } from '../../export/frame-selection.js';
import { indexDocument } from '../../format/doc-index.js';
import { seg, type Line } from '../../format/line.js';
import { DetailView } from './detail-view.js';
import { LadderView } from './ladder-view.js';
import { ListView } from './list-view.js';
import type { KeyPress, View, ViewContext } from './view.js';

/** What the viewer's caller offers for `w`: undefined when the capture cannot be read again (a pipe, live). */
export interface CaptureWriter {
  exists(path: string): boolean;
  /** Writes the scope's frames; resolves with the line for the status bar (the result, or the error). */
  write(doc: JsonDocument, scope: WriteScope, path: string, force: boolean): Promise<string>;
}

/** What `w` writes on this screen: the list's selected row, the ladder's session, the detail's message. */
export function writeScopeOf(view: View, ctx: ViewContext): WriteScope | undefined {
  if (view instanceof ListView) {
    const rows = view.visibleRows(ctx);
    const r = rows[view.cursor];
    if (r === undefined) return undefined;
    return r.scope.kind === 'session' ? { kind: 'session', session: r.scope.session } : { kind: 'connection', connection: r.scope.connection };
  }
  if (view instanceof DetailView) {
    const t = view.target;
    const message = t.kind === 'message' ? t.message : t.kind === 'transaction' ? (indexDocument(ctx.doc).transaction(t.transaction)?.message ?? null) : null;
    if (message !== null) return { kind: 'message', message };
    const s = view.scope;
    if (s === undefined) return undefined;
    return s.kind === 'session' ? { kind: 'session', session: s.session } : { kind: 'connection', connection: s.connection };
  }
  if (view instanceof LadderView) {
    const s = view.scope;
    return s.kind === 'session' ? { kind: 'session', session: s.session } : { kind: 'connection', connection: s.connection };
  }
  return undefined;
}

/** Outcome of a key in the prompt. */
export type PromptResult =
  | { type: 'editing' }
  | { type: 'cancel' }
  | { type: 'write'; path: string; force: boolean };

/** The file-name prompt, then the overwrite question. */
export class WritePrompt {
  text: string;
  /** Set once Enter was pressed on a file that exists: waiting for y/n. */
  confirming = false;

  constructor(
    readonly scope: WriteScope,
    private readonly exists: (path: string) => boolean,
  ) {
    this.text = defaultWriteName(scope);
  }

  key(k: KeyPress): PromptResult {
    if (this.confirming) {
      if (k.ch === 'y' || k.ch === 'Y') return { type: 'write', path: this.text, force: true };
      if (k.ch === 'n' || k.ch === 'N' || k.name === 'escape' || k.name === 'enter') {
        this.confirming = false;
        return { type: 'editing' };
      }
      return { type: 'editing' };
    }
    if (k.name === 'escape' || k.name === 'C-c') return { type: 'cancel' };
    if (k.name === 'enter') {
      const path = this.text.trim();
      if (path === '') return { type: 'editing' };
      this.text = path;
      if (this.exists(path)) {
        this.confirming = true;
        return { type: 'editing' };
      }
      return { type: 'write', path, force: false };
    }
    if (k.name === 'backspace') this.text = [...this.text].slice(0, -1).join('');
    else if (k.name === 'C-u') this.text = '';
    else if (k.ch !== undefined && k.ch.length > 0 && !k.name.startsWith('C-') && !k.name.startsWith('M-') && /^[^\u0000-\u001f\u007f-\u009f]+$/u.test(k.ch)) {
      if (this.text.length < 1000) this.text += k.ch;
    }
    return { type: 'editing' };
  }

  /** The status line while the prompt is open. */
  line(): Line {
    if (this.confirming) return [seg(`${this.text} exists: replace it? `, 'warn'), seg('y', 'key'), seg('/'), seg('n', 'key')];
    return [seg('write to: ', 'key'), seg(`${this.text}█`), seg('  Enter write · Esc cancel', 'dim')];
  }
}
