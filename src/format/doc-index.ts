/**
 * Lookups over one JSON document, built once per document (a WeakMap keeps them while the document
 * lives): transactions by session / message / connection, messages by session, records by id.
 */
import type {
  JsonAuth,
  JsonConnection,
  JsonDocument,
  JsonMessage,
  JsonSession,
  JsonSipDialog,
  JsonTransaction,
} from '../export/json-types.js';

export interface DocIndex {
  readonly doc: JsonDocument;
  session(id: number): JsonSession | undefined;
  connection(id: number): JsonConnection | undefined;
  message(id: number): JsonMessage | undefined;
  transaction(id: number): JsonTransaction | undefined;
  dialog(id: number): JsonSipDialog | undefined;
  /** Transactions of a session, in document order. */
  sessionTransactions(id: number): readonly JsonTransaction[];
  /** Transactions that belong to no session, by connection. */
  looseTransactions(connection: number): readonly JsonTransaction[];
  /** Connections with transactions that belong to no session, ascending. */
  readonly looseConnections: readonly number[];
  sessionMessages(id: number): readonly JsonMessage[];
  messageTransactions(id: number): readonly JsonTransaction[];
  /** AUTH exchanges on a connection. */
  connectionAuths(id: number): readonly JsonAuth[];
  /** AUTH exchanges whose client URI is this (normalised) URI. */
  authsByClient(uri: string): readonly JsonAuth[];
  /** The AUTH exchange a transaction was part of. */
  authOfTransaction(id: number): JsonAuth | undefined;
}

const EMPTY: readonly never[] = [];

function byId<T extends { id: number }>(list: readonly T[]): (id: number) => T | undefined {
  // Records are numbered 0..n-1 in order; fall back to a Map when a document is not.
  let dense = true;
  for (let i = 0; i < list.length; i++) {
    if (list[i]?.id !== i) {
      dense = false;
      break;
    }
  }
  if (dense) return (id) => (Number.isInteger(id) && id >= 0 ? list[id] : undefined);
  const map = new Map<number, T>();
  for (const x of list) map.set(x.id, x);
  return (id) => map.get(id);
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l === undefined) m.set(k, [v]);
  else l.push(v);
}

/**
 * Whether the SIP caller (the dialog's From, whose request carried the SDP offer) is the session's second
 * endpoint: its session-id is in the offer and the first endpoint's is not.
 */
export function callerIsB(s: JsonSession, d: JsonSipDialog): boolean {
  const offerIds = new Set((d.offer?.kind === 'request' ? d.offer.msrp : []).map((m) => m.sessionId));
  return s.endpoints[1].sessionId !== null && offerIds.has(s.endpoints[1].sessionId) && !offerIds.has(s.endpoints[0].sessionId);
}

/** The key AUTH client URIs and session endpoints are compared by. */
export function uriKey(uri: string): string {
  return uri.trim().toLowerCase();
}

function build(doc: JsonDocument): DocIndex {
  const txBySession = new Map<number, JsonTransaction[]>();
  const txLoose = new Map<number, JsonTransaction[]>();
  const txByMessage = new Map<number, JsonTransaction[]>();
  for (const t of doc.transactions) {
    if (t.session === null) push(txLoose, t.connection, t);
    else push(txBySession, t.session, t);
    if (t.message !== null) push(txByMessage, t.message, t);
  }
  const msgBySession = new Map<number, JsonMessage[]>();
  for (const m of doc.messages) if (m.session !== null) push(msgBySession, m.session, m);
  const authByConn = new Map<number, JsonAuth[]>();
  const authByClient = new Map<string, JsonAuth[]>();
  const authByTx = new Map<number, JsonAuth>();
  for (const a of doc.auth) {
    push(authByConn, a.connection, a);
    push(authByClient, uriKey(a.client), a);
    for (const at of a.attempts) authByTx.set(at.transaction, a);
  }
  const looseConnections = [...txLoose.keys()].sort((a, b) => a - b);
  return {
    doc,
    session: byId(doc.sessions),
    connection: byId(doc.connections),
    message: byId(doc.messages),
    transaction: byId(doc.transactions),
    dialog: byId(doc.sip),
    sessionTransactions: (id) => txBySession.get(id) ?? EMPTY,
    looseTransactions: (c) => txLoose.get(c) ?? EMPTY,
    looseConnections,
    sessionMessages: (id) => msgBySession.get(id) ?? EMPTY,
    messageTransactions: (id) => txByMessage.get(id) ?? EMPTY,
    connectionAuths: (id) => authByConn.get(id) ?? EMPTY,
    authsByClient: (uri) => authByClient.get(uriKey(uri)) ?? EMPTY,
    authOfTransaction: (id) => authByTx.get(id),
  };
}

const cache = new WeakMap<JsonDocument, DocIndex>();

/** The index of a document (built on first use). Documents are treated as immutable. */
export function indexDocument(doc: JsonDocument): DocIndex {
  let ix = cache.get(doc);
  if (ix === undefined) {
    ix = build(doc);
    cache.set(doc, ix);
  }
  return ix;
}
