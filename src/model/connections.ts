import type { FrameRef } from '../capture/types.js';
import type { CloseReason, Dir, TcpConnection } from '../tcp/types.js';
import type { MsrpFrame, RawHeader } from '../msrp/types.js';
import type { FrameFields } from './fields.js';
import type { Leg, MessageRecord } from './messages.js';
import type { SessionRecord } from './sessions.js';
import { PendingRequests } from './transactions.js';

/** A SEND chunk whose body is streaming in. */
export interface ChunkInProgress {
  message: MessageRecord;
  leg: Leg;
  /** Byte position (1-based) of the chunk's first body byte. */
  start: number;
  /** Body position of the next slice. */
  pos: number;
  /** Leading bytes the leg's hashes must skip (already hashed), or -1 when not hashing. */
  skip: number;
}

/** The frame currently being parsed on one direction of a connection (between head and frame). */
export interface FrameInProgress {
  m: MsrpFrame;
  fields: FrameFields;
  session: SessionRecord | undefined;
  received: number;
  sawSlices: boolean;
  chunk: ChunkInProgress | undefined;
}

/** Path pairs seen recently on one direction (SENDs one way and REPORTs the other alternate). */
const PATH_CACHE_SIZE = 8;

/**
 * The sessions of the path pairs (raw To-Path / From-Path values) seen last on one direction: a hit costs
 * two string comparisons, no key building or hashing. When full, the entry added first is replaced.
 */
export class PathCache {
  private readonly tos: string[] = [];
  private readonly froms: string[] = [];
  private readonly sessions: (SessionRecord | undefined)[] = [];
  /** Slot replaced next once the cache is full (the oldest entry). */
  private oldest = 0;

  /** The slot of this path pair, or -1. An absent header counts as an empty value. */
  find(to: string | undefined, from: string | undefined): number {
    const t = to ?? '';
    const f = from ?? '';
    for (let i = 0; i < this.tos.length; i++) if (this.tos[i] === t && this.froms[i] === f) return i;
    return -1;
  }

  session(slot: number): SessionRecord | undefined {
    return this.sessions[slot];
  }

  /** Adds a pair that find() did not know. */
  set(to: string | undefined, from: string | undefined, s: SessionRecord | undefined): void {
    let i = this.tos.length;
    if (i >= PATH_CACHE_SIZE) {
      i = this.oldest;
      this.oldest = (this.oldest + 1) % PATH_CACHE_SIZE;
    }
    this.tos[i] = to ?? '';
    this.froms[i] = from ?? '';
    this.sessions[i] = s;
  }
}

/** One TCP connection as the model sees it. `conn` is the reassembler's live record. */
export class ConnectionRecord {
  msrp = false;
  msrpAt: FrameRef | undefined;
  readonly requests = new Map<string, number>();
  readonly responses = new Map<number, number>();
  closed: CloseReason | undefined;
  /** Session indices seen on this connection, in order. */
  readonly sessions: number[] = [];
  // Working state, released when the connection closes.
  pending: PendingRequests | undefined = new PendingRequests();
  readonly current: [FrameInProgress | undefined, FrameInProgress | undefined] = [undefined, undefined];
  paths: [PathCache, PathCache] | undefined = [new PathCache(), new PathCache()];
  /** The header list kept last per direction, of a request then of a response (slot dir * 2 + kind; HeaderTable.keep). */
  lastHeaders: Array<RawHeader[] | undefined> = [undefined, undefined, undefined, undefined];

  constructor(readonly conn: TcpConnection) {}

  get id(): number {
    return this.conn.id;
  }

  /** The endpoint that sent direction `dir`, and the one that received it. */
  ends(dir: Dir): { src: TcpConnection['client']; dst: TcpConnection['server'] } {
    return dir === 0 ? { src: this.conn.client, dst: this.conn.server } : { src: this.conn.server, dst: this.conn.client };
  }

  noteSession(s: SessionRecord): void {
    if (this.sessions.length < 256 && !this.sessions.includes(s.index)) this.sessions.push(s.index);
  }

  /** Drops the working state; a frame still being parsed (flushed by the parser at close) may finish. */
  release(): void {
    this.pending = undefined;
    this.paths = undefined;
    this.lastHeaders = [undefined, undefined, undefined, undefined];
  }
}
