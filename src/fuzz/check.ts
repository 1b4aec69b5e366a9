/**
 * What every fuzz case checks besides "no exception": diagnostics carry a registered code and a detail free
 * of raw control characters, text meant for a terminal holds no unsafe character, Object.prototype is left
 * alone. Violations are collected as problems (a case with a problem is a finding, like a crash).
 */
import { ALL_CODES } from '../cli/codes.js';
import type { Diagnostic } from '../util/diagnostics.js';

const KNOWN_CODES: ReadonlySet<string> = new Set(ALL_CODES.flatMap((l) => l.codes.map((c) => c.code)));

/** C0 (except LF where allowed), DEL, C1, and the bidi / invisible format controls escapeText replaces. */
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/;
// eslint-disable-next-line no-control-regex
const UNSAFE_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/;

/** The first unsafe character of `s` as `U+XXXX at i`, or undefined. `newlines`: LF allowed. */
export function unsafeChar(s: string, newlines: boolean): string | undefined {
  const m = (newlines ? UNSAFE_TEXT : UNSAFE_LINE).exec(s);
  if (m === null) return undefined;
  return `U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${m.index}`;
}

export function isKnownCode(code: string): boolean {
  return KNOWN_CODES.has(code);
}

/** Own property names of Object.prototype, to notice pollution after a case. */
export function prototypeSnapshot(): string {
  return Object.getOwnPropertyNames(Object.prototype).sort().join(',');
}

const BASELINE = prototypeSnapshot();

export class Checker {
  readonly codes = new Set<string>();
  readonly problems: string[] = [];
  private diagnostics = 0;

  /** A DiagnosticSink that checks and counts. */
  readonly sink = (d: Diagnostic): void => this.diagnostic(d);

  diagnostic(d: Diagnostic): void {
    this.diagnostics++;
    this.codes.add(d.code);
    if (!isKnownCode(d.code)) this.problem(`unregistered diagnostic code "${d.code}"`);
    if (typeof d.detail !== 'string') this.problem(`diagnostic ${d.code} without a detail string`);
    else {
      const bad = unsafeChar(d.detail, false);
      if (bad !== undefined) this.problem(`diagnostic ${d.code} detail holds a raw control character (${bad})`);
    }
    if (!Number.isInteger(d.frame) || d.frame < 0) this.problem(`diagnostic ${d.code} with frame ${d.frame}`);
    if (d.offset !== undefined && !(Number.isFinite(d.offset) && d.offset >= 0)) this.problem(`diagnostic ${d.code} with offset ${d.offset}`);
  }

  /** Text for a terminal (summary, error line). */
  text(what: string, s: string, newlines = true): void {
    const bad = unsafeChar(s, newlines);
    if (bad !== undefined) this.problem(`${what} holds a raw unsafe character (${bad})`);
  }

  expect(ok: boolean, what: string): void {
    if (!ok) this.problem(what);
  }

  problem(p: string): void {
    if (this.problems.length < 20 && !this.problems.includes(p)) this.problems.push(p);
  }

  /** Ends the case: checks Object.prototype. */
  finish(): CaseOutcome {
    if (prototypeSnapshot() !== BASELINE) this.problem('Object.prototype was modified');
    return { codes: [...this.codes], problems: this.problems };
  }
}

export interface CaseOutcome {
  /** Diagnostic codes seen. */
  codes: string[];
  /** Invariant violations (a finding, like a crash). */
  problems: string[];
}
