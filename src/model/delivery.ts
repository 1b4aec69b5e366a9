import type { FrameRef } from '../capture/types.js';
import { isLater } from './frame-time.js';
import type { Leg, MessageRecord } from './messages.js';

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
  if (m.lastSuccess !== undefined && reportsCoverBody(m)) return decided(m, 'delivered', 200, 'report', m.lastSuccess);
  const leg = deliveringLeg(m);
  return leg?.finalAt === undefined ? UNKNOWN : decided(m, 'delivered', leg.finalCode, 'response', leg.finalAt);
}

/**
 * computeDelivery(m).state, made without the Delivery (the session list reads it of every message at each
 * redraw of the live viewer).
 */
export function deliveryState(m: MessageRecord): DeliveryState {
  if (m.failureByReport !== undefined || m.failureByResponse !== undefined) return 'failed';
  return (m.lastSuccess !== undefined && reportsCoverBody(m)) || deliveringLeg(m) !== undefined ? 'delivered' : 'unknown';
}

/** Rule 3: whether the success REPORTs cover the whole body (any does when its size is not known). */
function reportsCoverBody(m: MessageRecord): boolean {
  const total = m.size() ?? reportedTotal(m);
  return total === null ? true : m.successUnranged || (m.successRanges?.coversAll(1, total) ?? false);
}

/** Rule 4: the complete leg whose next hop is the receiver with the latest 2xx final response, if any. */
function deliveringLeg(m: MessageRecord): Leg | undefined {
  let best: Leg | undefined;
  let bestAt: FrameRef | undefined;
  // Indexed, and the leg's fields read without making a ResponseNote: an iterator and a note per leg were
  // most of what the session list made at each redraw of the live viewer.
  for (let i = 0; i < m.legs.length; i++) {
    const leg = m.legs[i] as Leg;
    const at = leg.finalAt;
    const code = leg.finalCode;
    if (leg.hops !== 1 || at === undefined || code < 200 || code >= 300) continue;
    if (leg.state() !== 'complete') continue;
    if (bestAt === undefined || isLater(at, bestAt)) {
      best = leg;
      bestAt = at;
    }
  }
  return best;
}

function reportedTotal(m: MessageRecord): number | null {
  for (const r of m.reports) {
    const t = r.byteRange?.total;
    if (t !== undefined && t !== null) return t;
  }
  return null;
}
