import type { CountMap, JsonDocument, JsonMessage, JsonSession, JsonTransaction } from './json-types.js';
import type { DeliveryTerm, MessageStateTerm } from './filter-terms.js';
import { tallyConnection } from './json.js';

/** The record filters of the command line; every field narrows, absent fields do not. */
export interface RecordFilter {
  /** Session index (a number: only that index, or a session-id of those digits), or a part of an endpoint URI / session-id. */
  session?: string;
  /** Message-ID, exactly. */
  message?: string;
  /** Request method, upper case. */
  method?: string;
  /** Connection address (either end), optionally with a port. */
  address?: string;
  port?: number;
  /** Connection id (as `connections[].id`, tshark's tcp.stream). */
  connection?: number;
  /** Message states (alternatives): only such messages, their transactions and sessions. */
  states?: MessageStateTerm[];
  /** Delivery outcomes (alternatives): only messages with such a delivery, their transactions and sessions. */
  delivery?: DeliveryTerm[];
}

/** Whether a message passes --state and --delivery (true when neither is given). */
export function messageTermsMatch(m: Pick<JsonMessage, 'state' | 'delivery'>, f: RecordFilter): boolean {
  if (f.states !== undefined && !f.states.includes(m.state)) return false;
  if (f.delivery !== undefined && !f.delivery.includes(m.delivery.state)) return false;
  return true;
}

function hasMessageTerms(f: RecordFilter): boolean {
  return f.states !== undefined || f.delivery !== undefined;
}

/** Each filter field as the command line writes it; a key for every field, so a new filter cannot be left out. */
const FILTER_FLAGS: { [K in keyof Required<RecordFilter>]: (f: RecordFilter) => string | undefined } = {
  session: (f) => f.session === undefined ? undefined : `--session ${f.session}`,
  message: (f) => f.message === undefined ? undefined : `--message ${f.message}`,
  method: (f) => f.method === undefined ? undefined : `--method ${f.method}`,
  address: (f) => f.address === undefined ? undefined : `--address ${f.address}${f.port === undefined ? '' : `:${f.port}`}`,
  // Written with the address.
  port: () => undefined,
  connection: (f) => f.connection === undefined ? undefined : `--connection ${f.connection}`,
  states: (f) => f.states === undefined ? undefined : `--state ${f.states.join(',')}`,
  delivery: (f) => f.delivery === undefined ? undefined : `--delivery ${f.delivery.join(',')}`,
};

/** The filter in words, as the command line options (`--method SEND --state aborted`); '' without one. */
export function filterText(f: RecordFilter): string {
  return Object.values(FILTER_FLAGS)
    .map((flag) => flag(f))
    .filter((t): t is string => t !== undefined)
    .join(' ');
}

export function isEmptyFilter(f: RecordFilter): boolean {
  return (
    f.session === undefined &&
    f.message === undefined &&
    f.method === undefined &&
    f.address === undefined &&
    f.connection === undefined &&
    !hasMessageTerms(f)
  );
}

