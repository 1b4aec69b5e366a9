/** What a limiter says of one more diagnostic: pass it, pass it as the last one of its kind, or only count it. */
export type LimitVerdict = 'emit' | 'last' | 'drop';

/** The scope of diagnostics that are not about one connection (net layer). */
export const GLOBAL_SCOPE = -1;

/**
 * The one diagnostic limiter of the net, tcp and transport layers: at most `perCode` diagnostics of each code
 * per scope (a connection id, or GLOBAL_SCOPE), other limits for the codes listed in `limits`; the rest are
 * counted, so a layer can say how many it did not show. Keeps a noisy capture from flooding the output.
 */
export class DiagnosticLimiter {
  private readonly scopes = new Map<number, Map<string, { emitted: number; suppressed: number }>>();

  constructor(
    private readonly perCode: number,
    private readonly limits: ReadonlyMap<string, number> = new Map(),
  ) {}

  take(scope: number, code: string): LimitVerdict {
    let byCode = this.scopes.get(scope);
    if (byCode === undefined) {
      byCode = new Map();
      this.scopes.set(scope, byCode);
    }
    let n = byCode.get(code);
    if (n === undefined) {
      n = { emitted: 0, suppressed: 0 };
      byCode.set(code, n);
    }
    const limit = this.limits.get(code) ?? this.perCode;
    if (n.emitted >= limit) {
      n.suppressed++;
      return 'drop';
    }
    n.emitted++;
    return n.emitted === limit ? 'last' : 'emit';
  }

  /** Diagnostics of `code` in `scope`, shown and not. */
  count(scope: number, code: string): number {
    const n = this.scopes.get(scope)?.get(code);
    return n === undefined ? 0 : n.emitted + n.suppressed;
  }

  /** The codes of a scope that had diagnostics not shown, with how many; the scope is forgotten. */
  takeSuppressed(scope: number): Array<[string, number]> {
    const byCode = this.scopes.get(scope);
    this.scopes.delete(scope);
    const out: Array<[string, number]> = [];
    if (byCode !== undefined) for (const [code, n] of byCode) if (n.suppressed > 0) out.push([code, n.suppressed]);
    return out;
  }

  forget(scope: number): void {
    this.scopes.delete(scope);
  }
}
