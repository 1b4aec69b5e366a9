import { msBetween } from './frame-time.js';
import type { Leg, MessageRecord } from './messages.js';

/** One hop of a message through relays (RFC 4976): a leg, in order of first sight. */
export interface Hop {
  leg: Leg;
  /** 0 for the first leg seen. */
  index: number;
  /** From the previous hop's first chunk to this hop's first chunk (0 for the first). */
  delayMs: number;
  /** From the message's first chunk to this hop's first chunk. */
  offsetMs: number;
}

/** The message's legs as hops with per-hop delays. */
export function hopsOf(m: MessageRecord): Hop[] {
  const out: Hop[] = [];
  let prev: Leg | undefined;
  for (const leg of m.legs) {
    out.push({
      leg,
      index: out.length,
      delayMs: prev === undefined ? 0 : msBetween(prev.first, leg.first),
      offsetMs: msBetween(m.first, leg.first),
    });
    prev = leg;
  }
  return out;
}
