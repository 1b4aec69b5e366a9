import type { FrameRef } from '../capture/types.js';
import type { CloseReason, Dir, TcpConnection } from '../tcp/types.js';
import type { MsrpFrame } from '../msrp/types.js';
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

export class PathCache {
  private readonly entries = new Map<string, SessionRecord | undefined>();

  static key(to: string | undefined, from: string | undefined): string {
    return `${to ?? ''}\n${from ?? ''}`;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): SessionRecord | undefined {
    return this.entries.get(key);
  }

  set(key: string, s: SessionRecord | undefined): void {
    if (this.entries.size >= PATH_CACHE_SIZE) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, s);
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
  }
}
