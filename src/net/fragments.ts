/**
 * IP fragment reassembly (IPv4 and IPv6). Datagrams are keyed by the caller (version, addresses, id and, for
 * IPv4, protocol). Bytes are kept with "first data wins": a fragment only fills the holes still open, so the
 * stored pieces never overlap. Memory is bounded (total held bytes and pending datagrams; the oldest pending
 * datagram is dropped to make room) and datagrams time out by capture time.
 */

import type { FrameRef } from '../capture/types.js';
import {
  NET_IP_FRAGMENT_INCOMPLETE,
  NET_IP_FRAGMENT_INVALID,
  NET_IP_FRAGMENT_OVERFLOW,
  NET_IP_FRAGMENT_OVERLAP,
  NET_IP_FRAGMENT_TIMEOUT,
  type NetCode,
} from './codes.js';

/** Largest datagram end a fragment may announce (IP lengths are 16-bit). */
const MAX_DATAGRAM = 65535;
/** At most this many stored pieces per datagram (65536 / 8). */
const MAX_PIECES = 8192;

export interface FragmentEvents {
  /** code is one of ip-fragment-invalid / -overlap / -timeout / -overflow / -incomplete. */
  report(code: NetCode, frame: number, detail: string): void;
}

export interface FragmentInput {
  key: string;
  /** For messages: "IPv4 10.0.0.1 > 10.0.0.2 id 7". */
  label: string;
  /** Offset of this fragment's data in the datagram, in bytes. */
  offset: number;
  more: boolean;
  /** The fragment's captured data (copied when kept). */
  data: Buffer;
  /** Bytes of this fragment announced but not captured (the datagram cannot complete then). */
  missing: number;
  /** Upper-layer protocol carried by this fragment (IPv6: meaningful for the offset-0 fragment). */
  proto: number;
  at: FrameRef;
}

export interface Reassembled {
  data: Buffer;
  /** Upper-layer protocol (IPv4 protocol / next header of the offset-0 IPv6 fragment). */
  proto: number;
  /** Frame numbers of the fragments that made it, in arrival order (the last one completed it). */
  frames: number[];
}

interface Piece {
  off: number;
  data: Buffer;
}

interface Pending {
  label: string;
  firstFrame: number;
  /** First fragment's capture time, seconds (float). */
  firstTime: number;
  /** Open holes as flat [start, end) pairs, sorted. */
  holes: number[];
  pieces: Piece[];
  /** Datagram length once the last fragment is seen, else -1. */
  total: number;
  held: number;
  proto: number;
  fragments: number;
  /** Frame numbers of the fragments received (at most MAX_PIECES). */
  frames: number[];
}

export interface FragmentTableOptions {
  timeoutSec: number;
  maxBytes: number;
  /** Pending datagram bound (default 4096). */
  maxDatagrams?: number;
  /**
   * Bound on the stored pieces of all pending datagrams (default 65536). A piece costs bookkeeping beyond its
   * bytes (an object and a buffer), so many tiny fragments are bounded by count as well as by bytes.
   */
  maxPieces?: number;
}

export class FragmentTable {
  private readonly pending = new Map<string, Pending>();
  private heldBytes = 0;
  private heldPieces = 0;
  /** Capture time after which some pending datagram may have expired. */
  private nextExpiry = Infinity;
  private readonly timeout: number;
  private readonly maxBytes: number;
  private readonly maxDatagrams: number;
  private readonly maxPieces: number;

  constructor(
    opts: FragmentTableOptions,
    private readonly events: FragmentEvents,
  ) {
    this.timeout = opts.timeoutSec;
    this.maxBytes = opts.maxBytes;
    this.maxDatagrams = opts.maxDatagrams ?? 4096;
    this.maxPieces = opts.maxPieces ?? 65536;
  }

  /** Bytes currently held in pending fragments. */
  get held(): number {
    return this.heldBytes;
  }

