/**
 * A RecordIndex over the model (record-index.ts): the document's head is made whole, but a message or
 * transaction record is made only when it is asked for, from the same section table the JSON output writes
 * (so it is the record `--json` shows), and kept only while the session or connection it was asked for is
 * the one being drawn. The viewer (of a file, and live, made again at each redraw), `--ladder` and `--html`,
 * filtered or not, draw a capture of any size this way, one session at a time, instead of building every record
 * of the document first (363-526 MB for a 1 GB capture). The session list and the ladders read only the fields
 * they show, made from the model records without the records (rowMessages, rowTransactions; sessionTransactions,
 * looseTransactions, ladderTransaction, ladderMessage): the headers, raw and typed, are most of a transaction
 * record.
 */
import type { ModelView } from '../model/view.js';
import type { TransactionRecord } from '../model/transactions.js';
import type { MessageRecord } from '../model/messages.js';
import type { JsonMessage, JsonTransaction } from './json-types.js';
import { connectionLookup, documentHead, documentSections, recordContext, sectionItems, type RecordList } from './json.js';
import { filteredSelection, isEmptyFilter, type RecordFilter } from './filter.js';
import {
  listed,
  messageLadderJson,
  messageRowCode,
  messageRowJson,
  transactionLadderJson,
  transactionRowCode,
  transactionRowJson,
  transactionRtt,
} from './records.js';
import {
  authLookups,
  byId,
  EMPTY,
  groupBySession,
  groupTransactions,
  positions,
  push,
  spans,
  type LadderMessage,
  type LadderTransaction,
  type RecordIndex,
  type TransactionPlace,
} from './record-index.js';

/** The records of one list section by id, each made when first asked for and kept until clear(). */
function onDemand<T>(section: Pick<RecordList<T>, 'item'>, at: (id: number) => number | undefined): { get(id: number): T | undefined; clear(): void } {
  let made = new Map<number, T>();
  return {
    get(id) {
      let r = made.get(id);
      if (r === undefined) {
        const i = at(id);
        if (i === undefined) return undefined;
        r = section.item(i);
        made.set(id, r);
      }
      return r;
    },
    clear() {
      made = new Map();
    },
  };
}

const MODEL_PLACE: TransactionPlace<TransactionRecord> = {
  session: (t) => t.session?.index ?? null,
  connection: (t) => t.connection,
  message: (t) => listed(t.message),
};

/**
 * The index of the document `--json` writes, or with a filter (not empty) of the filtered one: its head is made
 * whole, its messages and transactions are the records the filter keeps, made when asked for.
 */
export function modelIndex(view: ModelView, filter?: RecordFilter): RecordIndex {
  const all = filter === undefined || isEmptyFilter(filter);
  const selection = all ? undefined : filteredSelection(view, filter);
  const sections = selection?.sections ?? documentSections(view);
  const head = documentHead(sections);
  // The groupings, as record ids, from the model records (the fields the JSON records take them from), in the
  // order of the section lists (the kept ones, with a filter).
  const keep = <T>(list: readonly T[], at: readonly number[] | undefined): readonly T[] => (at === undefined ? list : at.map((i) => list[i] as T));
  const messages = keep(view.messages(), selection?.messages);
  const transactions = keep(view.transactions(), selection?.transactions);
  const messageAt = positions(messages.map((m) => m.index));
  const transactionAt = positions(transactions.map((t) => t.index));
  const { bySession: txBySession, loose: txLoose, byMessage: txByMessage } = groupTransactions(transactions, MODEL_PLACE, (t) => t.index);
  const msgBySession = groupBySession(messages, (m) => m.session?.index ?? null, (m) => m.index);

  // Records made for the scope being drawn; another scope's lists start afresh.
  let scope = '';
  const ctx = recordContext(view);
  const conns = connectionLookup(view);
  const lists = [
    onDemand(sections.messages, messageAt),
    onDemand(sections.transactions, transactionAt),
    onDemand({ item: (i) => messageLadderJson(messages[i] as MessageRecord) }, messageAt),
    onDemand({ item: (i) => transactionLadderJson(transactions[i] as TransactionRecord, ctx, conns) }, transactionAt),
  ] as const;
  const [messageRecords, transactionRecords, messageLadders, transactionLadders] = lists;
  const enter = (key: string): void => {
    if (key === scope) return;
    scope = key;
    for (const l of lists) l.clear();
  };
  const message = (id: number): JsonMessage | undefined => messageRecords.get(id);
  const transaction = (id: number): JsonTransaction | undefined => transactionRecords.get(id);
  const ladderTransaction = (id: number): LadderTransaction | undefined => transactionLadders.get(id);
  const ladderMessage = (id: number): LadderMessage | undefined => messageLadders.get(id);
  const made = <T>(ids: readonly number[] | undefined, get: (id: number) => T | undefined): readonly T[] => {
    if (ids === undefined) return EMPTY;
    const out: T[] = [];
    for (const id of ids) {
      const r = get(id);
      if (r !== undefined) out.push(r);
    }
    return out;
  };
  // The row revisions of every session, made in one pass when first asked for: each message as id * 128 + its
  // code, each transaction as -(id * 8 + its code) - 1, in list order.
  let revisions: Map<number, number[]> | undefined;
  const rowRevisions = (): Map<number, number[]> => {
    if (revisions !== undefined) return revisions;
    const out = new Map<number, number[]>();
    for (const m of messages) if (m.session !== undefined) push(out, m.session.index, m.index * 128 + messageRowCode(m));
    for (const t of transactions) if (t.session !== undefined) push(out, t.session.index, -(t.index * 8 + transactionRowCode(t)) - 1);
    revisions = out;
    return out;
  };
  return {
    head,
    messageCount: sections.messages.count,
    session: byId(head.sessions),
    connection: byId(head.connections),
    message,
    transaction,
    ladderTransaction,
    ladderMessage,
    dialog: byId(head.sip),
    sessionTransactions: (id) => {
      enter(`s${id}`);
      return made(txBySession.get(id), ladderTransaction);
    },
    looseTransactions: (c) => {
      enter(`c${c}`);
      return made(txLoose.get(c), ladderTransaction);
    },
    looseConnections: [...txLoose.keys()].sort((a, b) => a - b),
    sessionMessages: (id) => {
      enter(`s${id}`);
      return made(msgBySession.get(id), message);
    },
    messageTransactions: (id) => made(txByMessage.get(id), transaction),
    messageTransactionCount: (id) => txByMessage.count(id),
    // The session list's fields, made from the model records without making the records (nor keeping any).
    rowMessages: (id) => (msgBySession.get(id) ?? EMPTY).map((i) => messageRowJson(messages[messageAt(i) as number] as MessageRecord)),
    rowTransactions: (id) => (txBySession.get(id) ?? EMPTY).map((i) => transactionRowJson(transactions[transactionAt(i) as number] as TransactionRecord)),
    ...authLookups(head.auth),
    messages: () => sectionItems(sections.messages),
    transactions: () => sectionItems(sections.transactions),
    transactionRtts: () => transactions.map(transactionRtt),
    rowRevision: (id) => rowRevisions().get(id) ?? EMPTY,
    frameTransaction: (connection, frame) => {
      for (const t of transactions) {
        if (t.connection !== connection) continue;
        const { request: q, response: r } = t;
        // The frames the record's request.at / lastFrame and response.at / lastFrame give.
        if ((q !== undefined && spans(q.firstFrame.frame, q.lastFrame.frame, frame)) || (r !== undefined && spans(r.firstFrame.frame, r.lastFrame.frame, frame))) return t.index;
      }
      return undefined;
    },
  };
}
