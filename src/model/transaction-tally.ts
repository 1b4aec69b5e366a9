import type { TransactionRecord } from './transactions.js';
import { transactionState } from './transactions.js';
import { RttList } from './rtt-list.js';

/**
 * Transactions grouped as the text summary shows them (request method, cut or not → response status, cut or
 * not, or none when unanswered), each group with its count, unanswered count and round-trip times, kept up
 * to date as transactions come and get answered: what the summary needs of every transaction, without
 * keeping the transactions. Memory follows the number of groups plus 4 bytes per round-trip time (RttList).
 */
export interface TallyGroup {
  /** The request's method; null for a response whose request was not seen. */
  readonly method: string | null;
  readonly requestTruncated: boolean;
  /** The response's status; null without a response. */
  readonly status: number | null;
  readonly responseTruncated: boolean;
  /** True for transactions still waiting for a response they expect. */
  readonly unansweredGroup: boolean;
  count: number;
  unanswered: number;
  /** Round-trip times (ms, rounded to 3 decimals). */
  readonly rtts: RttList;
}

/** Counts of transactions by state (every transaction, retained or not). */
export interface TransactionStateCounts {
  answered: number;
  unanswered: number;
  noResponseExpected: number;
  orphanResponses: number;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * A group's key within its method, as one number: the three flags in the low bits, the status plus one above
 * them (0 for none). A status is what the parser read from three digits (0..999), so no two keys meet.
 */
function groupCode(requestTruncated: boolean, status: number | null, responseTruncated: boolean, unansweredGroup: boolean): number {
  const flags = (requestTruncated ? 1 : 0) | (responseTruncated ? 2 : 0) | (unansweredGroup ? 4 : 0);
  return status === null ? flags : (status + 1) * 8 + flags;
}

export class TransactionTally {
  readonly states: TransactionStateCounts = { answered: 0, unanswered: 0, noResponseExpected: 0, orphanResponses: 0 };
  /**
   * Groups by request method (null: no request), then by a number made of the rest of the group's key
   * (groupCode): no key text is made per transaction (three lookups each).
   */
  private readonly groups = new Map<string | null, Map<number, TallyGroup>>();
  /** Every group in order of first sight. */
  private readonly order: TallyGroup[] = [];

  /** Groups in order of first sight (some may have a count of 0: every transaction in them moved on). */
  list(): readonly TallyGroup[] {
    return [...this.order];
  }

  /** A transaction was made (a request, or a response without request). */
  added(t: TransactionRecord): void {
    this.count(t, 1);
  }

  /** A transaction's response is about to be attached: takes it out of its unanswered group. */
  beforeAnswer(t: TransactionRecord): void {
    this.count(t, -1);
  }

  /** Its response attached: counted in its group. */
  answered(t: TransactionRecord): void {
    this.count(t, 1);
  }

  private count(t: TransactionRecord, n: 1 | -1): void {
    const state = transactionState(t);
    const s = this.states;
    if (state === 'answered') s.answered += n;
    else if (state === 'unanswered') s.unanswered += n;
    else if (state === 'no-response-expected') s.noResponseExpected += n;
    else s.orphanResponses += n;
    const rq = t.request;
    const rs = t.response;
    const method = rq === undefined ? null : rq.method;
    const requestTruncated = rq?.truncated === true;
    const status = rs === undefined ? null : rs.status;
    const responseTruncated = rs?.truncated === true;
    const unansweredGroup = state === 'unanswered';
    let byCode = this.groups.get(method);
    if (byCode === undefined) {
      byCode = new Map();
      this.groups.set(method, byCode);
    }
    const code = groupCode(requestTruncated, status, responseTruncated, unansweredGroup);
    let g = byCode.get(code);
    if (g === undefined) {
      g = { method, requestTruncated, status, responseTruncated, unansweredGroup, count: 0, unanswered: 0, rtts: new RttList() };
      byCode.set(code, g);
      this.order.push(g);
    }
    g.count += n;
    if (unansweredGroup) g.unanswered += n;
    // Only answered transactions have a round-trip time; they never leave their group.
    if (n === 1 && rs?.rttMs !== null && rs?.rttMs !== undefined) g.rtts.push(round3(rs.rttMs));
  }
}
