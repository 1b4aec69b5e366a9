/**
 * Lookups over one JSON document held whole (export/record-index.ts says what they are), built once per
 * document: a WeakMap keeps them while the document lives.
 */
import type { JsonDocument, JsonMessage, JsonSession, JsonSipDialog, JsonTransaction } from '../export/json-types.js';
import { authLookups, byId, EMPTY, push, type RecordIndex } from '../export/record-index.js';

export { uriKey } from '../export/record-index.js';

export interface DocIndex extends RecordIndex {
  readonly doc: JsonDocument;
}

/**
 * Whether the SIP caller (the dialog's From, whose request carried the SDP offer) is the session's second
 * endpoint: its session-id is in the offer and the first endpoint's is not.
 */
export function callerIsB(s: JsonSession, d: JsonSipDialog): boolean {
  const offerIds = new Set((d.offer?.kind === 'request' ? d.offer.msrp : []).map((m) => m.sessionId));
  return s.endpoints[1].sessionId !== null && offerIds.has(s.endpoints[1].sessionId) && !offerIds.has(s.endpoints[0].sessionId);
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
  const looseConnections = [...txLoose.keys()].sort((a, b) => a - b);
  return {
    doc,
    head: doc,
    messageCount: doc.messages.length,
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
    messageTransactionCount: (id) => txByMessage.get(id)?.length ?? 0,
    ...authLookups(doc.auth),
    messages: () => doc.messages,
    transactions: () => doc.transactions,
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

/** A document's index, or the index given (functions that draw from either take both). */
export function recordIndex(source: JsonDocument | RecordIndex): RecordIndex {
  return 'head' in source ? source : indexDocument(source);
}
