/**
 * Lookups over the records of an analysis: by id, and grouped (transactions by session, message and
 * connection; messages by session; AUTH exchanges by connection, client and transaction). The session list,
 * the ladders, the viewer's screens and the HTML report read records through this and nothing else, so the
 * same code draws from a JSON document held whole (indexDocument, below: tests, and callers that have one) or
 * from the model, making each message and transaction record when it is asked for (model-index.ts: the viewer,
 * live or not, `--ladder`, `--html`, filtered or not).
 */
import type { DocumentHead } from './json.js';
import { Groups } from './groups.js';
import type {
  JsonAuth,
  JsonConnection,
  JsonDocument,
  JsonLeg,
  JsonMessage,
  JsonSession,
  JsonSipDialog,
  JsonTransaction,
} from './json-types.js';

/** A record index that is a document's (indexDocument): the document itself is at hand. */
export interface DocIndex extends RecordIndex {
  readonly doc: JsonDocument;
}

export type { DocumentHead } from './json.js';

/** The fields of a message the session list reads (a JsonMessage is one). */
export type RowMessage = Pick<JsonMessage, 'messageId' | 'from' | 'contentType' | 'state'> & {
  delivery: Pick<JsonMessage['delivery'], 'state'>;
  cpim: Pick<NonNullable<JsonMessage['cpim']>, 'from' | 'to' | 'contentType'> | null;
  file: { selector: Pick<NonNullable<JsonMessage['file']>['selector'], 'name'> } | null;
};

/**
 * The fields of a transaction the ladders (text, viewer, report), a connection's row in the session list and
 * the report's hover texts read (a JsonTransaction is one): no headers, raw or typed.
 */
export type LadderTransaction = Pick<
  JsonTransaction,
  'id' | 'connection' | 'transactionId' | 'method' | 'from' | 'to' | 'state' | 'expects' | 'rttMs' | 'toPath' | 'fromPath' | 'byteRange' | 'status' | 'message'
> & {
  request: Pick<NonNullable<JsonTransaction['request']>, 'direction' | 'at' | 'bodyLength' | 'flag' | 'truncated'> | null;
  response: Pick<NonNullable<JsonTransaction['response']>, 'direction' | 'status' | 'comment' | 'at' | 'truncated'> | null;
};

/** The fields of a message a ladder's folded SEND entry and its hover text read (a JsonMessage is one). */
export type LadderMessage = Pick<JsonMessage, 'messageId' | 'size' | 'state'> & {
  legs: ReadonlyArray<Pick<JsonLeg, 'connection' | 'direction' | 'chunks' | 'bytes' | 'total' | 'state'>>;
  delivery: Pick<JsonMessage['delivery'], 'state' | 'code' | 'latencyMs'>;
};

/** The fields of a transaction a session's row reads (a JsonTransaction is one). */
export type RowTransaction = Pick<JsonTransaction, 'connection' | 'state' | 'toPath' | 'fromPath'> & {
  response: Pick<NonNullable<JsonTransaction['response']>, 'status'> | null;
  status: Pick<NonNullable<JsonTransaction['status']>, 'code'> | null;
};

