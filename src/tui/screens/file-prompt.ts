/**
 * "Save to which file?": a prompt in the status line that any screen can open (the controller routes keys to it
 * while it is open and draws its line). Enter writes the file through the caller's FileSaver (the command line
 * passes one built on cli/output-file.ts: written whole or not at all); an existing file is replaced only after
 * `y`. The result or the error goes to the status line.
 */
import { seg, type Line } from '../../format/line.js';
import type { KeyPress } from './view.js';

/** Writing files for the TUI; the command line provides it (the TUI does not import cli/). */
export interface FileSaver {
  /** Whether `path` can be written: `exists` when a regular file is there (replaced only when confirmed). */
  check(path: string): { ok: true; exists: boolean } | { ok: false; error: string };
  /** Writes the whole file (replacing it when `force`); returns the bytes written. Throws an Error with a one-line message. */
  write(path: string, data: string | Uint8Array, force: boolean): number;
}

export interface FilePromptOptions {
  /** What is saved, for the prompt and the result (`the ladder of session 0`). */
  what: string;
  /** The file name the prompt starts with. */
  initial: string;
  /** The content, made when the file is written. */
  content: () => string | Uint8Array;
  /** undefined: this viewer cannot write files (the prompt says so at once). */
  saver: FileSaver | undefined;
}

/** What a key did: the prompt stays open, or it is done (with a status line message). */
export type PromptResult = { done: false } | { done: true; status: string };

const OPEN: PromptResult = { done: false };
/** Longest file name typed. */
const MAX_NAME = 1024;

function isTyped(k: KeyPress): k is KeyPress & { ch: string } {
  return k.ch !== undefined && k.ch.length > 0 && !k.name.startsWith('C-') && !k.name.startsWith('M-') && /^[^\u0000-\u001f\u007f-\u009f]+$/u.test(k.ch);
}

export class FilePrompt {
  private text: string;
  /** The path waiting for y/n because it exists. */
  private confirming: string | undefined;

  constructor(private readonly opts: FilePromptOptions) {
    this.text = opts.initial;
  }

  /** The status line while the prompt is open. */
  line(): Line {
    if (this.confirming !== undefined) {
      return [seg(`${this.confirming} exists: overwrite it? `, 'warn'), seg('y', 'key'), seg('/'), seg('n', 'key')];
    }
    return [seg(`save ${this.opts.what} to: `, 'key'), seg(`${this.text}█`), seg('  Enter save · Esc cancel', 'dim')];
  }

  key(k: KeyPress): PromptResult {
    if (this.opts.saver === undefined) return { done: true, status: 'this viewer cannot write files' };
    if (this.confirming !== undefined) {
      if (k.ch === 'y' || k.ch === 'Y') return this.save(this.confirming, true);
      if (k.ch === 'n' || k.ch === 'N' || k.name === 'escape') this.confirming = undefined;
      return OPEN;
    }
    if (k.name === 'escape') return { done: true, status: 'not saved' };
    if (k.name === 'enter') {
      const path = this.text.trim();
      if (path === '') return OPEN;
      const c = this.opts.saver.check(path);
      if (!c.ok) return { done: true, status: `not saved: ${c.error}` };
      if (c.exists) {
        this.confirming = path;
        return OPEN;
      }
      return this.save(path, false);
    }
    if (k.name === 'backspace') this.text = [...this.text].slice(0, -1).join('');
    else if (k.name === 'C-u') this.text = '';
    else if (isTyped(k) && this.text.length < MAX_NAME) this.text += k.ch;
    return OPEN;
  }

  private save(path: string, force: boolean): PromptResult {
    const saver = this.opts.saver;
    if (saver === undefined) return { done: true, status: 'this viewer cannot write files' };
    try {
      const bytes = saver.write(path, this.opts.content(), force);
      return { done: true, status: `saved ${this.opts.what} to ${path} (${bytes} bytes)` };
    } catch (e) {
      return { done: true, status: `not saved: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
}
