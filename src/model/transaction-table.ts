/**
 * The retained transactions, and (when every record is shown and the model folds: FoldOptions.records) their
 * letting go. A transaction can change only while a response can still reach it: while its connection's
 * PendingRequests holds it (waiting, or among the last answered, for a repeated response). Once it holds it
 * no more, the transaction is final: it is handed to the FoldSink (which writes it) and dropped from the list,
 * so a long capture's `--json` holds the transactions of its open exchanges, not of its history.
 */
import type { FoldSink } from './message-fold.js';
import type { TransactionRecord } from './transactions.js';
import { keepInPlace } from '../util/arrays.js';
import { Column } from '../util/column.js';
import { RotatingQueue } from './rotating-queue.js';

/** Queue entries examined per new transaction: one still reachable goes to the back. */
const EXAMINE = 4;

export class TransactionTable {
  /** Held records in index order; retired ones are dropped in one pass once they are an eighth of it (or 1024). */
  private items: TransactionRecord[] = [];
  /** One bit per transaction index: retired (32 to a word). */
  private readonly retiredBits = new Column((n) => new Uint32Array(n));
  private retiredInItems = 0;
  /** Transactions handed to the sink and let go. */
  retired = 0;

  push(t: TransactionRecord): void {
    this.items.push(t);
  }

  /** The held transactions, in index order. */
  get list(): readonly TransactionRecord[] {
    if (this.retiredInItems > 0) this.dropRetired();
    return this.items;
  }

  /** Transactions held as records. */
  get held(): number {
    return this.items.length - this.retiredInItems;
  }

  isRetired(index: number): boolean {
    return (this.retiredBits.get(index >>> 5) & (1 << (index & 31))) !== 0;
  }

  /** Lets a transaction go (the caller has handed it on). */
  retire(t: TransactionRecord): void {
    if (t.index < 0 || this.isRetired(t.index)) return;
    const w = t.index >>> 5;
    this.retiredBits.set(w, this.retiredBits.get(w) | (1 << (t.index & 31)));
    this.retired++;
    if (++this.retiredInItems >= Math.max(1024, this.items.length >>> 3)) this.dropRetired();
  }

  private dropRetired(): void {
    keepInPlace(this.items, (t) => !this.isRetired(t.index));
    this.retiredInItems = 0;
  }
}

/**
 * The transactions that may be let go, examined a few at each new one while more than `after` are held:
 * those no response can reach any more go to the sink (none is examined, nor queued, before a sink is set).
 */
export class TransactionFold {
  private readonly queue = new RotatingQueue<TransactionRecord>();
  /** Where the transactions let go are written (Correlator.foldInto). */
  sink: FoldSink | undefined;

  constructor(
    private readonly table: TransactionTable,
    private readonly after: number,
    /** Whether a response may still reach the transaction (its connection's PendingRequests holds it). */
    private readonly reachable: (t: TransactionRecord) => boolean,
  ) {}

  /** A new retained transaction: queued, and a few at the front examined. */
  add(t: TransactionRecord): void {
    const sink = this.sink;
    if (sink === undefined) return;
    this.queue.push(t);
    this.queue.examine(
      EXAMINE,
      () => this.table.held > this.after,
      (x) => {
        if (this.reachable(x)) return false;
        sink.transaction(x);
        this.table.retire(x);
        return true;
      },
    );
  }
}