export interface RecordIndex {
  readonly head: DocumentHead;
  readonly messageCount: number;
  session(id: number): JsonSession | undefined;
  connection(id: number): JsonConnection | undefined;
  message(id: number): JsonMessage | undefined;
  transaction(id: number): JsonTransaction | undefined;
  dialog(id: number): JsonSipDialog | undefined;
  /** Transactions of a session, in document order: the fields a ladder reads (the records themselves, or those fields made alone). */
  sessionTransactions(id: number): readonly LadderTransaction[];
  /** Transactions that belong to no session, by connection: as sessionTransactions. */
  looseTransactions(connection: number): readonly LadderTransaction[];
  /** One transaction's ladder fields, as sessionTransactions gives them (AUTH attempts, the report's hover texts). */
  ladderTransaction(id: number): LadderTransaction | undefined;
  /** One message's ladder fields (a folded SEND entry, its hover text). */
  ladderMessage(id: number): LadderMessage | undefined;
  /** Connections with transactions that belong to no session, ascending. */
  readonly looseConnections: readonly number[];
  sessionMessages(id: number): readonly JsonMessage[];
  messageTransactions(id: number): readonly JsonTransaction[];
  /** How many transactions carried a message (messageTransactions(id).length, without making them). */
  messageTransactionCount(id: number): number;
  /**
   * What a session's row in the session list reads of its messages and transactions: the records themselves, or
   * (from the model) only those fields, made without the records.
   */
  rowMessages(session: number): readonly RowMessage[];
  rowTransactions(session: number): readonly RowTransaction[];
  /** AUTH exchanges on a connection. */
  connectionAuths(id: number): readonly JsonAuth[];
  /** AUTH exchanges whose client URI is this (normalised) URI. */
  authsByClient(uri: string): readonly JsonAuth[];
  /** The AUTH exchange a transaction was part of. */
  authOfTransaction(id: number): JsonAuth | undefined;
  /** Every message, then every transaction, in document order (a model index makes each as it is reached and keeps none). */
  messages(): Iterable<JsonMessage>;
  transactions(): Iterable<JsonTransaction>;
  /** Every transaction's rttMs, in document order (a model index reads them without making the records). */
  transactionRtts(): Iterable<number | null>;
  /**
   * The first transaction, in document order, on `connection` whose request or response spans `frame` (from
   * the frame of its start-line to that of its end-line): its id. A model index reads the frames without making
   * the records.
   */
  frameTransaction(connection: number, frame: number): number | undefined;
  /**
   * Of an index over records that change (the model's): for each session, numbers that change whenever what its
   * row reads of its messages and transactions (rowMessages, rowTransactions) does. The live viewer keeps a row
   * whose numbers, session record, connections and dialogs are as they were (format/session-list.ts). A document's
   * index has none: its records never change.
   */
  rowRevision?(session: number): readonly number[];
}

/** Whether a part seen from frame `first` to frame `last` spans `frame`. */
export function spans(first: number, last: number, frame: number): boolean {
  return frame >= first && frame <= last;
}

export const EMPTY: readonly never[] = [];

/** The key AUTH client URIs and session endpoints are compared by. */
export function uriKey(uri: string): string {
  return uri.trim().toLowerCase();
}

/** Position in a list by record id: the id itself when the list is numbered 0..n-1 in order, else a Map. */
export function positions(ids: readonly number[]): (id: number) => number | undefined {
  // The count alone is kept, not the list (a live viewer's index is made again at each redraw).
  const n = ids.length;
  if (ids.every((id, i) => id === i)) return (id) => (Number.isInteger(id) && id >= 0 && id < n ? id : undefined);
  const map = new Map<number, number>();
  ids.forEach((id, i) => map.set(id, i));
  return (id) => map.get(id);
}

/** A lookup by id over a list of records. */
export function byId<T extends { id: number }>(list: readonly T[]): (id: number) => T | undefined {
  const at = positions(list.map((x) => x.id));
  return (id) => {
    const i = at(id);
    return i === undefined ? undefined : list[i];
  };
}

export function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l === undefined) m.set(k, [v]);
  else l.push(v);
}

/** Where a transaction is drawn: its session's ladder, else its connection's "(no session)" row; and its message's. */
export interface TransactionPlace<X> {
  session(x: X): number | null;
  connection(x: X): number;
  message(x: X): number | null;
}

/** Transactions grouped as the lookups give them: by session, by connection (those of no session), by message. */
export interface TransactionGroups<T> {
  bySession: Groups<T>;
  loose: Groups<T>;
  byMessage: Groups<T>;
}

/** Groups transactions (JSON records or the model's), in order, keeping `value(x)` of each. */
export function groupTransactions<X, T>(list: readonly X[], place: TransactionPlace<X>, value: (x: X) => T): TransactionGroups<T> {
  return {
    bySession: Groups.of(list, (x) => place.session(x), value),
    loose: Groups.of(list, (x) => (place.session(x) === null ? place.connection(x) : null), value),
    byMessage: Groups.of(list, (x) => place.message(x), value),
  };
}

