/**
 * The chunks of a message on one leg and what they say together: which SEND transactions carried it (in
 * time order), where the sender aborted it, and how the body's bytes split into kept, seen on the wire,
 * never sent and not captured.
 */
import type { JsonDirection, JsonLeg, JsonMessage } from '../export/json-types.js';
import type { LadderTransaction } from '../export/record-index.js';

/** Time order of transactions by their request (or response) time, then frame. */
export function txTimeOrder(a: LadderTransaction, b: LadderTransaction): number {
  const ta = a.request?.at ?? a.response?.at;
  const tb = b.request?.at ?? b.response?.at;
  return (ta?.epoch ?? 0) - (tb?.epoch ?? 0) || (ta?.frame ?? 0) - (tb?.frame ?? 0) || a.id - b.id;
}

function flip(d: JsonDirection): JsonDirection {
  return d === 'c2s' ? 's2c' : 'c2s';
}

/** Direction of a transaction's request (inferred from the response when the request was not seen). */
export function requestDirection(t: LadderTransaction): JsonDirection {
  if (t.request !== null) return t.request.direction;
  if (t.response !== null) return flip(t.response.direction);
  return 'c2s';
}

/** The SEND transactions of a message on one leg (connection and direction), in time order. */
export function legSends<T extends LadderTransaction>(txs: readonly T[], leg: Pick<JsonLeg, 'connection' | 'direction'>): T[] {
  return txs
    .filter((t) => {
      if (t.method !== 'SEND' || t.connection !== leg.connection) return false;
      // A transaction with neither part has no direction (requestDirection's default is for the ladder).
      if (t.request === null && t.response === null) return false;
      return requestDirection(t) === leg.direction;
    })
    .sort(txTimeOrder);
}

export interface AbortPoint {
  /** Last body byte sent before the abort (1-based), when the `#` chunk's Byte-Range says where it starts. */
  sentTo: number | null;
  /** The message's total size, when known. */
  total: number | null;
  /** The `#` chunk's number on its leg (1-based, time order). */
  chunk: number;
  /** The frame the `#` chunk starts in. */
  frame: number;
}

/** Where the sender aborted the message on this leg: its first chunk ending with `#` (sends in time order). */
export function abortPoint(sends: readonly LadderTransaction[], total: number | null): AbortPoint | undefined {
  const i = sends.findIndex((t) => t.request?.flag === '#');
  const t = sends[i];
  if (t === undefined || t.request === null) return undefined;
  const r = t.byteRange;
  const sentTo = r === null ? null : Math.max(0, r.start + t.request.bodyLength - 1);
  return { sentTo, total: total ?? r?.total ?? null, chunk: i + 1, frame: t.request.at.frame };
}

/** `at 16384 of 60000 B by the sender (chunk 4, frame 52)`. */
export function abortWhere(a: AbortPoint | undefined): string {
  if (a === undefined) return 'by the sender';
  const where = a.sentTo === null ? '' : a.total === null ? `at ${a.sentTo} B ` : `at ${a.sentTo} of ${a.total} B `;
  return `${where}by the sender (chunk ${a.chunk}, frame ${a.frame})`;
}

/** `aborted at 16384 of 60000 B by the sender (chunk 4, frame 52)`: the numbers first, so they survive a narrow screen. */
export function abortText(a: AbortPoint | undefined): string {
  return `aborted ${abortWhere(a)}`;
}

/** The message's first leg that ended with `#` (legs are in the order the message crossed them). */
export function abortedLeg(m: JsonMessage): JsonLeg | undefined {
  return m.legs.find((l) => l.state === 'aborted');
}

/** How a body's bytes split: what was kept and shown, what else crossed the wire, what never did. */
export interface BodyAccount {
  /** Bytes on the wire (most distinct bytes on one leg, at least what was kept). */
  onWire: number;
  /** On the wire but not kept by the model. */
  notKept: number;
  /** Past the point where the sender aborted. */
  neverSent: number;
  /** Before that point (or the end) but in no captured chunk. */
  notCaptured: number;
}

export function bodyAccount(m: JsonMessage, kept: number): BodyAccount {
  const onWire = Math.max(m.bytesSeen, kept);
  const notKept = onWire - kept;
  if (m.size === null) return { onWire, notKept, neverSent: 0, notCaptured: 0 };
  let neverSent = 0;
  const leg = m.state === 'aborted' ? abortedLeg(m) : undefined;
  if (leg !== undefined) {
    const end = leg.ranges.reduce((n, r) => Math.max(n, r[1]), 0);
    neverSent = Math.max(0, m.size - Math.max(end, onWire));
  }
  const notCaptured = Math.max(0, m.size - onWire - neverSent);
  return { onWire, notKept, neverSent, notCaptured };
}

/** Lines that say where the rest of the body is, after `shown` bytes of the `kept` ones. */
export function bodyRestLines(m: JsonMessage, kept: number, shown: number): string[] {
  const a = bodyAccount(m, kept);
  const out: string[] = [];
  if (kept > shown) out.push(`… ${kept - shown} more bytes kept (not shown)`);
  if (a.notKept > 0) out.push(`… ${a.notKept} more bytes on the wire (not kept)`);
  if (a.neverSent > 0) out.push(`… ${a.neverSent} bytes never sent (aborted by the sender)`);
  if (a.notCaptured > 0) out.push(`… ${a.notCaptured} bytes not in the capture`);
  return out;
}
