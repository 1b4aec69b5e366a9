import type { FrameRef } from '../capture/types.js';
import { isLater } from './frame-time.js';
import type { MessageRecord } from './messages.js';

export type DeliveryState = 'delivered' | 'failed' | 'unknown';

export interface Delivery {
  state: DeliveryState;
  /** Status code of the deciding REPORT or response (200 when delivered), null when unknown. */
  code: number | null;
  via: 'report' | 'response' | null;
  /** Frame that decided it. */
  at: FrameRef | undefined;
  /** From the message's first chunk to `at`. */
  latencyMs: number | null;
}

const UNKNOWN: Delivery = { state: 'unknown', code: null, via: null, at: undefined, latencyMs: null };

function decided(m: MessageRecord, state: DeliveryState, code: number, via: 'report' | 'response', at: FrameRef): Delivery {
  return { state, code, via, at, latencyMs: m.since(at) };
}

/**
 * What the capture says about delivery (RFC 4975 §7.1, RFC 4976 §5):
 * 1. a REPORT with a status other than 200 → failed (that code);
 * 2. a failure response (>= 300) to any chunk on any hop → failed;
 * 3. success REPORTs (200) covering the whole body → delivered, latency to the latest such REPORT
 *    (the copy that reached the sender, when it crossed relays);
 * 4. a 2xx response to the last chunk on a leg whose next hop is the receiver itself (To-Path of one
 *    URI) and on which the message is complete → delivered;
 * otherwise unknown (no REPORT asked for, or a relay's 200 only says the relay got it).
 */
export function computeDelivery(m: MessageRecord): Delivery {
  if (m.failureByReport !== undefined) return decided(m, 'failed', m.failureByReport.code, 'report', m.failureByReport.at);
  if (m.failureByResponse !== undefined) {
    return decided(m, 'failed', m.failureByResponse.code, 'response', m.failureByResponse.at);
  }
  if (m.lastSuccess !== undefined) {
    const total = m.size() ?? reportedTotal(m);
    const covered = total === null ? true : m.successUnranged || (m.successRanges?.coversAll(1, total) ?? false);
    if (covered) return decided(m, 'delivered', 200, 'report', m.lastSuccess);
  }
  let best: FrameRef | undefined;
  let bestCode = 0;
  for (const leg of m.legs) {
    const r = leg.finalResponse;
    if (leg.hops !== 1 || r === undefined || r.status < 200 || r.status >= 300) continue;
    if (leg.state() !== 'complete') continue;
    if (best === undefined || isLater(r.frame, best)) {
      best = r.frame;
      bestCode = r.status;
    }
  }
  if (best !== undefined) return decided(m, 'delivered', bestCode, 'response', best);
  return UNKNOWN;
}

function reportedTotal(m: MessageRecord): number | null {
  for (const r of m.reports) {
    const t = r.byteRange?.total;
    if (t !== undefined && t !== null) return t;
  }
  return null;
}
