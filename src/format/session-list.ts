/**
 * The session list: one row per MSRP session, plus one "(no session)" row per connection carrying
 * transactions of no session that no session ladder shows (AUTH of unknown clients, orphan responses),
 * so every transaction stays reachable.
 */
import type { JsonAuth, JsonConnection, JsonMessage, JsonSession, JsonTime } from '../export/json-types.js';
import { callerIsB } from './sip-roles.js';
import { recordIndex, uriKey, type RecordIndex, type LadderTransaction, type RecordSource, type RowTransaction } from '../export/record-index.js';
import { crypto } from '../util/builtins.js';
import { escapeText } from '../util/escape.js';
import { shortUri, sipIdentity, uriAuthority } from './format.js';

export type RowState = 'active' | 'closed';

/** Which ladder a row opens. */
export type Scope = { kind: 'session'; session: number } | { kind: 'connection'; connection: number };

export interface SessionRow {
  /** Stable identity across document updates (`s3`, `c1`). */
  key: string;
  scope: Scope;
  /** Index column: the session id, or `c<connection>` for a "(no session)" row. */
  label: string;
  start: JsonTime | null;
  ends: [string, string];
  relays: string[];
  callId: string | null;
  messages: number;
  bytes: number;
  delivered: number;
  failed: number;
  unknown: number;
  /** Requests that expected a response and got none. */
  unanswered: number;
  /** The last AUTH exchange of a connection row (null on session rows and connections without AUTH). */
  auth: { result: JsonAuth['result']; code: number | null } | null;
  state: RowState;
  /** The states of the session's messages, each once (for the `state:aborted` filter). */
  messageStates: Array<JsonMessage['state']>;
  /** Request methods seen (for the structured filter). */
  methods: string[];
  /** Response and REPORT status codes seen. */
  statuses: number[];
  /** Connections of the session, or the row's own (for the `connection:N` filter). */
  connections: number[];
}

const ENDED = new Set(['fin', 'rst']);

function unansweredCount(txs: readonly RowTransaction[]): number {
  let n = 0;
  for (const t of txs) if (t.state === 'unanswered') n++;
  return n;
}

function txTime(t: LadderTransaction): JsonTime | null {
  return t.request?.at ?? t.response?.at ?? null;
}

/**
 * Endpoint labels: SIP identities when a dialog is linked, else CPIM From, else `fallback` of the URI
 * (host:port by default; the list passes `shortUri` so the session-id tells sessions apart). Not escaped.
 */
export function endLabels(ix: RecordIndex, s: JsonSession, fallback: (uri: string) => string = uriAuthority): [string, string] {
  const labels: [string, string] = [fallback(s.endpoints[0].uri), fallback(s.endpoints[1].uri)];
  const found = [false, false];
  if (s.sip !== null) {
    const d = ix.dialog(s.sip.dialog);
    if (d !== undefined && d.from !== null && d.to !== null) {
      const b = callerIsB(s, d);
      labels[b ? 1 : 0] = sipIdentity(d.from);
      labels[b ? 0 : 1] = sipIdentity(d.to);
      return labels;
    }
  }
  for (const m of ix.rowMessages(s.id)) {
    if (m.cpim?.from === null || m.cpim?.from === undefined || m.from === null) continue;
    for (const i of [0, 1] as const) {
      if (!found[i] && m.from.toLowerCase() === s.endpoints[i].uri.toLowerCase()) {
        labels[i] = sipIdentity(m.cpim.from);
        found[i] = true;
      }
    }
    if (found[0] && found[1]) break;
  }
  return labels;
}

function sessionState(ix: RecordIndex, s: JsonSession, txs: readonly RowTransaction[]): RowState {
  if (s.sip !== null && ix.dialog(s.sip.dialog)?.state === 'terminated') return 'closed';
  const endpointConns = new Set<number>();
  for (const t of txs) if (t.fromPath.length === 1 || t.toPath.length === 1) endpointConns.add(t.connection);
  const conns = endpointConns.size > 0 ? [...endpointConns] : s.connections;
  if (conns.length === 0) return 'active';
  return conns.every((c) => ENDED.has(ix.connection(c)?.ended ?? '')) ? 'closed' : 'active';
}

