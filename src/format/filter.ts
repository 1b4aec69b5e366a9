/**
 * The list filter: free words (all must occur, case-insensitive, in a row's ends, URIs, Call-ID,
 * Message-IDs or content types) and the structured terms of the filter table (src/export/filter-terms.ts):
 * `method:SEND`, `status:481` / `status:4xx`, `state:active|closed` (the session), `state:aborted|incomplete|complete`
 * (a message of the session), `delivery:delivered|failed|unknown`, `connection:N`.
 */
import {
  DELIVERY_STATES,
  MESSAGE_STATES,
  SESSION_STATES,
  STRUCTURED_KEYS,
  termHelp,
  type DeliveryTerm,
  type MessageStateTerm,
  type SessionStateTerm,
} from '../export/filter-terms.js';
import type { SessionRow } from './session-list.js';

export interface ListFilter {
  words: string[];
  methods: string[];
  statuses: string[];
  /** Session states (`state:active`, `state:closed`). */
  states: SessionStateTerm[];
  /** Message states (`state:aborted`, ...): the session has at least one such message. */
  messageStates: MessageStateTerm[];
  delivery: DeliveryTerm[];
  /** Connection ids (`connection:3`): the session uses one of them, or it is the row's own. */
  connections: number[];
  /** Terms that were not understood (shown to the user). */
  invalid: string[];
}

function pick<T extends string>(values: readonly T[], v: string): T | undefined {
  return values.find((x) => x === v);
}

function pushNew<T>(list: T[], v: T): void {
  if (!list.includes(v)) list.push(v);
}

export function parseFilter(text: string): ListFilter {
  const f: ListFilter = { words: [], methods: [], statuses: [], states: [], messageStates: [], delivery: [], connections: [], invalid: [] };
  for (const raw of text.split(/\s+/)) {
    if (raw === '') continue;
    const colon = raw.indexOf(':');
    const key = colon > 0 ? raw.slice(0, colon).toLowerCase() : '';
    const value = colon > 0 ? raw.slice(colon + 1) : '';
    const lower = value.toLowerCase();
    if (key === 'method' && value !== '') pushNew(f.methods, value.toUpperCase());
    else if (key === 'status' && /^[1-9][0-9x]{2}$/i.test(value)) pushNew(f.statuses, lower);
    else if (key === 'state' && pick(SESSION_STATES, lower) !== undefined) pushNew(f.states, pick(SESSION_STATES, lower) as SessionStateTerm);
    else if (key === 'state' && pick(MESSAGE_STATES, lower) !== undefined) pushNew(f.messageStates, pick(MESSAGE_STATES, lower) as MessageStateTerm);
    else if (key === 'delivery' && pick(DELIVERY_STATES, lower) !== undefined) pushNew(f.delivery, pick(DELIVERY_STATES, lower) as DeliveryTerm);
    else if (key === 'connection' && /^\d{1,9}$/.test(value)) pushNew(f.connections, Number(value));
    else if (STRUCTURED_KEYS.includes(key)) f.invalid.push(raw);
    else if (key === 'type' && value !== '') f.words.push(lower);
    else f.words.push(raw.toLowerCase());
  }
  return f;
}

/**
 * What the prompt says about terms not understood: the values each of their keys takes, from the filter table
 * (`not understood; state: active closed aborted incomplete complete`). The terms themselves are in the prompt.
 */
export function invalidText(f: ListFilter): string {
  const keys: string[] = [];
  for (const raw of f.invalid) pushNew(keys, raw.slice(0, raw.indexOf(':')).toLowerCase());
  return `not understood; ${keys.map(termHelp).join('; ')}`;
}

export function isEmptyFilter(f: ListFilter): boolean {
  return f.words.length + f.methods.length + f.statuses.length + f.states.length + f.messageStates.length + f.delivery.length + f.connections.length === 0;
}

function statusMatches(pattern: string, code: number): boolean {
  const c = String(code);
  if (c.length !== 3) return false;
  for (let i = 0; i < 3; i++) if (pattern[i] !== 'x' && pattern[i] !== c[i]) return false;
  return true;
}

/**
 * True when the row passes every term (terms of one kind are alternatives: `state:active state:closed`). The free-text
 * words are looked for in `haystack(r)` (session-list.ts rowHaystack), asked for only when there are some.
 */
export function rowMatches(r: SessionRow, f: ListFilter, haystack: (r: SessionRow) => string): boolean {
  if (f.words.length > 0) {
    const hay = haystack(r);
    for (const w of f.words) if (!hay.includes(w)) return false;
  }
  if (f.methods.length > 0 && !r.methods.some((m) => f.methods.includes(m.toUpperCase()))) return false;
  if (f.statuses.length > 0 && !r.statuses.some((s) => f.statuses.some((p) => statusMatches(p, s)))) return false;
  if (f.states.length > 0 && !f.states.includes(r.state)) return false;
  if (f.messageStates.length > 0 && !r.messageStates.some((s) => f.messageStates.includes(s))) return false;
  if (f.connections.length > 0 && !r.connections.some((c) => f.connections.includes(c))) return false;
  if (f.delivery.length > 0) {
    const has = (d: DeliveryTerm): boolean => (d === 'delivered' ? r.delivered > 0 : d === 'failed' ? r.failed > 0 : r.unknown > 0);
    if (!f.delivery.some(has)) return false;
  }
  return true;
}

export function filterRows(rows: readonly SessionRow[], f: ListFilter, haystack: (r: SessionRow) => string): SessionRow[] {
  return isEmptyFilter(f) ? [...rows] : rows.filter((r) => rowMatches(r, f, haystack));
}
