/**
 * "To which file?": a prompt in the status line that any screen can open (the controller routes keys to it while
 * it is open and draws its line): `W` saves a ladder as text, `w` writes frames to a capture file. Enter hands the
 * name to the opener's submit (the command line writes through cli/output-file.ts: whole or not at all); an
 * existing file is replaced only after `y`. The result or the error goes to the status line.
 */
import { seg, type Line } from '../../format/line.js';
import { editLine, type KeyPress } from './view.js';

/** Writing files for the TUI; the command line provides it (the TUI does not import cli/). */
export interface FileSaver {
  /** Whether `path` can be written: `exists` when a regular file is there (replaced only when confirmed). */
  check(path: string): { ok: true; exists: boolean } | { ok: false; error: string };
  /** Writes the whole file (replacing it when `force`); returns the bytes written. Throws an Error with a one-line message. */
  write(path: string, data: string | Uint8Array, force: boolean): number;
}

export interface FilePromptOptions {
  /** What Enter does, for the prompt (`save the ladder of session 0`, `write the frames of session 0`). */
  action: string;
  /** The verb of the hint (`Enter save`, `Enter write`), and of the status lines (`saving`, `not written`). */
  verb: 'save' | 'write';
  /** The file name the prompt starts with. */
  initial: string;
  /** Whether `path` can be written: `exists` when a regular file is there (replaced only after `y`). */
  check(path: string): { ok: true; exists: boolean } | { ok: false; error: string };
  /**
   * Writes the file (replacing it when `force`) and returns the status line's text; a Promise when the writing
   * goes on in the background (the status line says so, then shows what it resolves to).
   */
  submit(path: string, force: boolean): string | Promise<string>;
}

/** What a key did: the prompt stays open, or it is done (with a status line message, and maybe one to follow). */
export type PromptResult = { done: false } | { done: true; status: string; later?: Promise<string> };

const OPEN: PromptResult = { done: false };
/** Longest file name typed. */
const MAX_NAME = 1024;

export class FilePrompt {
  private text: string;
  /** The path waiting for y/n because it exists. */
  private confirming: string | undefined;
  /** `not saved` / `not written`. */
  private readonly notDone: string;
  /** `saving` / `writing`. */
  private readonly going: string;

  constructor(private readonly opts: FilePromptOptions) {
    this.text = opts.initial;
    this.notDone = opts.verb === 'save' ? 'not saved' : 'not written';
    this.going = opts.verb === 'save' ? 'saving' : 'writing';
  }

  /** The status line while the prompt is open. */
  line(): Line {
    if (this.confirming !== undefined) {
      return [seg(`${this.confirming} exists: replace it? `, 'warn'), seg('y', 'key'), seg('/'), seg('n', 'key')];
    }
    return [seg(`${this.opts.action} to: `, 'key'), seg(`${this.text}█`), seg(`  Enter ${this.opts.verb} · Esc cancel`, 'dim')];
  }

  key(k: KeyPress): PromptResult {
    if (this.confirming !== undefined) {
      if (k.ch === 'y' || k.ch === 'Y') return this.submit(this.confirming, true);
      if (k.ch === 'n' || k.ch === 'N' || k.name === 'escape' || k.name === 'enter') this.confirming = undefined;
      return OPEN;
    }
    if (k.name === 'escape') return { done: true, status: this.notDone };
    if (k.name === 'enter') {
      const path = this.text.trim();
      if (path === '') return OPEN;
      this.text = path;
      const c = this.opts.check(path);
      if (!c.ok) return { done: true, status: `${this.notDone}: ${c.error}` };
      if (c.exists) {
        this.confirming = path;
        return OPEN;
      }
      return this.submit(path, false);
    }
    this.text = editLine(this.text, k, MAX_NAME) ?? this.text;
    return OPEN;
  }

  private submit(path: string, force: boolean): PromptResult {
    const failed = (e: unknown): string => `${this.notDone}: ${e instanceof Error ? e.message : String(e)}`;
    try {
      const r = this.opts.submit(path, force);
      if (typeof r === 'string') return { done: true, status: r };
      return { done: true, status: `${this.going} ${path} ...`, later: r.catch(failed) };
    } catch (e) {
      return { done: true, status: failed(e) };
    }
  }
}