function sessionRow(ix: RecordIndex, s: JsonSession): SessionRow {
  const txs = ix.rowTransactions(s.id);
  const msgs = ix.rowMessages(s.id);
  let delivered = 0;
  let failed = 0;
  let unknown = 0;
  const messageStates: Array<JsonMessage['state']> = [];
  for (const m of msgs) {
    if (!messageStates.includes(m.state)) messageStates.push(m.state);
    if (m.delivery.state === 'delivered') delivered++;
    else if (m.delivery.state === 'failed') failed++;
    else unknown++;
  }
  const statuses = new Set<number>();
  for (const t of txs) {
    if (t.response !== null) statuses.add(t.response.status);
    if (t.status !== null) statuses.add(t.status.code);
  }
  const ends = endLabels(ix, s, shortUri);
  const callId = s.sip?.callId ?? null;
  const relays: string[] = [];
  for (const r of s.relays) {
    const a = uriAuthority(r);
    if (!relays.includes(a)) relays.push(a);
  }
  return {
    key: `s${s.id}`,
    scope: { kind: 'session', session: s.id },
    label: String(s.id),
    start: s.first,
    ends: [escapeText(ends[0]), escapeText(ends[1])],
    relays: relays.map((r) => escapeText(r)),
    callId: callId === null ? null : escapeText(callId),
    messages: s.messages,
    bytes: s.bytes,
    delivered,
    failed,
    unknown,
    unanswered: unansweredCount(txs),
    auth: null,
    state: sessionState(ix, s, txs),
    messageStates,
    methods: Object.keys(s.requests),
    statuses: [...statuses].sort((a, b) => a - b),
    connections: [...s.connections],
  };
}

/** What the free-text filter searches in a session's row: its URIs and ends, Call-ID, Message-IDs, content types, file names. */
function sessionHaystack(ix: RecordIndex, s: JsonSession): string[] {
  const hay: string[] = [s.endpoints[0].uri, s.endpoints[1].uri, ...s.relays];
  for (const m of ix.rowMessages(s.id)) {
    hay.push(m.messageId);
    if (m.contentType !== null) hay.push(m.contentType);
    if (m.cpim !== null) {
      if (m.cpim.contentType !== null) hay.push(m.cpim.contentType);
      if (m.cpim.from !== null) hay.push(m.cpim.from);
      hay.push(...m.cpim.to);
    }
    if (m.file?.selector.name !== null && m.file?.selector.name !== undefined) hay.push(m.file.selector.name);
  }
  hay.push(...endLabels(ix, s, shortUri));
  const callId = s.sip?.callId ?? null;
  if (callId !== null) hay.push(callId);
  if (s.fileSelector?.name !== null && s.fileSelector?.name !== undefined) hay.push(s.fileSelector.name);
  return hay;
}

/** A connection over TLS (seen in its handshake, or carried on a TLS port): listed with its own row unless a session shows it. */
function overTls(c: JsonConnection): boolean {
  return c.tls !== null || c.transport === 'tls';
}

function connectionRow(ix: RecordIndex, connection: number): SessionRow {
  const txs = ix.looseTransactions(connection);
  const c = ix.connection(connection);
  const auths = ix.connectionAuths(connection);
  let start: JsonTime | null = null;
  const methods = new Set<string>();
  const statuses = new Set<number>();
  for (const t of txs) {
    const at = txTime(t);
    if (at !== null && (start === null || at.epoch < start.epoch)) start = at;
    if (t.method !== null) methods.add(t.method);
    if (t.response !== null) statuses.add(t.response.status);
  }
  const ends = connectionEnds(ix, connection);
  // The row's AUTH outcome is the connection's last exchange (a client may AUTH again).
  const last = auths[auths.length - 1];
  let encrypted: string | null = null;
  // TLS connections are listed too, so MSRP over TLS is visible even when it was not (or not all) decrypted:
  // the label says so ("MSRP over TLS (decrypted)"), and why not when it was not.
  if (c !== undefined && overTls(c)) {
    const d = c.tls?.decryption;
    if (d === undefined || d.state === 'no-keylog') encrypted = c.msrpOverTls !== null ? 'MSRP/TLS' : 'TLS';
    else if (d.state === 'decrypted') encrypted = c.label;
    else encrypted = `${c.label}: ${d.reason ?? d.state}`;
    start ??= c.first;
  }
  return {
    key: `c${connection}`,
    scope: { kind: 'connection', connection },
    label: `c${connection}`,
    start,
    ends: [escapeText(ends[0]), escapeText(ends[1])],
    relays: [],
    callId: encrypted,
    messages: 0,
    bytes: 0,
    delivered: 0,
    failed: 0,
    unknown: 0,
    unanswered: unansweredCount(txs),
    auth: last === undefined ? null : { result: last.result, code: last.code },
    state: c !== undefined && ENDED.has(c.ended ?? '') ? 'closed' : 'active',
    messageStates: [],
    methods: [...methods],
    statuses: [...statuses].sort((a, b) => a - b),
    connections: [connection],
  };
}

