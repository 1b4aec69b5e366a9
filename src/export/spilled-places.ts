/**
 * What the drawing outputs (--ladder, --html) keep in memory of each record written ahead (record-spill.ts):
 * where it is drawn (a message's session; a transaction's session, connection and message) and a transaction's
 * round-trip time, in columns by record index: 4 to 8 bytes a field, paged (util/column.ts). The record itself
 * is read back (its JSON text) only when its session is drawn.
 */
import type { FoldSink } from '../model/message-fold.js';
import type { MessageRecord } from '../model/messages.js';
import { messageIndexOf, type TransactionRecord } from '../model/transactions.js';
import { transactionRtt } from './records.js';
import { Column } from '../util/column.js';
import type { PageFile } from '../util/page-file.js';

const NONE = -1;

/**
 * A FoldSink: joined before the sink that writes the records (joinSinks), it notes where each is drawn. Its
 * columns keep the pages not in use in `pages` (the record spill's: RecordSpill.pages), else in memory.
 */
export class SpilledPlaces implements FoldSink {
  private readonly messageSessions: Column<Int32Array>;
  private readonly txSessions: Column<Int32Array>;
  private readonly txConnections: Column<Int32Array>;
  private readonly txMessages: Column<Int32Array>;
  private readonly rtts: Column<Float64Array>;

  constructor(pages?: PageFile) {
    const ints = (): Column<Int32Array> => new Column((n) => new Int32Array(n), NONE, pages);
    this.messageSessions = ints();
    this.txSessions = ints();
    this.txConnections = ints();
    this.txMessages = ints();
    this.rtts = new Column((n) => new Float64Array(n), Number.NaN, pages);
  }

  message(m: MessageRecord): void {
    this.messageSessions.set(m.index, m.session?.index ?? NONE);
  }

  transaction(t: TransactionRecord): void {
    this.txSessions.set(t.index, t.session?.index ?? NONE);
    this.txConnections.set(t.index, t.connection);
    this.txMessages.set(t.index, messageIndexOf(t) ?? NONE);
    this.rtts.set(t.index, transactionRtt(t) ?? Number.NaN);
  }

  messageSession(index: number): number | null {
    const s = this.messageSessions.get(index);
    return s === NONE ? null : s;
  }

  transactionSession(index: number): number | null {
    const s = this.txSessions.get(index);
    return s === NONE ? null : s;
  }

  transactionConnection(index: number): number {
    return this.txConnections.get(index);
  }

  transactionMessage(index: number): number | null {
    const m = this.txMessages.get(index);
    return m === NONE ? null : m;
  }

  transactionRtt(index: number): number | null {
    const r = this.rtts.get(index);
    return Number.isNaN(r) ? null : r;
  }
}
