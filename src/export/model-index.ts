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
import { messageIndexOf, type TransactionRecord } from '../model/transactions.js';
import type { MessageRecord } from '../model/messages.js';
import type { JsonMessage, JsonTransaction } from './json-types.js';
import type { RecordSpill } from './record-spill.js';
import { RowFingerprint } from './row-fingerprint.js';
import type { SpilledPlaces } from './spilled-places.js';
import { connectionLookup, documentHead, documentSections, recordContext, sectionItems } from './json.js';
import { filteredSelection, isEmptyFilter, type RecordFilter } from './filter.js';
import {
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
  spans,
  type LadderMessage,
  type LadderTransaction,
  type RecordIndex,
  type RowMessage,
  type RowTransaction,
  type TransactionPlace,
} from './record-index.js';

/** Records by id, each made when first asked for and kept until clear(). */
function onDemand<T>(make: (id: number) => T | undefined): { get(id: number): T | undefined; clear(): void } {
  let made = new Map<number, T>();
  return {
    get(id) {
      let r = made.get(id);
      if (r === undefined) {
        r = make(id);
        if (r === undefined) return undefined;
        made.set(id, r);
      }
      return r;
    },
    clear() {
      made = new Map();
    },
  };
}

/**
 * The records the model let go while the capture was read (FoldOptions.records: --ladder and --html without a
 * filter), written ahead as compact JSON (cli/outputs/spilled.ts), with where each is drawn.
 */
export interface WrittenRecords {
  spill: RecordSpill;
  places: SpilledPlaces;
}