/** A connection row's ends: the client and relay of its first AUTH, else its addresses. Not escaped. */
function connectionEnds(ix: RecordIndex, connection: number): [string, string] {
  const c = ix.connection(connection);
  const auth = ix.connectionAuths(connection)[0];
  if (auth !== undefined) return [shortUri(auth.client), uriAuthority(auth.relay)];
  return c === undefined ? ['?', '?'] : [`${c.client.address}:${c.client.port}`, `${c.server.address}:${c.server.port}`];
}

/** What the free-text filter searches in a connection's row: its transactions' ids and paths, its label and ends. */
function connectionHaystack(ix: RecordIndex, connection: number): string[] {
  const hay: string[] = [];
  for (const t of ix.looseTransactions(connection)) hay.push(t.transactionId, ...t.toPath, ...t.fromPath);
  const c = ix.connection(connection);
  if (c !== undefined && overTls(c)) hay.push(c.label);
  hay.push(...connectionEnds(ix, connection), '(no session)');
  return hay;
}

/**
 * The lower-cased text the free-text filter searches in a row (rowMatches), made from the records when a filter asks
 * for it, not with every row: a live viewer's redraw made it for every session, from every message's fields.
 */
export function rowHaystack(source: RecordSource, row: SessionRow): string {
  const ix = recordIndex(source);
  let hay: string[] = [];
  if (row.scope.kind === 'connection') hay = connectionHaystack(ix, row.scope.connection);
  else {
    const s = ix.session(row.scope.session);
    if (s !== undefined) hay = sessionHaystack(ix, s);
  }
  return hay.join('\n').toLowerCase();
}

/**
 * Session rows kept from one index of a capture to the next (the live viewer makes an index at each redraw): a
 * row is made again only when its session record, the connections and dialogs, or the revision of its messages
 * and transactions (RecordIndex.rowRevision) changed. A large capture's rows read every record of it.
 */
export class SessionRowCache {
  rows = new Map<number, { key: string; revision: readonly number[]; row: SessionRow }>();
  /** What every row read besides its own session when the rows were made (connections' ends, dialogs). */
  shared: string | undefined;
  /** Sessions whose row was made again, and kept, by the last sessionRows (for tests). */
  made = 0;
  kept = 0;
}