function sessionMatches(s: JsonSession, want: string): boolean {
  // A number is the session's index (or a session-id of digits, whole): `--session 7` is not every URI with a 7.
  if (/^\d+$/.test(want)) return s.id === Number(want) || s.endpoints.some((e) => e.sessionId === want);
  return s.endpoints.some((e) => e.uri.includes(want) || e.sessionId === want);
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/**
 * Narrows a document to the records a filter selects, and recounts the summary from what is left, so every
 * output mode shows the same selection. Connections are kept when they carry a kept record (or match
 * --address); sessions when they match or hold a kept message or transaction.
 */
export function filterDocument(doc: JsonDocument, f: RecordFilter): JsonDocument {
  if (isEmptyFilter(f)) return doc;
  const connOk = new Set<number>();
  for (const c of doc.connections) {
    const ends = [c.client, c.server];
    if (f.connection !== undefined && c.id !== f.connection) continue;
    if (f.address === undefined || ends.some((e) => e.address === f.address && (f.port === undefined || e.port === f.port))) connOk.add(c.id);
  }
  const sessOk = new Set<number>();
  for (const s of doc.sessions) if (f.session === undefined || sessionMatches(s, f.session)) sessOk.add(s.id);
  // --state / --delivery select messages first; a transaction passes when it belongs to one of them.
  const termOk = new Set<number>();
  if (hasMessageTerms(f)) for (const m of doc.messages) if (messageTermsMatch(m, f)) termOk.add(m.id);
  const txKeep = (t: JsonTransaction): boolean =>
    connOk.has(t.connection) &&
    (!hasMessageTerms(f) || (t.message !== null && termOk.has(t.message))) &&
    (f.method === undefined || t.method === f.method) &&
    (f.message === undefined || t.messageId === f.message) &&
    (f.session === undefined || (t.session !== null && sessOk.has(t.session)));
  const transactions = doc.transactions.filter(txKeep);
  const keptMsgByTx = new Set(transactions.map((t) => t.message).filter((m): m is number => m !== null));
  const messages = doc.messages.filter(
    (m) =>
      (f.message === undefined || m.messageId === f.message) &&
      (!hasMessageTerms(f) || termOk.has(m.id)) &&
      (f.session === undefined || (m.session !== null && sessOk.has(m.session))) &&
      m.legs.some((l) => connOk.has(l.connection)) &&
      (f.method === undefined || keptMsgByTx.has(m.id)),
  );
  const usedSessions = new Set<number>();
  for (const t of transactions) if (t.session !== null) usedSessions.add(t.session);
  for (const m of messages) if (m.session !== null) usedSessions.add(m.session);
  const sessions = doc.sessions.filter((s) => usedSessions.has(s.id));
  const usedConns = new Set<number>(transactions.map((t) => t.connection));
  for (const m of messages) for (const l of m.legs) usedConns.add(l.connection);
  const narrowsConnections = f.session !== undefined || f.message !== undefined || f.method !== undefined || hasMessageTerms(f);
  const connections = doc.connections.filter((c) => connOk.has(c.id) && (!narrowsConnections || usedConns.has(c.id)));
  const keptConns = new Set(connections.map((c) => c.id));
  // Frames with their end-line are counted; frames cut before it apart (summary.truncated), as unfiltered.
  const requests = new Map<string, number>();
  const responses = new Map<string, number>();
  const cutRequests = new Map<string, number>();
  const cutResponses = new Map<string, number>();
  for (const t of transactions) {
    if (t.request !== null && t.method !== null) bump(t.request.truncated ? cutRequests : requests, t.method);
    if (t.response !== null) bump(t.response.truncated ? cutResponses : responses, String(t.response.status));
  }
  const diagnostics = doc.diagnostics.filter((d) => d.connection < 0 ? !narrowsConnections && f.address === undefined && f.connection === undefined : keptConns.has(d.connection));
  const diagCounts = new Map<string, number>();
  for (const d of diagnostics) bump(diagCounts, d.code);
  const toCounts = (m: Map<string, number>): CountMap => Object.fromEntries(m);
  // AUTH records belong to connections, not messages: a message-level filter (--state, --delivery) drops them.
  const auth = doc.auth.filter((a) => keptConns.has(a.connection) && (f.method === undefined || f.method === 'AUTH') && !hasMessageTerms(f));
  const sip = doc.sip.filter(
    (d) => (f.session === undefined || d.sessions.some((s) => sessOk.has(s))) && (!hasMessageTerms(f) || d.sessions.some((s) => usedSessions.has(s))),
  );
  const connectionTallies = { msrp: 0, tls: 0, websocket: 0 };
  for (const c of connections) tallyConnection(connectionTallies, c.msrp, c.transport, 1);
  const txCount = (state: JsonTransaction['state']): number => transactions.filter((t) => t.state === state).length;
  return {
    ...doc,
    summary: {
      ...doc.summary,
      connections: { total: connections.length, ...connectionTallies },
      requests: toCounts(requests),
      responses: toCounts(responses),
      truncated: { ...doc.summary.truncated, requests: toCounts(cutRequests), responses: toCounts(cutResponses) },
      messages: {
        total: messages.length,
        complete: messages.filter((m) => m.state === 'complete').length,
        aborted: messages.filter((m) => m.state === 'aborted').length,
        incomplete: messages.filter((m) => m.state === 'incomplete').length,
      },
      sessions: sessions.length,
      sipDialogs: sip.length,
      diagnostics: toCounts(diagCounts),
      transactions: {
        total: transactions.length,
        answered: txCount('answered'),
        unanswered: txCount('unanswered'),
        noResponseExpected: txCount('no-response-expected'),
        orphanResponses: txCount('orphan-response'),
      },
      delivery: {
        delivered: messages.filter((m) => m.delivery.state === 'delivered').length,
        failed: messages.filter((m) => m.delivery.state === 'failed').length,
        unknown: messages.filter((m) => m.delivery.state === 'unknown').length,
      },
      auth: auth.length,
    },
    connections,
    sessions,
    messages,
    transactions,
    auth,
    sip,
    diagnostics,
  };
}
