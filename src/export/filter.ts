import type {
  CountMap,
  JsonAuth,
  JsonConnection,
  JsonDiagnostic,
  JsonDocument,
  JsonMessage,
  JsonSession,
  JsonSipDialog,
  JsonSummary,
  JsonTransaction,
} from './json-types.js';
import type { DeliveryTerm, MessageStateTerm } from './filter-terms.js';
import { documentHead, documentSections, listOf, tallyConnection, type DocumentHead, type DocumentSections, type RecordList } from './json.js';
import type { ModelView } from '../model/view.js';

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

/** What a filter reads of a document: its head's lists whole, messages and transactions one at a time. */
export type FilterSource = Pick<DocumentHead, 'summary' | 'connections' | 'sessions' | 'auth' | 'sip' | 'diagnostics'> & {
  messages: RecordList<JsonMessage>;
  transactions: RecordList<JsonTransaction>;
};

/** What a filter keeps: the small lists, the positions of the kept messages and transactions, the new summary. */
export interface FilterSelection {
  summary: JsonSummary;
  connections: JsonConnection[];
  sessions: JsonSession[];
  messages: number[];
  transactions: number[];
  auth: JsonAuth[];
  sip: JsonSipDialog[];
  diagnostics: JsonDiagnostic[];
}

/** A whole document's lists as a filter source. */
export function documentSource(doc: JsonDocument): FilterSource {
  return { ...doc, messages: listOf(doc.messages), transactions: listOf(doc.transactions) };
}

/**
 * Narrows a document to the records a filter selects, and recounts the summary from what is left, so every
 * output mode shows the same selection. Connections are kept when they carry a kept record (or match
 * --address); sessions when they match or hold a kept message or transaction.
 */
export function filterDocument(doc: JsonDocument, f: RecordFilter): JsonDocument {
  if (isEmptyFilter(f)) return doc;
  const sel = selectRecords(documentSource(doc), f);
  return {
    ...doc,
    summary: sel.summary,
    connections: sel.connections,
    sessions: sel.sessions,
    messages: sel.messages.map((i) => doc.messages[i] as JsonMessage),
    transactions: sel.transactions.map((i) => doc.transactions[i] as JsonTransaction),
    auth: sel.auth,
    sip: sel.sip,
    diagnostics: sel.diagnostics,
  };
}

/** A message that passes every rule but the one that needs the kept transactions (--method), as counted. */
interface Candidate {
  index: number;
  id: number;
  state: JsonMessage['state'];
  delivery: JsonMessage['delivery']['state'];
  session: number | null;
  connections: number[];
}

/**
 * The selection filterDocument makes, reading each message and each transaction once (two passes over no
 * list): a document streamed from the model can be filtered without being built (filteredSections).
 */