/** What the cache keeps of a record's text: its digest (500 sessions kept 1.2 MB of text from one redraw to the next). */
function digest(text: string): string {
  return crypto().createHash('sha1').update(text).digest('base64');
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Sessions' rows, from the cache where nothing the row reads changed. */
function cachedSessionRows(ix: RecordIndex, cache: SessionRowCache | undefined): SessionRow[] {
  const sessions = ix.head.sessions;
  const revisionOf = ix.rowRevision?.bind(ix);
  if (cache !== undefined) cache.kept = cache.made = 0;
  if (cache === undefined || revisionOf === undefined) {
    // Nothing to compare with (a document's index): every row made, none kept.
    if (cache !== undefined) [cache.rows, cache.made] = [new Map(), sessions.length];
    return sessions.map((s) => sessionRow(ix, s));
  }
  // What any row may read besides its own session: the connections' ends (its state) and the dialogs (its ends
  // and state). These change seldom, and every row is made again when they do.
  // Compared once, not as part of each row's key (500 sessions over 500 connections made 1.5 MB of keys per redraw).
  const shared = digest(JSON.stringify([ix.head.connections.map((c) => c.ended), ix.head.sip]));
  const sameShared = shared === cache.shared;
  cache.shared = shared;
  const next: SessionRowCache['rows'] = new Map();
  const rows = sessions.map((s) => {
    const key = digest(JSON.stringify(s));
    const revision = revisionOf(s.id);
    let entry = cache.rows.get(s.id);
    if (sameShared && entry !== undefined && entry.key === key && sameNumbers(entry.revision, revision)) cache.kept++;
    else {
      cache.made++;
      entry = { key, revision, row: sessionRow(ix, s) };
    }
    next.set(s.id, entry);
    return entry.row;
  });
  cache.rows = next;
  return rows;
}

/**
 * Every row: sessions in id order, then one "(no session)" row per connection carrying transactions that
 * no session ladder shows (AUTH exchanges of a session's endpoint already appear on its ladder). With a cache,
 * a session's row comes from it when nothing the row reads changed since the cache's last use.
 */
export function sessionRows(source: RecordSource, cache?: SessionRowCache): SessionRow[] {
  // From a model index, each session's records are made in turn (export/model-index.ts).
  const ix = recordIndex(source);
  const doc = ix.head;
  const rows = cachedSessionRows(ix, cache);
  const endpoints = new Set<string>();
  for (const s of doc.sessions) for (const e of s.endpoints) endpoints.add(uriKey(e.uri));
  for (const c of ix.looseConnections) {
    const shown = ix.looseTransactions(c).every((t) => {
      const a = ix.authOfTransaction(t.id);
      return a !== undefined && endpoints.has(uriKey(a.client));
    });
    if (!shown) rows.push(connectionRow(ix, c));
  }
  // TLS connections that no session shows get a row of their own, so encrypted MSRP is visible too; a
  // decrypted one whose MSRP made a session is shown by that session.
  const listed = new Set(rows.filter((r) => r.scope.kind === 'connection').map((r) => r.key));
  const inSession = new Set<number>();
  for (const s of doc.sessions) for (const id of s.connections) inSession.add(id);
  for (const c of doc.connections) {
    if (overTls(c) && !listed.has(`c${c.id}`) && !inSession.has(c.id)) rows.push(connectionRow(ix, c.id));
  }
  return rows;
}

export const SORT_KEYS = ['index', 'start', 'ends', 'relays', 'callId', 'messages', 'bytes', 'delivery', 'unanswered', 'state'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface Sort {
  key: SortKey;
  descending: boolean;
}

function indexOrder(r: SessionRow): [number, number] {
  return r.scope.kind === 'session' ? [0, r.scope.session] : [1, r.scope.connection];
}

function compareIndex(a: SessionRow, b: SessionRow): number {
  const [ka, ia] = indexOrder(a);
  const [kb, ib] = indexOrder(b);
  return ka - kb || ia - ib;
}

/** A failed AUTH counts with the failed messages when sorting by delivery. */
export function authFailed(r: SessionRow): boolean {
  return r.auth !== null && (r.auth.result === 'rejected' || r.auth.result === 'challenged');
}

/** A row drawn as a failure: a failed message, or a failed AUTH. */
export function rowFailed(r: SessionRow): boolean {
  return r.failed > 0 || authFailed(r);
}

function failures(r: SessionRow): number {
  return r.failed + (authFailed(r) ? 1 : 0);
}

function compareBy(key: SortKey, a: SessionRow, b: SessionRow): number {
  switch (key) {
    case 'index':
      return compareIndex(a, b);
    case 'start':
      return (a.start?.epoch ?? Number.POSITIVE_INFINITY) - (b.start?.epoch ?? Number.POSITIVE_INFINITY);
    case 'ends':
      return `${a.ends[0]} ${a.ends[1]}`.localeCompare(`${b.ends[0]} ${b.ends[1]}`);
    case 'relays':
      return a.relays.length - b.relays.length || a.relays.join(' ').localeCompare(b.relays.join(' '));
    case 'callId':
      return (a.callId ?? '').localeCompare(b.callId ?? '');
    case 'messages':
      return a.messages - b.messages;
    case 'bytes':
      return a.bytes - b.bytes;
    case 'delivery':
      return failures(a) - failures(b) || a.unknown - b.unknown || a.delivered - b.delivered;
    case 'unanswered':
      return a.unanswered - b.unanswered;
    case 'state':
      return a.state.localeCompare(b.state);
  }
}

/** Sorted copy; ties keep index order (in either direction). */
export function sortRows(rows: readonly SessionRow[], sort: Sort): SessionRow[] {
  const dir = sort.descending ? -1 : 1;
  return [...rows].sort((a, b) => dir * compareBy(sort.key, a, b) || compareIndex(a, b));
}
