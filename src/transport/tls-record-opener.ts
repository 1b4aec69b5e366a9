/**
 * Who opens a connection's protected records. By default the record's RecordDecrypter does, here and now; the
 * command line may hand records to one that has them opened ahead, on another thread (cli/decrypt-ahead.ts).
 */
import type { Dir } from '../tcp/types.js';
import type { OpenResult, RecordDecrypter } from './tls-record-cipher.js';

export interface RecordOpener {
  /**
   * Opens `body` (a record's body after its 5-byte header) as `dec.open(type, version, body)` would, using up one of
   * its sequence numbers, whatever the result. `connection` and `dir` say whose record it is.
   */
  open(connection: number, dir: Dir, dec: RecordDecrypter, type: number, version: number, body: Buffer): OpenResult;
}

/** A connection's records and who opens them. */
export interface RecordOpening {
  opener: RecordOpener;
  connection: number;
}
