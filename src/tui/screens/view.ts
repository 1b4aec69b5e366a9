/** What every screen implements; the controller keeps them on a stack. No terminal in here. */
import type { RecordSource } from '../../export/record-index.js';
import type { TimeMode } from '../../format/format.js';
import type { Line } from '../../format/line.js';
import type { CutLookup } from '../../format/raw.js';
import type { FilePrompt, FileSaver } from './file-prompt.js';

export type ScreenKind = 'list' | 'ladder' | 'detail' | 'raw' | 'diagnostics' | 'help';

export interface KeyPress {
  /** blessed's full key name: `enter`, `up`, `C-c`, `S-s`, `f1`, or the character. */
  name: string;
  /** The character typed, when there is one. */
  ch: string | undefined;
}

export interface ViewContext {
  /** The records shown: a document (live, filtered), or an index over the model (a capture read from files). */
  doc: RecordSource;
  timeMode: TimeMode;
  follow: boolean;
  live: boolean;
  /** First bytes of a message body, when the caller keeps them (hex dump / raw body). */
  body: ((message: number) => Uint8Array | null | undefined) | undefined;
  /** What the caller kept of a request/response cut before its end-line (raw view). */
  cut?: CutLookup | undefined;
  /** Writes files for the keys that save (W); undefined when the viewer cannot. */
  files?: FileSaver | undefined;
}

export interface Row {
  line: Line;
  selected: boolean;
}

export interface Rendered {
  /** Fixed lines above the rows (column headers, legends). */
  header: Line[];
  /** Exactly the rows in view (never more than the space left under the header). */
  rows: Row[];
  /** Replaces the key hints in the status line (the filter prompt). */
  prompt?: Line;
}

export type Action =
  | { type: 'push'; views: View[] }
  | { type: 'pop' }
  | { type: 'quit'; code: number }
  | { type: 'status'; text: string }
  /** Opens a file name prompt in the status line (file-prompt.ts). */
  | { type: 'prompt'; prompt: FilePrompt }
  | { type: 'handled' };

export interface View {
  readonly kind: ScreenKind;
  title(ctx: ViewContext): string;
  /** Short key hints for the status line. */
  hints(): string;
  /** Draws `height` rows (header included) of `width` cells, reading the document in ctx. */
  render(ctx: ViewContext, width: number, height: number): Rendered;
  /** Handles a key; undefined leaves it to the global keys. */
  key(k: KeyPress, ctx: ViewContext): Action | undefined;
}

/** True when the key is the named one or the typed character. */
export function is(k: KeyPress, ...names: string[]): boolean {
  return names.some((n) => k.name === n || (n.length === 1 && k.ch === n));
}

export const HANDLED: Action = { type: 'handled' };

/**
 * A one-line text prompt's editing keys (the filter, a file name): backspace drops the last character (a code
 * point), C-u clears, a typed character is added while the text is shorter than `max`. Undefined when `k` is
 * not one of them.
 */
export function editLine(text: string, k: KeyPress, max: number): string | undefined {
  if (k.name === 'backspace') return [...text].slice(0, -1).join('');
  if (k.name === 'C-u') return '';
  if (k.ch !== undefined && k.ch.length > 0 && !k.name.startsWith('C-') && !k.name.startsWith('M-') && /^[^\u0000-\u001f\u007f-\u009f]+$/u.test(k.ch)) {
    return text.length < max ? text + k.ch : text;
  }
  return undefined;
}
