import type { FrameRef } from '../capture/types.js';
import type { Dir } from '../tcp/types.js';
import type { EndFlag, RawHeader } from '../msrp/types.js';
import { extractFields, type FrameFields } from './fields.js';
import { msBetween } from './frame-time.js';
import type { Leg, MessageRecord } from './messages.js';
import type { SessionRecord } from './sessions.js';

/** What a request's sender expects back (RFC 4975 §7.1.1, §7.1.2). */
export type Expectation = 'response' | 'none' | 'failure-only';

export interface RequestPart {
  dir: Dir;
  method: string;
  firstFrame: FrameRef;
  lastFrame: FrameRef;
  headers: readonly RawHeader[];
  bodyLength: number;
  flag: EndFlag | undefined;
  truncated: boolean;
}

export interface ResponsePart {
  dir: Dir;
  status: number;
  comment: string;
  firstFrame: FrameRef;
  lastFrame: FrameRef;
  headers: readonly RawHeader[];
  /** From the request's last frame to the response's first frame; null without a request. */
  rttMs: number | null;
  truncated: boolean;
}

/**
 * One MSRP transaction on one connection: a request and its response (same transaction id, opposite
 * direction). A response whose request was not seen is a transaction without a request.
 */
export interface TransactionRecord {
  index: number;
  connection: number;
  transactionId: string;
  request: RequestPart | undefined;
  response: ResponsePart | undefined;
  /** Further responses with the same transaction id after the first. */
  extraResponses: number;
  expects: Expectation;
  message: MessageRecord | undefined;
  /**
   * The index of a REPORT's message, folded since and let go by a connection that still remembers the REPORT
   * (PendingRequests); `message` is then undefined. Read both through messageIndexOf().
   */
  foldedMessage?: number;
  /** The message leg a SEND chunk travelled on. */
  leg: Leg | undefined;
  session: SessionRecord | undefined;
}

/** The correlation fields of a request or response, parsed again from its headers (kept instead of them). */
export function partFields(part: { headers: readonly RawHeader[] }): FrameFields {
  return extractFields(part.headers);
}

/** The index of the message a transaction belongs to, as the outputs list it (null: none, or not listed). */
export function messageIndexOf(t: TransactionRecord): number | null {
  const m = t.message;
  if (m === undefined) return t.foldedMessage ?? null;
  return m.index < 0 ? null : m.index;
}

export type TransactionState = 'answered' | 'unanswered' | 'no-response-expected' | 'orphan-response';

export function transactionState(t: TransactionRecord): TransactionState {
  if (t.request === undefined) return 'orphan-response';
  if (t.response !== undefined) return 'answered';
  return t.expects === 'response' ? 'unanswered' : 'no-response-expected';
}

/** REPORT never gets a response; SEND honours Failure-Report; everything else is answered. */
export function expectationOf(method: string, fields: FrameFields): Expectation {
  if (method === 'REPORT') return 'none';
  if (method === 'SEND') {
    if (fields.failureReport === 'no') return 'none';
    if (fields.failureReport === 'partial') return 'failure-only';
  }
  return 'response';
}

/**
 * Requests waiting for their response on one connection, by direction and transaction id. Bounded, so
 * memory follows open connections, not their history: requests that expect a response are kept up to
 * `max` per direction; those that expect none (REPORT, Failure-Report: no / partial) only the latest
 * `maxSilent`, enough to recognise a response that should not have come, and only for SILENT_MS of capture
 * time (RFC 4975's transaction timeout: a response later than that is one without a request); answered ones
 * only the latest `maxAnswered`, to recognise a repeated response. Forgotten requests simply stay unanswered.
 *
 * `now` is the latest capture time the model has seen (it never goes back), so a silent request that was
 * forgotten (and a long capture's `--json` may have written out since, transaction-table.ts) stays forgotten.
 */
export class PendingRequests {
  private readonly waiting: [Map<string, TransactionRecord>, Map<string, TransactionRecord>] = [new Map(), new Map()];
  private readonly silent: [Map<string, TransactionRecord>, Map<string, TransactionRecord>] = [new Map(), new Map()];
  private readonly answered: [Map<string, TransactionRecord>, Map<string, TransactionRecord>] = [new Map(), new Map()];

  constructor(
    private readonly max = 4096,
    private readonly maxSilent = 16,
    private readonly maxAnswered = 4,
  ) {}

