import type { CaptureInfo } from '../capture/types.js';
import type { CutFrame } from '../msrp/types.js';
import type { MsrpEndpointInfo, SipDialog, SipDialogTracker } from '../sip/dialogs.js';
import type { TcpConnection } from '../tcp/types.js';
import type { TransportFactsLookup } from '../transport/facts.js';
import type { ConnectionTransportFacts } from '../transport/types.js';
import type { Diagnostic } from '../util/diagnostics.js';
import { AuthTable, type AuthRecord } from './auth.js';
import { ConnectionRecord } from './connections.js';
import { MessageTable, type MessageRecord } from './messages.js';
import type { FoldedMessages } from './message-fold.js';
import type { CaptureFacts } from './model-input.js';
import { SessionTable, type SessionRecord } from './sessions.js';
import { DialogLinks } from './sip-link.js';
import type { TransactionRecord } from './transactions.js';
import { TransactionTable } from './transaction-table.js';
import { TransactionTally } from './transaction-tally.js';
import type { ModelCounts, ModelView } from './view.js';
import type { BodyStoreFactory } from './sparse-body.js';

export function bump<K>(m: Map<K, number>, k: K, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

/**
 * The records and counters the correlator writes (model-internal): one place, read by the outputs only
 * through ModelDataView.
 */
export class ModelData {
  readonly connectionMap = new Map<number, ConnectionRecord>();
  readonly connections: ConnectionRecord[] = [];
  readonly sessions = new SessionTable();
  readonly messages = new MessageTable();
  readonly auths = new AuthTable();
  /** Retained transactions (all of them unless retainTransactions is off, or those not let go: transaction-table.ts). */
  readonly transactions = new TransactionTable();
  transactionCount = 0;
  /** Every transaction by state and by summary group (also those not retained). */
  readonly tally = new TransactionTally();
  /** `host:port` of the msrps: URIs in the path headers of every transaction's request and response. */
  readonly msrpsAuthorities = new Set<string>();
  readonly diagnostics: Diagnostic[] = [];
  readonly diagnosticCounts = new Map<string, number>();
  /** Complete requests / responses (end-line seen), every wire occurrence. */
  readonly requestCounts = new Map<string, number>();
  readonly responseCounts = new Map<number, number>();
  /** Frames cut by a gap or the end of the capture (not in the counts above). */
  readonly truncatedRequestCounts = new Map<string, number>();
  readonly truncatedResponseCounts = new Map<number, number>();
  /** SIP dialogs in order of first sight, linked to sessions by the session-ids of their a=path. */
  readonly dialogs = new DialogLinks();
  /** Cut frames of retained transactions by transaction index (at most MAX_CUT_FRAMES); not in the JSON. */
  readonly cuts = new Map<number, { request?: CutFrame; response?: CutFrame }>();
  cutCount = 0;
  /** Per-connection WebSocket/TLS facts of the transport layer. */
  transportFacts: TransportFactsLookup | undefined = undefined;
  info: CaptureInfo | undefined = undefined;
  facts: CaptureFacts | undefined = undefined;
  finished = false;

  constructor(
    readonly sip: SipDialogTracker,
    readonly keepBodies: boolean,
    /** Where kept bodies go (undefined: in memory). */
    readonly bodyStore?: BodyStoreFactory,
  ) {}

  /** The connection's record, made on first sight. */
  record(conn: TcpConnection): ConnectionRecord {
    let c = this.connectionMap.get(conn.id);
    if (c === undefined) {
      c = new ConnectionRecord(conn);
      this.connectionMap.set(conn.id, c);
      this.connections.push(c);
    }
    return c;
  }
}

/** ModelView over ModelData. */
export class ModelDataView implements ModelView {
  constructor(private readonly d: ModelData) {}

  facts(): Readonly<CaptureFacts> | undefined {
    return this.d.facts;
  }

  captureInfo(): CaptureInfo | undefined {
    return this.d.facts?.info ?? this.d.info;
  }

  timestampDigits(): number {
    return this.d.facts?.info.timestampDigits ?? this.d.info?.timestampDigits ?? 6;
  }

  finished(): boolean {
    return this.d.finished;
  }

  keepsBodies(): boolean {
    return this.d.keepBodies;
  }

  connections(): readonly ConnectionRecord[] {
    return this.d.connections;
  }

  connection(id: number): ConnectionRecord | undefined {
    return this.d.connectionMap.get(id);
  }

  transport(id: number): Readonly<ConnectionTransportFacts> | undefined {
    return this.d.transportFacts?.get(id);
  }

  sessions(): readonly SessionRecord[] {
    return this.d.sessions.list;
  }

  messages(): readonly MessageRecord[] {
    return this.d.messages.list;
  }

  messageTotal(): number {
    return this.d.messages.total;
  }

  foldedMessages(): Readonly<FoldedMessages> | undefined {
    return this.d.messages.folded;
  }

  transactions(): readonly TransactionRecord[] {
    return this.d.transactions.list;
  }

  transactionTotal(): number {
    return this.d.transactions.held + this.d.transactions.retired;
  }

  transactionTally(): TransactionTally {
    return this.d.tally;
  }

  msrpsAuthorities(): ReadonlySet<string> {
    return this.d.msrpsAuthorities;
  }

  auths(): readonly AuthRecord[] {
    return this.d.auths.list;
  }

  dialogs(): readonly SipDialog[] {
    return this.d.dialogs.list;
  }

  dialogNumber(dialog: SipDialog): number {
    return this.d.dialogs.number(dialog);
  }

  msrpEndpoints(): readonly MsrpEndpointInfo[] {
    return this.d.sip.msrpEndpoints();
  }

  diagnostics(): readonly Diagnostic[] {
    return this.d.diagnostics;
  }

  counts(): ModelCounts {
    const d = this.d;
    return {
      requests: d.requestCounts,
      responses: d.responseCounts,
      truncatedRequests: d.truncatedRequestCounts,
      truncatedResponses: d.truncatedResponseCounts,
      truncatedMessages: d.messages.unconfirmed,
      diagnostics: d.diagnosticCounts,
      transactions: d.transactionCount,
      sipDialogs: d.sip.stats.dialogs,
    };
  }

  cutFrame(transaction: number, part: 'request' | 'response'): CutFrame | undefined {
    return this.d.cuts.get(transaction)?.[part];
  }
}
