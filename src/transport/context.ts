import type { FrameRef } from '../capture/types.js';
import type { Dir, TcpConnection } from '../tcp/types.js';
import type { KeySource } from './tls-keys.js';
import type { RecordOpener } from './tls-record-opener.js';
import type { ConnectionTransportFacts, TransportStats } from './types.js';

/** A diagnostic of a transport stage; `limited` codes repeat and are capped per connection. */
export type TransportDiag = (code: string, dir: Dir | undefined, detail: string, at: FrameRef, offset?: number, limited?: boolean) => void;

/** What every stage of one connection's stack shares. */
export interface StackContext {
  readonly conn: TcpConnection;
  readonly stats: TransportStats;
  /** This connection's facts, created on first use by a stage (TLS and WebSocket may both be present). */
  facts(): ConnectionTransportFacts;
  /** Key material for TLS decryption (undefined: none was given). */
  readonly keys: KeySource | undefined;
  /** Who opens protected records (undefined: each record's decrypter, at once). */
  readonly opener: RecordOpener | undefined;
  /** Most bytes a stage holds while deciding what a stream carries. */
  readonly maxHeld: number;
  readonly diag: TransportDiag;
}