  /** Pieces stored for the pending datagrams. */
  get pieces(): number {
    return this.heldPieces;
  }

  /** Datagrams waiting for more fragments. */
  get size(): number {
    return this.pending.size;
  }

  /** Drops datagrams older than the time-out at capture time `now` (seconds). Cheap when nothing is due. */
  expire(now: number): void {
    if (now <= this.nextExpiry) return;
    let next = Infinity;
    for (const [key, p] of this.pending) {
      if (now - p.firstTime > this.timeout) {
        this.events.report(
          NET_IP_FRAGMENT_TIMEOUT,
          p.firstFrame,
          `${p.label}: ${p.fragments} fragment(s), ${p.held} bytes, not completed within ${this.timeout} s`,
        );
        this.remove(key, p);
      } else if (p.firstTime + this.timeout < next) {
        next = p.firstTime + this.timeout;
      }
    }
    this.nextExpiry = next;
  }

  /** Drops every pending datagram, reporting each as incomplete (end of capture). */
  flush(): void {
    for (const [key, p] of this.pending) {
      this.events.report(
        NET_IP_FRAGMENT_INCOMPLETE,
        p.firstFrame,
        `${p.label}: ${p.fragments} fragment(s), ${p.held} bytes, capture ended before the datagram was complete`,
      );
      this.remove(key, p);
    }
    this.nextExpiry = Infinity;
  }

  /** Adds one fragment; returns the datagram when this fragment completes it. */
  add(f: FragmentInput): Reassembled | undefined {
    const time = f.at.tsSec + f.at.tsNsec / 1e9;
    this.expire(time);
    const start = f.offset;
    const declaredEnd = start + f.data.length + f.missing;
    if (declaredEnd > MAX_DATAGRAM) {
      this.events.report(NET_IP_FRAGMENT_INVALID, f.at.frame, `${f.label}: fragment ends at ${declaredEnd}, beyond 65535`);
      return undefined;
    }
    if (f.more && (f.data.length + f.missing) % 8 !== 0) {
      this.events.report(
        NET_IP_FRAGMENT_INVALID,
        f.at.frame,
        `${f.label}: fragment of ${f.data.length + f.missing} bytes (not a multiple of 8) with more fragments`,
      );
      return undefined;
    }
    let p = this.pending.get(f.key);
    if (p === undefined) {
      if (this.pending.size >= this.maxDatagrams) this.dropOldest(f.at.frame, 'too many pending datagrams');
      p = {
        label: f.label,
        firstFrame: f.at.frame,
        firstTime: time,
        holes: [0, MAX_DATAGRAM],
        pieces: [],
        total: -1,
        held: 0,
        proto: -1,
        fragments: 0,
        frames: [],
      };
      this.pending.set(f.key, p);
      if (time + this.timeout < this.nextExpiry) this.nextExpiry = time + this.timeout;
    }
    p.fragments++;
    if (p.frames.length < MAX_PIECES) p.frames.push(f.at.frame);
    if (start === 0 && p.proto < 0) p.proto = f.proto;
    if (!f.more) {
      if (p.total < 0) {
        p.total = declaredEnd;
        cutHoles(p.holes, declaredEnd);
      } else if (p.total !== declaredEnd) {
        this.events.report(
          NET_IP_FRAGMENT_INVALID,
          f.at.frame,
          `${f.label}: last fragment ends at ${declaredEnd}, an earlier one at ${p.total} (first kept)`,
        );
      }
    }
    const piecesBefore = p.pieces.length;
    const stored = this.fill(p, start, f.data);
    this.heldPieces += p.pieces.length - piecesBefore;
    if (stored < 0) {
      this.events.report(NET_IP_FRAGMENT_INVALID, f.at.frame, `${f.label}: more than ${MAX_PIECES} pieces`);
      this.remove(f.key, p);
      return undefined;
    }
    const usable = p.total >= 0 ? Math.max(0, Math.min(f.data.length, p.total - start)) : f.data.length;
    if (stored < usable) {
      this.events.report(
        NET_IP_FRAGMENT_OVERLAP,
        f.at.frame,
        `${f.label}: fragment at ${start} (+${f.data.length}) overlaps earlier data; ${usable - stored} byte(s) ignored`,
      );
    }
    this.heldBytes += stored;
    p.held += stored;
    if (p.total >= 0 && p.holes.length === 0 && p.proto >= 0) {
      const out = Buffer.allocUnsafe(p.total);
      for (const piece of p.pieces) {
        // Pieces stored before the datagram end was known may reach past it.
        if (piece.off < p.total) out.set(piece.data.subarray(0, p.total - piece.off), piece.off);
      }
      this.remove(f.key, p);
      return { data: out, proto: p.proto, frames: p.frames };
    }
    // Keep within the memory bound: drop the oldest datagrams (possibly this one) until it fits.
    while (this.heldBytes > this.maxBytes && this.pending.size > 0) {
      this.dropOldest(f.at.frame, `more than ${this.maxBytes} bytes held`);
    }
    while (this.heldPieces > this.maxPieces && this.pending.size > 0) {
      this.dropOldest(f.at.frame, `more than ${this.maxPieces} fragment pieces held`);
    }
    return undefined;
  }

