import type { CaptureInfo } from '../capture/types.js';
import type { CutFrame } from '../msrp/types.js';
import type { MsrpEndpointInfo, SipDialog } from '../sip/dialogs.js';
import type { ConnectionTransportFacts } from '../transport/types.js';
import type { Diagnostic } from '../util/diagnostics.js';
import type { AuthRecord } from './auth.js';
import type { ConnectionRecord } from './connections.js';
import type { ModelListener } from './events.js';
import type { MessageRecord } from './messages.js';
import type { FoldedMessages, FoldSink } from './message-fold.js';
import type { CaptureFacts } from './model-input.js';
import type { SessionRecord } from './sessions.js';
import type { TransactionRecord } from './transactions.js';
import type { TransactionTally } from './transaction-tally.js';

/** Counters of everything seen, including what the lists do not keep. */
export interface ModelCounts {
  /** Complete requests by method (end-line seen), every wire occurrence. */
  readonly requests: ReadonlyMap<string, number>;
  /** Complete responses by status code. */
  readonly responses: ReadonlyMap<number, number>;
  /** Requests cut by a gap or the end of the capture (not in `requests`). */
  readonly truncatedRequests: ReadonlyMap<string, number>;
  readonly truncatedResponses: ReadonlyMap<number, number>;
  /** Messages seen only in cut chunks (not in messages()). */
  readonly truncatedMessages: number;
  /** Diagnostics by code (all of them, also those past the list's cap). */
  readonly diagnostics: ReadonlyMap<string, number>;
  /** Transactions, also those not retained in transactions(). */
  readonly transactions: number;
  /** SIP dialogs (distinct Call-IDs, including those past the tracker's memory cap). */
  readonly sipDialogs: number;
}

/**
 * The model as the outputs read it (JSON, NDJSON, summary, extraction, the TUI): records in order of first
 * sight, lookups and counters. Read-only; the correlator (the write side) changes it as input arrives, so
 * while reading, records are live objects that keep changing. Lists are returned without copying.
 */
export interface ModelView {
  /** Capture facts given at the end of input; undefined while reading. */
  facts(): Readonly<CaptureFacts> | undefined;
  /** The capture's facts: final at the end, the reader's while reading. */
  captureInfo(): CaptureInfo | undefined;
  /** Fraction digits of times: the capture's precision (6 until known). */
  timestampDigits(): number;
  /** True once the input ended: every record is final. */
  finished(): boolean;
  /** Message bodies are kept (MessageRecord.body), for extraction. */
  keepsBodies(): boolean;
  connections(): readonly ConnectionRecord[];
  /** The connection record with this id. */
  connection(id: number): ConnectionRecord | undefined;
  /** WebSocket/TLS facts of a connection; undefined for plain ones. */
  transport(id: number): Readonly<ConnectionTransportFacts> | undefined;
  sessions(): readonly SessionRecord[];
  /** Confirmed messages in index order: all of them unless the model folds settled ones (see messageTotal). */
  messages(): readonly MessageRecord[];
  /** Confirmed messages, folded ones included. */
  messageTotal(): number;
  /** What the folded messages add to the counts (undefined when none was folded): message-fold.ts. */
  foldedMessages(): Readonly<FoldedMessages> | undefined;
  /**
   * Retained transactions, by index (all of them unless the model was told not to retain them, or lets final
   * ones go into a FoldSink: see transactionTotal).
   */
  transactions(): readonly TransactionRecord[];
  /** Retained transactions, those let go into a FoldSink included. */
  transactionTotal(): number;
  /** Every transaction (retained or not) counted by state and grouped as the text summary shows them. */
  transactionTally(): TransactionTally;
  /** `host:port` of the msrps: URIs in the path headers of every transaction so far (retained or not). */
  msrpsAuthorities(): ReadonlySet<string>;
  /** AUTH exchanges per client and relay. */
  auths(): readonly AuthRecord[];
  /** SIP dialogs in order of first sight. */
  dialogs(): readonly SipDialog[];
  /** Index of a dialog in dialogs(). */
  dialogNumber(d: SipDialog): number;
  /** MSRP endpoints announced in SDP. */
  msrpEndpoints(): readonly MsrpEndpointInfo[];
  /** Diagnostics in order, up to the model's cap (counts().diagnostics has them all). */
  diagnostics(): readonly Diagnostic[];
  counts(): ModelCounts;
  /**
   * The request or response of transaction `transaction` when it was cut before its end-line: why, where,
   * and its start-line and header block as received (the first MAX_CUT_FRAMES cut frames only).
   */
  cutFrame(transaction: number, part: 'request' | 'response'): CutFrame | undefined;
}

/** A model that can be read and followed: its view, and change events as records become known. */
export interface ObservedModel {
  view(): ModelView;
  /** Subscribes to change events; returns an unsubscribe function. */
  onEvent(listener: ModelListener): () => void;
  /**
   * Where records go as they are folded, when the model folds with FoldOptions.records (the output that shows
   * every record sets it before reading); a model that does not fold ignores it.
   */
  foldInto?(sink: FoldSink): void;
}