export function selectRecords(src: FilterSource, f: RecordFilter): FilterSelection {
  const connOk = new Set<number>();
  for (const c of src.connections) {
    const ends = [c.client, c.server];
    if (f.connection !== undefined && c.id !== f.connection) continue;
    if (f.address === undefined || ends.some((e) => e.address === f.address && (f.port === undefined || e.port === f.port))) connOk.add(c.id);
  }
  const sessOk = new Set<number>();
  for (const s of src.sessions) if (f.session === undefined || sessionMatches(s, f.session)) sessOk.add(s.id);
  // --state / --delivery select messages first; a transaction passes when it belongs to one of them.
  const terms = hasMessageTerms(f);
  const termOk = new Set<number>();
  const candidates: Candidate[] = [];
  for (let i = 0; i < src.messages.count; i++) {
    const m = src.messages.item(i);
    const termsPass = !terms || messageTermsMatch(m, f);
    if (terms && termsPass) termOk.add(m.id);
    if (
      termsPass &&
      (f.message === undefined || m.messageId === f.message) &&
      (f.session === undefined || (m.session !== null && sessOk.has(m.session))) &&
      m.legs.some((l) => connOk.has(l.connection))
    ) {
      candidates.push({ index: i, id: m.id, state: m.state, delivery: m.delivery.state, session: m.session, connections: m.legs.map((l) => l.connection) });
    }
  }
  const txKeep = (t: JsonTransaction): boolean =>
    connOk.has(t.connection) &&
    (!terms || (t.message !== null && termOk.has(t.message))) &&
    (f.method === undefined || t.method === f.method) &&
    (f.message === undefined || t.messageId === f.message) &&
    (f.session === undefined || (t.session !== null && sessOk.has(t.session)));
  // Frames with their end-line are counted; frames cut before it apart (summary.truncated), as unfiltered.
  const requests = new Map<string, number>();
  const responses = new Map<string, number>();
  const cutRequests = new Map<string, number>();
  const cutResponses = new Map<string, number>();
  const txStates = new Map<string, number>();
  const transactions: number[] = [];
  const keptMsgByTx = new Set<number>();
  const usedSessions = new Set<number>();
  const usedConns = new Set<number>();
  for (let i = 0; i < src.transactions.count; i++) {
    const t = src.transactions.item(i);
    if (!txKeep(t)) continue;
    transactions.push(i);
    if (t.message !== null) keptMsgByTx.add(t.message);
    if (t.session !== null) usedSessions.add(t.session);
    usedConns.add(t.connection);
    if (t.request !== null && t.method !== null) bump(t.request.truncated ? cutRequests : requests, t.method);
    if (t.response !== null) bump(t.response.truncated ? cutResponses : responses, String(t.response.status));
    bump(txStates, t.state);
  }
  const messages: number[] = [];
  const messageStates = new Map<string, number>();
  const deliveries = new Map<string, number>();
  for (const c of candidates) {
    if (f.method !== undefined && !keptMsgByTx.has(c.id)) continue;
    messages.push(c.index);
    bump(messageStates, c.state);
    bump(deliveries, c.delivery);
    if (c.session !== null) usedSessions.add(c.session);
    for (const conn of c.connections) usedConns.add(conn);
  }
  const sessions = src.sessions.filter((s) => usedSessions.has(s.id));
  const narrowsConnections = f.session !== undefined || f.message !== undefined || f.method !== undefined || terms;
  const connections = src.connections.filter((c) => connOk.has(c.id) && (!narrowsConnections || usedConns.has(c.id)));
  const keptConns = new Set(connections.map((c) => c.id));
  const diagnostics = src.diagnostics.filter((d) => d.connection < 0 ? !narrowsConnections && f.address === undefined && f.connection === undefined : keptConns.has(d.connection));
  const diagCounts = new Map<string, number>();
  for (const d of diagnostics) bump(diagCounts, d.code);
  const toCounts = (m: Map<string, number>): CountMap => Object.fromEntries(m);
  // AUTH records belong to connections, not messages: a message-level filter (--state, --delivery) drops them.
  const auth = src.auth.filter((a) => keptConns.has(a.connection) && (f.method === undefined || f.method === 'AUTH') && !terms);
  const sip = src.sip.filter(
    (d) => (f.session === undefined || d.sessions.some((s) => sessOk.has(s))) && (!terms || d.sessions.some((s) => usedSessions.has(s))),
  );
  const connectionTallies = { msrp: 0, tls: 0, websocket: 0 };
  for (const c of connections) tallyConnection(connectionTallies, c.msrp, c.transport);
  const count = (m: Map<string, number>, k: string): number => m.get(k) ?? 0;
  return {
    summary: {
      ...src.summary,
      connections: { total: connections.length, ...connectionTallies },
      requests: toCounts(requests),
      responses: toCounts(responses),
      truncated: { ...src.summary.truncated, requests: toCounts(cutRequests), responses: toCounts(cutResponses) },
      messages: {
        total: messages.length,
        complete: count(messageStates, 'complete'),
        aborted: count(messageStates, 'aborted'),
        incomplete: count(messageStates, 'incomplete'),
      },
      sessions: sessions.length,
      sipDialogs: sip.length,
      diagnostics: toCounts(diagCounts),
      transactions: {
        total: transactions.length,
        answered: count(txStates, 'answered'),
        unanswered: count(txStates, 'unanswered'),
        noResponseExpected: count(txStates, 'no-response-expected'),
        orphanResponses: count(txStates, 'orphan-response'),
      },
      delivery: {
        delivered: count(deliveries, 'delivered'),
        failed: count(deliveries, 'failed'),
        unknown: count(deliveries, 'unknown'),
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

/**
 * The filtered document as a section table, without building the whole one: each message and transaction
 * record is made once to select (selectRecords) and once more, if kept, when it is written. The text of
 * jsonSectionChunks over it equals JSON.stringify of filterDocument(buildJsonDocument(view), f).
 */
export function filteredSections(view: ModelView, f: RecordFilter): DocumentSections {
  return filteredSelection(view, f).sections;
}

/** The filtered document's sections, and the positions in the model's lists of the messages and transactions kept. */
export interface FilteredSelection {
  sections: DocumentSections;
  messages: readonly number[];
  transactions: readonly number[];
}

export function filteredSelection(view: ModelView, f: RecordFilter): FilteredSelection {
  const all = documentSections(view);
  const sel = selectRecords({ ...documentHead(all), messages: all.messages, transactions: all.transactions }, f);
  const picked = <T>(from: RecordList<T>, at: readonly number[]): RecordList<T> => ({ count: at.length, item: (j) => from.item(at[j] as number) });
  const sections: DocumentSections = {
    schema: all.schema,
    tool: all.tool,
    capture: all.capture,
    summary: { value: () => sel.summary },
    connections: listOf(sel.connections),
    sessions: listOf(sel.sessions),
    messages: picked(all.messages, sel.messages),
    transactions: picked(all.transactions, sel.transactions),
    auth: listOf(sel.auth),
    sip: listOf(sel.sip),
    diagnostics: listOf(sel.diagnostics),
  };
  return { sections, messages: sel.messages, transactions: sel.transactions };
}