  /** Copies the parts of [start, start+data.length) that fall into open holes; returns the bytes stored or -1. */
  private fill(p: Pending, start: number, data: Buffer): number {
    const end = start + data.length;
    const holes = p.holes;
    let stored = 0;
    for (let i = firstHoleEndingAfter(holes, start); i < holes.length; ) {
      const hs = holes[i]!;
      const he = holes[i + 1]!;
      if (he <= start) {
        i += 2;
        continue;
      }
      if (hs >= end) break;
      const s = Math.max(hs, start);
      const e = Math.min(he, end);
      if (p.pieces.length >= MAX_PIECES) return -1;
      const copy = Buffer.allocUnsafe(e - s);
      copy.set(data.subarray(s - start, e - start), 0);
      p.pieces.push({ off: s, data: copy });
      stored += e - s;
      // Replace the hole by what is left of it on either side.
      const repl: number[] = [];
      if (hs < s) repl.push(hs, s);
      if (e < he) repl.push(e, he);
      holes.splice(i, 2, ...repl);
      i += repl.length;
    }
    return stored;
  }

  private dropOldest(frame: number, why: string): void {
    const first = this.pending.entries().next();
    if (first.done === true) return;
    const [key, p] = first.value;
    this.events.report(
      NET_IP_FRAGMENT_OVERFLOW,
      frame,
      `${p.label}: dropped incomplete datagram (${p.fragments} fragment(s), ${p.held} bytes): ${why}`,
    );
    this.remove(key, p);
  }

  private remove(key: string, p: Pending): void {
    this.heldBytes -= p.held;
    this.heldPieces -= p.pieces.length;
    this.pending.delete(key);
  }
}

/**
 * Index (even, into the flat [start, end) pairs) of the first hole ending after `offset`, by binary search:
 * a datagram can have thousands of holes, and a linear scan per fragment would make it quadratic.
 */
function firstHoleEndingAfter(holes: readonly number[], offset: number): number {
  let lo = 0;
  let hi = holes.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (holes[2 * mid + 1]! <= offset) lo = mid + 1;
    else hi = mid;
  }
  return 2 * lo;
}

/** Removes the hole parts at or beyond `end` (the datagram length is now known). */
function cutHoles(holes: number[], end: number): void {
  let w = 0;
  for (let i = 0; i < holes.length; i += 2) {
    const hs = holes[i]!;
    const he = Math.min(holes[i + 1]!, end);
    if (hs < he) {
      holes[w++] = hs;
      holes[w++] = he;
    }
  }
  holes.length = w;
}
