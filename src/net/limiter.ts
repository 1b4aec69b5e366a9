import type { DiagnosticSink, Severity } from '../util/diagnostics.js';
import { NET_SEVERITY } from './codes.js';

/**
 * Passes at most `perCode` diagnostics of each code to the sink (one for codes listed in `once`), counts the
 * rest, and reports the suppressed counts in flush(). Keeps a noisy capture from flooding the output.
 */
export class DiagnosticLimiter {
  private readonly emitted = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();

  constructor(
    private readonly sink: DiagnosticSink | undefined,
    private readonly perCode = 5,
    private readonly limits: ReadonlyMap<string, number> = new Map(),
  ) {}

  report(code: string, frame: number, detail: string): void {
    const n = this.emitted.get(code) ?? 0;
    const limit = this.limits.get(code) ?? this.perCode;
    if (n >= limit) {
      this.suppressed.set(code, (this.suppressed.get(code) ?? 0) + 1);
      return;
    }
    this.emitted.set(code, n + 1);
    this.sink?.({ code, severity: this.severityOf(code), frame, connection: -1, detail: sanitize(detail) });
  }

  /** How many diagnostics of `code` were reported plus suppressed. */
  count(code: string): number {
    return (this.emitted.get(code) ?? 0) + (this.suppressed.get(code) ?? 0);
  }

  /** Emits one summary diagnostic per code that had suppressed reports, then forgets them. */
  flush(): void {
    for (const [code, n] of this.suppressed) {
      this.sink?.({
        code,
        severity: this.severityOf(code),
        frame: 0,
        connection: -1,
        detail: `${n} more ${code} diagnostic${n === 1 ? '' : 's'} not shown`,
      });
    }
    this.suppressed.clear();
  }

  private severityOf(code: string): Severity {
    return NET_SEVERITY.get(code) ?? 'warning';
  }
}

/** Replaces control characters so the detail stays one printable line. */
function sanitize(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, '?');
}
