/** Turning SIP/SDP findings into Diagnostics. */
import type { Severity } from '../util/diagnostics.js';
import { SIP_CODES } from './codes.js';
import type { HeaderCollector } from './head.js';

const SEVERITY = new Map<string, Severity>(SIP_CODES.map((c) => [c.code, c.severity]));

/** Severity declared for a SIP/SDP diagnostic code ('warning' for unknown codes). */
export function sipSeverity(code: string): Severity {
  return SEVERITY.get(code) ?? 'warning';
}

/** Reports the header lines a collector dropped, as one diagnostic. */
export function reportMalformed(collector: HeaderCollector, report: (code: string, detail: string) => void): void {
  const bad = collector.malformed;
  if (bad.length === 0) return;
  report('sip-malformed-header', `${bad.length} malformed header line(s), first: "${bad[0] ?? ''}"`);
}
