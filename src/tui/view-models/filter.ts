/**
 * The list filter: free words (all must occur, case-insensitive, in a row's ends, URIs, Call-ID,
 * Message-IDs or content types) and structured terms `method:SEND`, `status:481` / `status:4xx`,
 * `state:active|closed`, `delivery:delivered|failed|unknown`.
 */
import type { SessionRow } from './session-list.js';

export interface ListFilter {
  words: string[];
  methods: string[];
  statuses: string[];
  states: string[];
  delivery: string[];
  /** Terms that were not understood (shown to the user). */
  invalid: string[];
}

const STATES = new Set(['active', 'closed']);
const DELIVERY = new Set(['delivered', 'failed', 'unknown']);

export function parseFilter(text: string): ListFilter {
  const f: ListFilter = { words: [], methods: [], statuses: [], states: [], delivery: [], invalid: [] };
  for (const raw of text.split(/\s+/)) {
    if (raw === '') continue;
    const colon = raw.indexOf(':');
    const key = colon > 0 ? raw.slice(0, colon).toLowerCase() : '';
    const value = colon > 0 ? raw.slice(colon + 1) : '';
    if (key === 'method' && value !== '') f.methods.push(value.toUpperCase());
    else if (key === 'status' && /^[1-9][0-9x]{2}$/i.test(value)) f.statuses.push(value.toLowerCase());
    else if (key === 'state' && STATES.has(value.toLowerCase())) f.states.push(value.toLowerCase());
    else if (key === 'delivery' && DELIVERY.has(value.toLowerCase())) f.delivery.push(value.toLowerCase());
    else if (key === 'method' || key === 'status' || key === 'state' || key === 'delivery') f.invalid.push(raw);
    else if (key === 'type' && value !== '') f.words.push(value.toLowerCase());
    else f.words.push(raw.toLowerCase());
  }
  return f;
}

export function isEmptyFilter(f: ListFilter): boolean {
  return f.words.length + f.methods.length + f.statuses.length + f.states.length + f.delivery.length === 0;
}

function statusMatches(pattern: string, code: number): boolean {
  const c = String(code);
  if (c.length !== 3) return false;
  for (let i = 0; i < 3; i++) if (pattern[i] !== 'x' && pattern[i] !== c[i]) return false;
  return true;
}

/** True when the row passes every term (terms of one kind are alternatives: `state:active state:closed`). */
export function rowMatches(r: SessionRow, f: ListFilter): boolean {
  for (const w of f.words) if (!r.haystack.includes(w)) return false;
  if (f.methods.length > 0 && !r.methods.some((m) => f.methods.includes(m.toUpperCase()))) return false;
  if (f.statuses.length > 0 && !r.statuses.some((s) => f.statuses.some((p) => statusMatches(p, s)))) return false;
  if (f.states.length > 0 && !f.states.includes(r.state)) return false;
  if (f.delivery.length > 0) {
    const has = (d: string): boolean => (d === 'delivered' ? r.delivered > 0 : d === 'failed' ? r.failed > 0 : r.unknown > 0);
    if (!f.delivery.some(has)) return false;
  }
  return true;
}

export function filterRows(rows: readonly SessionRow[], f: ListFilter): SessionRow[] {
  return isEmptyFilter(f) ? [...rows] : rows.filter((r) => rowMatches(r, f));
}