/** Ids 0 .. n-1. */
function upTo(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * The index of the document `--json` writes, or with a filter (not empty) of the filtered one: its head is made
 * whole, its messages and transactions are the records the filter keeps, made when asked for. With records
 * written ahead (no filter: --ladder, --html), those are read back from their JSON text when asked for (a
 * session's, each by itself); of a transaction only its ladder fields are kept then, so asking for its whole record
 * (transaction(), transactions(), messageTransactions(), frameTransaction(): the viewer's, which never writes
 * ahead) throws.
 */
export function modelIndex(view: ModelView, filter?: RecordFilter, writtenAhead?: WrittenRecords): RecordIndex {
  const all = filter === undefined || isEmptyFilter(filter);
  const written = all ? writtenAhead : undefined;
  // A session's records are read together, spread among every session's: the pages of their places stay in
  // memory once read (util/page-file.ts), not read again for each session.
  written?.spill.pages.hold();
  const selection = all ? undefined : filteredSelection(view, filter);
  const sections = selection?.sections ?? documentSections(view, { spill: written?.spill });
  const head = documentHead(sections);
  // The records held, in the order of the section lists (the kept ones, with a filter); with records written
  // ahead, the lists hold every id and the held records are some of them.
  const keep = <T>(list: readonly T[], at: readonly number[] | undefined): readonly T[] => (at === undefined ? list : at.map((i) => list[i] as T));
  const messages = keep(view.messages(), selection?.messages);
  const transactions = keep(view.transactions(), selection?.transactions);
  const heldMessageIds = messages.map((m) => m.index);
  const heldTransactionIds = transactions.map((t) => t.index);
  const heldMessageAt = positions(heldMessageIds);
  const heldTransactionAt = positions(heldTransactionIds);
  const heldMessage = (id: number): MessageRecord | undefined => {
    const i = heldMessageAt(id);
    return i === undefined ? undefined : messages[i];
  };
  const heldTransaction = (id: number): TransactionRecord | undefined => {
    const i = heldTransactionAt(id);
    return i === undefined ? undefined : transactions[i];
  };
  const messageIds = written === undefined ? heldMessageIds : upTo(sections.messages.count);
  const transactionIds = written === undefined ? heldTransactionIds : upTo(sections.transactions.count);
  // A held record's place in its section list: its id when every record is listed.
  const messagePlace = written === undefined ? heldMessageAt : (id: number): number => id;
  const transactionPlace = written === undefined ? heldTransactionAt : (id: number): number => id;
  /** A record written ahead, read back by itself (a session's records are spread among every session's). */
  const writtenRecord = <T>(kind: 'message' | 'transaction', id: number): T | undefined => {
    const text = written?.spill.text(kind, id, true);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  };
  const places = written?.places;
  const place: TransactionPlace<number> = {
    session: (id) => {
      const t = heldTransaction(id);
      return t !== undefined ? (t.session?.index ?? null) : (places?.transactionSession(id) ?? null);
    },
    connection: (id) => {
      const t = heldTransaction(id);
      return t !== undefined ? t.connection : (places?.transactionConnection(id) ?? -1);
    },
    message: (id) => {
      const t = heldTransaction(id);
      return t !== undefined ? messageIndexOf(t) : (places?.transactionMessage(id) ?? null);
    },
  };
  const same = (id: number): number => id;
  const { bySession: txBySession, loose: txLoose, byMessage: txByMessage } = groupTransactions(transactionIds, place, same);
  const msgBySession = groupBySession(
    messageIds,
    (id) => {
      const m = heldMessage(id);
      return m !== undefined ? (m.session?.index ?? null) : (places?.messageSession(id) ?? null);
    },
    same,
  );

  // Records made for the scope being drawn; another scope's lists start afresh.
  let scope = '';
  const ctx = recordContext(view);
  const conns = connectionLookup(view);
  const fullMessage = (id: number): JsonMessage | undefined => {
    const at = heldMessage(id) === undefined ? undefined : messagePlace(id);
    return at === undefined ? writtenRecord<JsonMessage>('message', id) : sections.messages.item(at);
  };
  // Of a transaction written ahead only its ladder fields are kept (the drawing outputs read no more).
  const fullTransaction = (id: number): JsonTransaction | undefined => {
    const at = heldTransaction(id) === undefined ? undefined : transactionPlace(id);
    if (at !== undefined) return sections.transactions.item(at);
    if (written !== undefined && written.spill.has('transaction', id)) throw new Error(`transaction ${id} was written ahead: only its ladder fields are kept`);
    return undefined;
  };
  const lists = [
    onDemand(fullMessage),
    onDemand(fullTransaction),
    onDemand((id): LadderMessage | undefined => {
      const m = heldMessage(id);
      return m === undefined ? writtenRecord<JsonMessage>('message', id) : messageLadderJson(m);
    }),
    onDemand((id): LadderTransaction | undefined => {
      const t = heldTransaction(id);
      return t === undefined ? writtenRecord<LadderTransaction>('transaction', id) : transactionLadderJson(t, ctx, conns);
    }),
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
  // The row revisions of every session, made in one pass when first asked for: each message's id and code, then each
  // transaction's, in list order, as a fingerprint (row-fingerprint.ts).
  let revisions: Map<number, readonly number[]> | undefined;
  const rowRevisions = (): Map<number, readonly number[]> => {
    if (revisions !== undefined) return revisions;
    const prints = new Map<number, RowFingerprint>();
    const add = (session: number, kind: number, id: number, code: number): void => {
      let p = prints.get(session);
      if (p === undefined) prints.set(session, (p = new RowFingerprint()));
      p.add(kind, id, code);
    };
    for (const m of messages) if (m.session !== undefined) add(m.session.index, 0, m.index, messageRowCode(m));
    for (const t of transactions) if (t.session !== undefined) add(t.session.index, 1, t.index, transactionRowCode(t));
    revisions = new Map([...prints].map(([session, p]) => [session, p.revision]));
    return revisions;
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
    rowMessages: (id) =>
      made(msgBySession.get(id), (i): RowMessage | undefined => {
        const m = heldMessage(i);
        return m === undefined ? writtenRecord<JsonMessage>('message', i) : messageRowJson(m);
      }),
    rowTransactions: (id) =>
      made(txBySession.get(id), (i): RowTransaction | undefined => {
        const t = heldTransaction(i);
        return t === undefined ? writtenRecord<LadderTransaction>('transaction', i) : transactionRowJson(t);
      }),
    ...authLookups(head.auth),
    // Those written ahead read back in order, as the section list gives them (sectionItems).
    messages: () => sectionItems(sections.messages),
    transactions: () => (written === undefined ? sectionItems(sections.transactions) : made(transactionIds, fullTransaction)),
    transactionRtts: () =>
      transactionIds.map((id) => {
        const t = heldTransaction(id);
        return t === undefined ? (places?.transactionRtt(id) ?? null) : transactionRtt(t);
      }),
    // The live viewer's: records written ahead are never drawn live.
    ...(written === undefined ? { rowRevision: (id: number) => rowRevisions().get(id) ?? EMPTY } : {}),
    frameTransaction: (connection, frame) => {
      for (const id of transactionIds) {
        if (place.connection(id) !== connection) continue;
        const t = heldTransaction(id);
        if (t === undefined) throw new Error(`transaction ${id} was written ahead: its frames are not kept`);
        const { request: q, response: r } = t;
        // The frames the record's request.at / lastFrame and response.at / lastFrame give.
        if ((q !== undefined && spans(q.firstFrame.frame, q.lastFrame.frame, frame)) || (r !== undefined && spans(r.firstFrame.frame, r.lastFrame.frame, frame))) return t.index;
      }
      return undefined;
    },
  };
}
