import { DiagnosticLimiter as Limiter, GLOBAL_SCOPE } from '../util/diagnostic-limiter.js';
import type { DiagnosticSink, Severity } from '../util/diagnostics.js';
import { NET_SEVERITY, type NetCode } from './codes.js';

/**
 * Passes at most `perCode` diagnostics of each code to the sink (one for codes listed in `once`), counts the
 * rest, and reports the suppressed counts in flush(). Keeps a noisy capture from flooding the output.
 */
export class DiagnosticLimiter {
  private readonly limiter: Limiter;

  constructor(
    private readonly sink: DiagnosticSink | undefined,
    perCode = 5,
    limits: ReadonlyMap<NetCode, number> = new Map(),
  ) {
    this.limiter = new Limiter(perCode, limits);
  }

  report(code: NetCode, frame: number, detail: string): void {
    if (this.limiter.take(GLOBAL_SCOPE, code) === 'drop') return;
    this.sink?.({ code, severity: this.severityOf(code), frame, connection: -1, detail: sanitize(detail) });
  }

  /** How many diagnostics of `code` were reported plus suppressed. */
  count(code: NetCode): number {
    return this.limiter.count(GLOBAL_SCOPE, code);
  }

  /** Emits one summary diagnostic per code that had suppressed reports, then forgets them. */
  flush(): void {
    for (const [code, n] of this.limiter.takeSuppressed(GLOBAL_SCOPE)) {
      this.sink?.({
        code,
        severity: this.severityOf(code),
        frame: 0,
        connection: -1,
        detail: `${n} more ${code} diagnostic${n === 1 ? '' : 's'} not shown`,
      });
    }
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
