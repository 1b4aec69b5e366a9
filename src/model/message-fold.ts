/**
 * Folding settled messages into counts, for outputs that read only the counts of most messages (the text
 * summary shows the first rows and counts the rest; NDJSON has written each message's lines as they came).
 * Without it a message's record (legs, coverage, REPORTs, envelope: about 1.6 kB) stays until the end, so
 * memory grows with the capture's length. Folded, a message leaves its counts and 53-bit hashes of its key
 * (MessageTable.fold); its record is hollowed (a connection's recent transactions may still name it).
 *
 * A message is folded once it is stated (complete or aborted on some leg, its message line written) and
 * nothing about it has come for a while of capture time: FOLD_SETTLED_MS once its delivery is decided and every
 * chunk answered, else FOLD_IDLE_MS (RFC 4975's 30 s transaction timeout: a relay's 408 REPORT comes within
 * it); and only while more than `after` messages are held. A chunk, REPORT or response for a folded message
 * later is counted as `message-after-fold` and changes nothing.
 */
import type { FrameRef } from '../capture/types.js';
import type { DeliveryState } from './delivery.js';
import { msBetween } from './frame-time.js';
import type { MessageRecord, MessageState } from './messages.js';
import type { TransactionRecord } from './transactions.js';
import { RotatingQueue } from './rotating-queue.js';

/** Capture time without activity after which a stated message may be folded. */
export const FOLD_IDLE_MS = 30_000;
/** The same for a message whose delivery is decided and whose chunks were all answered. */
export const FOLD_SETTLED_MS = 5_000;
/** Messages held before any is folded (captures with fewer are never folded). */
export const FOLD_AFTER = 10_000;
/** Queue entries examined per chunk: a message that cannot be folded yet goes to the back. */
const EXAMINE = 4;

export interface FoldOptions {
  /** Messages (by index) never folded: the rows an output shows. */
  keepFirst: number;
  /** Fold only while more messages than this are held (default FOLD_AFTER). */
  after?: number;
  /** Capture time without activity before folding (default FOLD_IDLE_MS). */
  idleMs?: number;
  /** The same once delivery is decided and every chunk answered (default FOLD_SETTLED_MS). */
  settledMs?: number;
  /**
   * Every record is shown (--json, --csv, --ladder, --html, --extract: cli/outputs/spilled.ts): each message is handed to a FoldSink as it is folded, and each retained
   * transaction once nothing can change it (no response can reach it any more). Messages that an IMDN
   * notification may still name (they carry an imdn.Message-ID, or are a notification not yet matched) are
   * never folded then. Without a sink (Correlator.foldInto) nothing is folded.
   */
  records?: boolean;
}

/**
 * Takes each record as it is folded, before its record is hollowed (or a transaction let go): an output that
 * shows every record writes it now (export/record-spill.ts).
 */
export interface FoldSink {
  message(m: MessageRecord): void;
  transaction(t: TransactionRecord): void;
}

/** A sink handing each record to `first`, then to `then`. */
export function joinSinks(first: FoldSink, then: FoldSink): FoldSink {
  return {
    message: (m) => {
      first.message(m);
      then.message(m);
    },
    transaction: (t) => {
      first.transaction(t);
      then.transaction(t);
    },
  };
}

/** Whether a message may be folded now: 'settled' (decided and answered), 'stated', or 'open' (never yet). */
export type FoldReadiness = 'settled' | 'stated' | 'open';

/** What folded messages add to the model's counts. */
export class FoldedMessages {
  count = 0;
  readonly states: Record<MessageState, number> = { complete: 0, aborted: 0, incomplete: 0 };
  readonly delivery: Record<DeliveryState, number> = { delivered: 0, failed: 0, unknown: 0 };
  /** Distinct body bytes seen, by session index. */
  readonly sessionBytes = new Map<number, number>();
  /** Messages whose delivery failed, by session index. */
  readonly failedBySession = new Map<number, number>();

  add(session: number | undefined, state: MessageState, delivery: DeliveryState, bytes: number): void {
    this.count++;
    this.states[state]++;
    this.delivery[delivery]++;
    if (session === undefined) return;
    this.sessionBytes.set(session, (this.sessionBytes.get(session) ?? 0) + bytes);
    if (delivery === 'failed') this.failedBySession.set(session, (this.failedBySession.get(session) ?? 0) + 1);
  }
}

/** The messages that may be folded, in order of confirmation, examined a few at each chunk. */
export class FoldQueue {
  private readonly queue = new RotatingQueue<MessageRecord>();
  readonly after: number;
  readonly idleMs: number;
  readonly settledMs: number;

  constructor(readonly opts: FoldOptions) {
    this.after = opts.after ?? FOLD_AFTER;
    this.idleMs = opts.idleMs ?? FOLD_IDLE_MS;
    this.settledMs = opts.settledMs ?? FOLD_SETTLED_MS;
  }

  /** A message was confirmed: it may be folded later unless it is one of the first rows. */
  offer(m: MessageRecord): void {
    if (m.index >= this.opts.keepFirst) this.queue.push(m);
  }

  /**
   * Examines a few messages at the front while more than `after` are held: returns those to fold now; the
   * others go to the back.
   */
  take(held: number, now: FrameRef, readiness: (m: MessageRecord) => FoldReadiness): MessageRecord[] | undefined {
    let out: MessageRecord[] | undefined;
    this.queue.examine(
      EXAMINE,
      () => held > this.after,
      (m) => {
        const r = readiness(m);
        if (r === 'open' || msBetween(m.last, now) < (r === 'settled' ? this.settledMs : this.idleMs)) return false;
        (out ??= []).push(m);
        held--;
        return true;
      },
    );
    return out;
  }
}