/** Messages grouped by session (those of no session left out), in order, keeping `value(x)` of each. */
export function groupBySession<X, T>(list: readonly X[], session: (x: X) => number | null, value: (x: X) => T): Groups<T> {
  return Groups.of(list, session, value);
}

export interface AuthLookups {
  connectionAuths(id: number): readonly JsonAuth[];
  authsByClient(uri: string): readonly JsonAuth[];
  authOfTransaction(id: number): JsonAuth | undefined;
}

/** The AUTH lookups of a list of AUTH exchanges. */
export function authLookups(auths: readonly JsonAuth[]): AuthLookups {
  const byConn = new Map<number, JsonAuth[]>();
  const byClient = new Map<string, JsonAuth[]>();
  const byTx = new Map<number, JsonAuth>();
  for (const a of auths) {
    push(byConn, a.connection, a);
    push(byClient, uriKey(a.client), a);
    for (const at of a.attempts) byTx.set(at.transaction, a);
  }
  return {
    connectionAuths: (id) => byConn.get(id) ?? EMPTY,
    authsByClient: (uri) => byClient.get(uriKey(uri)) ?? EMPTY,
    authOfTransaction: (id) => byTx.get(id),
  };
}

const JSON_PLACE: TransactionPlace<JsonTransaction> = { session: (t) => t.session, connection: (t) => t.connection, message: (t) => t.message };

function build(doc: JsonDocument): DocIndex {
  const same = <X>(x: X): X => x;
  const { bySession: txBySession, loose: txLoose, byMessage: txByMessage } = groupTransactions(doc.transactions, JSON_PLACE, same);
  const msgBySession = groupBySession(doc.messages, (m) => m.session, same);
  const looseConnections = [...txLoose.keys()].sort((a, b) => a - b);
  return {
    doc,
    head: doc,
    messageCount: doc.messages.length,
    session: byId(doc.sessions),
    connection: byId(doc.connections),
    message: byId(doc.messages),
    transaction: byId(doc.transactions),
    ladderTransaction: byId(doc.transactions),
    ladderMessage: byId(doc.messages),
    dialog: byId(doc.sip),
    sessionTransactions: (id) => txBySession.get(id) ?? EMPTY,
    looseTransactions: (c) => txLoose.get(c) ?? EMPTY,
    rowMessages: (id) => msgBySession.get(id) ?? EMPTY,
    rowTransactions: (id) => txBySession.get(id) ?? EMPTY,
    looseConnections,
    sessionMessages: (id) => msgBySession.get(id) ?? EMPTY,
    messageTransactions: (id) => txByMessage.get(id) ?? EMPTY,
    messageTransactionCount: (id) => txByMessage.count(id),
    ...authLookups(doc.auth),
    messages: () => doc.messages,
    transactions: () => doc.transactions,
    transactionRtts: () => doc.transactions.map((t) => t.rttMs),
    frameTransaction: (connection, frame) =>
      doc.transactions.find(
        (t) =>
          t.connection === connection &&
          ((t.request !== null && spans(t.request.at.frame, t.request.lastFrame, frame)) ||
            (t.response !== null && spans(t.response.at.frame, t.response.lastFrame, frame))),
      )?.id,
  };
}

const cache = new WeakMap<JsonDocument, DocIndex>();

/** The index of a document held whole (built on first use, kept while the document lives). Documents are treated as immutable. */
export function indexDocument(doc: JsonDocument): DocIndex {
  let ix = cache.get(doc);
  if (ix === undefined) {
    ix = build(doc);
    cache.set(doc, ix);
  }
  return ix;
}

/** What the session list, ladders, detail and report draw from: a document, or a record index (a model's). */
export type RecordSource = JsonDocument | RecordIndex;

/** A document's index, or the index given. */
export function recordIndex(source: RecordSource): RecordIndex {
  return 'head' in source ? source : indexDocument(source);
}