  /**
   * Registers a request; returns the still-waiting transaction it displaced (same id), if any. `now` (the model's
   * latest capture time) lets go of the requests that expect no response and are SILENT_MS old.
   */
  add(dir: Dir, t: TransactionRecord, now?: FrameRef): TransactionRecord | undefined {
    const id = t.transactionId;
    const waiting = this.waiting[dir];
    const silent = this.silent[dir];
    const prev = waiting.get(id) ?? silent.get(id);
    if (prev !== undefined) {
      waiting.delete(id);
      silent.delete(id);
    }
    const done = this.answered[dir];
    if (done.size > 0) done.delete(id);
    if (t.expects === 'response') {
      waiting.set(id, t);
      if (waiting.size > this.max) dropOldest(waiting);
    } else {
      letGoOld(silent, now);
      letGoFolded(silent);
      silent.set(id, t);
      if (silent.size > this.maxSilent) dropOldest(silent);
    }
    return prev;
  }

  /** The pending request sent in direction `requestDir` with this id; it moves to the answered list. */
  take(requestDir: Dir, transactionId: string, now?: FrameRef): TransactionRecord | undefined {
    let t = this.waiting[requestDir].get(transactionId);
    if (t !== undefined) this.waiting[requestDir].delete(transactionId);
    else {
      t = this.silent[requestDir].get(transactionId);
      if (t === undefined) return undefined;
      this.silent[requestDir].delete(transactionId);
      if (silentPast(t, now)) return undefined;
    }
    const done = this.answered[requestDir];
    done.set(transactionId, t);
    if (done.size > this.maxAnswered) dropOldest(done);
    return t;
  }

  /** Whether a response may still reach `t` here: it is waiting, or among the last answered (transaction-table.ts). */
  holds(t: TransactionRecord, now?: FrameRef): boolean {
    const dir = t.request?.dir;
    if (dir === undefined) return false;
    const id = t.transactionId;
    if (this.silent[dir].get(id) === t) {
      if (!silentPast(t, now)) return true;
      this.silent[dir].delete(id);
      return false;
    }
    return this.waiting[dir].get(id) === t || this.answered[dir].get(id) === t;
  }

  /** A request already answered recently (for a repeated response). */
  answeredBefore(requestDir: Dir, transactionId: string): TransactionRecord | undefined {
    return this.answered[requestDir].get(transactionId);
  }

  /** Requests waiting (both kinds). */
  get size(): number {
    return this.waiting[0].size + this.waiting[1].size + this.silent[0].size + this.silent[1].size;
  }

  /** Every request still waiting for a response it expects, oldest first; the tables are emptied. */
  drain(): TransactionRecord[] {
    const out = [...this.waiting[0].values(), ...this.waiting[1].values()].sort((a, b) => a.index - b.index);
    for (const m of [...this.waiting, ...this.silent, ...this.answered]) m.clear();
    return out;
  }
}

/**
 * Forgets the oldest requests that expect no response while they are SILENT_MS old: take() and holds() would
 * not see them any more, so what they hold goes now rather than when maxSilent newer ones have come (on a busy
 * connection the same, on a quiet one much sooner).
 */
function letGoOld(silent: Map<string, TransactionRecord>, now: FrameRef | undefined): void {
  for (const [id, t] of silent) {
    if (!silentPast(t, now)) return;
    silent.delete(id);
  }
}

/**
 * A REPORT kept for a response that should not come holds its message only for the message's index (it is the
 * only thing a REPORT's transaction reads of it): once the message is folded into counts, the index is kept
 * instead, so that the folded message is not held for as long as the REPORT is (up to maxSilent a direction on
 * every connection). A SEND keeps its message: a response to it reads the message (message-assembly.ts).
 */
function letGoFolded(silent: Map<string, TransactionRecord>): void {
  for (const t of silent.values()) {
    const m = t.message;
    if (m === undefined || !m.folded || t.request?.method !== 'REPORT') continue;
    t.foldedMessage = messageIndexOf(t) ?? undefined;
    t.message = undefined;
  }
}

/** Capture time for which a request that expects no response is kept for one that should not come (ms). */
export const SILENT_MS = 30_000;

/** Whether `now` is SILENT_MS or more after the silent request `t`. */
function silentPast(t: TransactionRecord, now: FrameRef | undefined): boolean {
  return now !== undefined && t.request !== undefined && msBetween(t.request.lastFrame, now) >= SILENT_MS;
}

function dropOldest(m: Map<string, TransactionRecord>): void {
  const oldest = m.keys().next();
  if (oldest.done !== true) m.delete(oldest.value);
}
