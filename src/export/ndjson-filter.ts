import type { RecordFilter } from './filter.js';
import type { DeliveryTerm, MessageStateTerm } from './filter-terms.js';

function field(rec: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(rec, key) ? rec[key] : undefined;
}

/** The record of one NDJSON line, or undefined when it is not a JSON object (such lines pass every filter). */
function parseRecord(line: string): Record<string, unknown> | undefined {
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch {
    return undefined;
  }
  return rec !== null && typeof rec === 'object' ? (rec as Record<string, unknown>) : undefined;
}

/**
 * Whether one NDJSON line passes the command-line filters. Records without the filtered field (the final
 * summary, capture-wide diagnostics) pass, so the stream stays complete around what was selected.
 */
export function ndjsonRecordMatches(line: string, f: RecordFilter): boolean {
  const r = parseRecord(line);
  return r === undefined || recordMatches(r, line, f);
}

function recordMatches(r: Record<string, unknown>, line: string, f: RecordFilter): boolean {
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
  if (f.connection !== undefined) {
    if (type === 'connection') {
      if (field(r, 'id') !== f.connection) return false;
    } else if (type === 'session') {
      const cs = field(r, 'connections');
      if (Array.isArray(cs) && !cs.includes(f.connection)) return false;
    } else {
      const c = field(r, 'connection');
      if (typeof c === 'number' && c >= 0 && c !== f.connection) return false;
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

/**
 * The NDJSON filter of a whole stream: ndjsonRecordMatches plus --state / --delivery, which need to remember
 * which messages were kept. With --state or --delivery a `message` record passes when its state and its
 * delivery (as known when the record is written) match; a `delivery` record when its outcome matches and, with
 * --state, its message was kept. Other records pass as in ndjsonRecordMatches.
 */
export function ndjsonStreamFilter(f: RecordFilter): (line: string) => boolean {
  const kept = new Set<number>();
  const terms = f.states !== undefined || f.delivery !== undefined;
  return (line) => {
    const r = parseRecord(line);
    if (r === undefined) return true;
    if (!recordMatches(r, line, f)) return false;
    if (!terms) return true;
    const type = field(r, 'type');
    if (type === 'message') {
      const state = field(r, 'state');
      const d = field(r, 'delivery');
      const delivery = d !== null && typeof d === 'object' ? field(d as Record<string, unknown>, 'state') : undefined;
      if (f.states !== undefined && !f.states.includes(state as MessageStateTerm)) return false;
      if (f.delivery !== undefined && !f.delivery.includes(delivery as DeliveryTerm)) return false;
      const id = field(r, 'id');
      if (typeof id === 'number') kept.add(id);
      return true;
    }
    if (type === 'delivery') {
      if (f.delivery !== undefined && !f.delivery.includes(field(r, 'state') as DeliveryTerm)) return false;
      const id = field(r, 'message');
      if (f.states !== undefined && !(typeof id === 'number' && kept.has(id))) return false;
      return true;
    }
    return true;
  };
}
