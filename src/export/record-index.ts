/**
 * Lookups over the records of an analysis: by id, and grouped (transactions by session, message and
 * connection; messages by session; AUTH exchanges by connection, client and transaction). The session list,
 * the ladders and the HTML report read records through this and nothing else, so the same code draws from a
 * JSON document held whole (src/format/doc-index.ts: the TUI, a filtered document) or from the model, making
 * each message and transaction record when it is asked for (model-index.ts: `--ladder`, `--html`).
 */
import type {
  JsonAuth,
  JsonConnection,
  JsonDocument,
  JsonMessage,
  JsonSession,
  JsonSipDialog,
  JsonTransaction,
} from './json-types.js';

/** A document without its two long lists: what is kept whole however large the capture (a record per session, connection, dialog). */
export type DocumentHead = Omit<JsonDocument, 'messages' | 'transactions'>;

export interface RecordIndex {
  readonly head: DocumentHead;
  readonly messageCount: number;
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
  /** How many transactions carried a message (messageTransactions(id).length, without making them). */
  messageTransactionCount(id: number): number;
  /** AUTH exchanges on a connection. */
  connectionAuths(id: number): readonly JsonAuth[];
  /** AUTH exchanges whose client URI is this (normalised) URI. */
  authsByClient(uri: string): readonly JsonAuth[];
  /** The AUTH exchange a transaction was part of. */
  authOfTransaction(id: number): JsonAuth | undefined;
  /** Every message, then every transaction, in document order (a model index makes each as it is reached and keeps none). */
  messages(): Iterable<JsonMessage>;
  transactions(): Iterable<JsonTransaction>;
}

export const EMPTY: readonly never[] = [];

/** The key AUTH client URIs and session endpoints are compared by. */
export function uriKey(uri: string): string {
  return uri.trim().toLowerCase();
}

/** A lookup by id over records numbered 0..n-1 in order (a Map when a list is not). */
export function byId<T extends { id: number }>(list: readonly T[]): (id: number) => T | undefined {
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

export function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l === undefined) m.set(k, [v]);
  else l.push(v);
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
