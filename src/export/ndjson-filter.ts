import type { RecordFilter } from './filter.js';

function field(rec: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(rec, key) ? rec[key] : undefined;
}

/**
 * Whether one NDJSON line passes the command-line filters. Records without the filtered field (the final
 * summary, capture-wide diagnostics) pass, so the stream stays complete around what was selected.
 */
export function ndjsonRecordMatches(line: string, f: RecordFilter): boolean {
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch {
    return true;
  }
  if (rec === null || typeof rec !== 'object') return true;
  const r = rec as Record<string, unknown>;
  const type = field(r, 'type');
  if (type === 'summary') return true;
  if (f.method !== undefined && (type === 'request' || type === 'response')) {
    const m = field(r, 'method');
    if (typeof m === 'string' && m !== f.method) return false;
  }
  if (f.message !== undefined) {
    const id = field(r, 'messageId');
    if (type === 'message' || type === 'request') {
      if (id !== f.message) return false;
    }
  }
  if (f.address !== undefined) {
    const t = field(r, 'tuple');
    if (t !== null && typeof t === 'object') {
      const tu = t as Record<string, unknown>;
      const hit = (a: unknown, p: unknown): boolean => a === f.address && (f.port === undefined || p === f.port);
      if (!hit(field(tu, 'src'), field(tu, 'srcPort')) && !hit(field(tu, 'dst'), field(tu, 'dstPort'))) return false;
    }
  }
  if (f.session !== undefined && (type === 'request' || type === 'message' || type === 'session')) {
    const s = type === 'session' ? field(r, 'id') : field(r, 'session');
    if (/^\d+$/.test(f.session)) {
      if (s !== Number(f.session)) return false;
    } else if (!line.includes(f.session)) return false;
  }
  return true;
}
