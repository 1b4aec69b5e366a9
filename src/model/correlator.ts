import { escapeText } from '../util/escape.js';
import type { CaptureInfo, FrameRef } from '../capture/types.js';
import type { CloseReason, Dir, TcpConnection } from '../tcp/types.js';
import type { CutFrame, MsrpFrame, RawHeader } from '../msrp/types.js';
import { SipDialogTracker, type MsrpEndpointInfo } from '../sip/dialogs.js';
import type { SipMessage } from '../sip/message.js';
import type { TransportFactsLookup } from '../transport/facts.js';
import type { Diagnostic, Severity } from '../util/diagnostics.js';
import type { AuthRecord } from './auth.js';
import { MODEL_CODE_SEVERITY } from './codes.js';
import type { ConnectionRecord, FrameInProgress } from './connections.js';
import type { ModelEvent, ModelListener } from './events.js';
import { msBetween } from './frame-time.js';
import { HeaderTable } from './header-table.js';
import { MessageAssembly } from './message-assembly.js';
import { FOLD_AFTER, joinSinks, type FoldOptions, type FoldSink } from './message-fold.js';
import { TransactionFold } from './transaction-table.js';
import { bump, ModelData, ModelDataView } from './model-data.js';
import type { CaptureFacts, ModelInput } from './model-input.js';
import { expectationOf, type PendingRequests, type TransactionRecord } from './transactions.js';
import type { ModelView, ObservedModel } from './view.js';
import { addMsrpsAuthorities } from './tls-hint.js';
import { Interner } from './strings.js';
import type { BodyStoreFactory } from './sparse-body.js';

/** The header list of a transaction whose headers are not kept (CorrelatorOptions.transactionHeaders). */
const NO_HEADERS: readonly RawHeader[] = Object.freeze([]);

export interface CorrelatorOptions {
  /** Keep message bodies (for --extract). Memory then grows with the bytes carried. Default false. */
  keepBodies?: boolean;
  /** Where kept bodies go (default: in memory); the extraction writes them into its folder as they come. */
  bodyStore?: BodyStoreFactory;
  /**
   * Hash message bodies as they stream (sha256, and sha-1 for announced file transfers). Default true;
   * without it `sha256` is null (unless bodies are kept) and file transfers show `unverified`.
   */
  hashBodies?: boolean;
  /**
   * Keep the start of each message body once its content is decoded, for the text preview (default true).
   * When false, MessageRecord.preview is undefined and no output shows a preview, and CPIM envelopes keep
   * their single values but not their lists (headers, To, Cc, Subject, NS), which only JSON records show.
   * 'text': keep only the bytes the text preview reads (outputs that show no bytes of the body: JSON, NDJSON).
   */
  keepPreviews?: boolean | 'text';
  /** Keep every transaction for transactions() (default true). When false they are counted and matched only. */
  retainTransactions?: boolean;
  /**
   * Keep each transaction's header lists (default true): the transaction records read them. When false, only AUTH
   * exchanges keep theirs (AuthRecord reads a 200's Use-Path and Expires, and the request's Authorization); the
   * others get an empty list, also in the events (NDJSON reads the frame's fields, given with a request's event):
   * for outputs that keep no transactions (`--summary`, `--ndjson`, `--extract`, `-w` without a filter).
   */
  transactionHeaders?: boolean;
  /**
   * Fold settled messages into counts (message-fold.ts), keeping the first `keepFirst` as records: for outputs
   * that read only the counts of most messages. Default: every message is kept.
   */
  foldMessages?: FoldOptions;
  /** Diagnostics kept in the list (all are counted). Default 10000. */
  maxDiagnostics?: number;
}

/** Cut frames whose received head is kept for the viewer (each at most CUT_HEAD_BYTES): the first ones. */
export const MAX_CUT_FRAMES = 256;

/**
 * The write side of the model: correlates MSRP frames into transactions, messages (with legs across
 * relays, REPORTs and delivery), sessions, AUTH exchanges, and links sessions to SIP dialogs; emits a
 * change event as each record becomes known. Outputs read the result through view(). O(1) amortised work
 * per frame; memory grows with retained records (one per connection, session, message, transaction),
 * never with body bytes unless `keepBodies`.
 */
export class Correlator implements ModelInput, ObservedModel {
  private readonly hashBodies: boolean;
  private readonly retainTransactions: boolean;
  private readonly transactionHeaders: boolean;
  private readonly maxDiagnostics: number;

  private readonly sip: SipDialogTracker;
  private readonly data: ModelData;
  private readonly readView: ModelView;
  private readonly assembly: MessageAssembly;

  /** Connections closed but not yet settled: frames the parser flushes at close may still arrive. */
  private readonly closing: ConnectionRecord[] = [];
  private readonly listeners: ModelListener[] = [];
  /** Header lists of retained transactions, repeated headers shared. */
  private readonly headerTable = new HeaderTable();
  /** Response comments, kept once per distinct text. */
  private readonly comments = new Interner(256);
  /** Events caused by a frame, emitted right after the frame's own request/response event. */
  private readonly followUps: ModelEvent[] = [];
  /** Where records are let go (foldInto): every output's sink. */
  private foldSink: FoldSink | undefined;
  /** Final transactions let go into the sink (FoldOptions.records). */
  private readonly transactionFold: TransactionFold | undefined;
  /** The latest capture time of the MSRP frames seen (it never goes back): PendingRequests' `now`. */
  private latest: FrameRef | undefined;

  constructor(opts: CorrelatorOptions = {}) {
    this.hashBodies = opts.hashBodies ?? true;
    this.retainTransactions = opts.retainTransactions ?? true;
    this.transactionHeaders = opts.transactionHeaders ?? true;
    this.maxDiagnostics = Math.max(0, opts.maxDiagnostics ?? 10_000);
    this.sip = new SipDialogTracker({ onDiagnostic: (d) => this.diagnostic(d) });
    this.data = new ModelData(this.sip, opts.keepBodies ?? false, opts.bodyStore);
    this.readView = new ModelDataView(this.data);
    this.assembly = new MessageAssembly(this.data, this.hashBodies, {
      report: (code, frame, connection, detail, offset) => this.report(code, frame, connection, detail, offset),
      emit: (e) => this.emit(e),
      followUp: (e) => {
        if (this.listeners.length > 0) this.followUps.push(e);
      },
    }, opts.keepPreviews ?? true, opts.foldMessages);
    const fold = opts.foldMessages;
    if (fold?.records === true && this.retainTransactions) {
      // About two transactions a message (a chunk and its response's, a REPORT): twice the messages' bound.
      this.transactionFold = new TransactionFold(this.data.transactions, 2 * (fold.after ?? FOLD_AFTER), (t) => {
        const c = this.data.connectionMap.get(t.connection);
        return c?.pending?.holds(t, this.latest) === true;
      });
    }
  }

  /**
   * Where folded messages and final transactions go (FoldOptions.records); nothing is folded before. Each output
   * that shows every record gives its own: each record goes to all of them.
   */
  foldInto(sink: FoldSink): void {
    const prior = this.foldSink;
    const to = prior === undefined ? sink : joinSinks(prior, sink);
    this.foldSink = to;
    if (this.transactionFold !== undefined) this.transactionFold.sink = to;
    this.assembly.foldInto(to);
  }

  /** The read side: what the outputs read. */
  view(): ModelView {
    return this.readView;
  }

  // ---- subscriptions and capture facts ----

  /** Subscribes to change events; returns an unsubscribe function. */
  onEvent(listener: ModelListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private emit(e: ModelEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Emits `e`, then the follow-up events the same frame caused (message state, delivery). */
  private emitWithFollowUps(e: ModelEvent): void {
    this.emit(e);
    if (this.followUps.length === 0) return;
    const queued = this.followUps.splice(0);
    for (const f of queued) this.emit(f);
  }

  captureStarted(info: CaptureInfo): void {
    this.data.info = info;
  }

  useTransportFacts(facts: TransportFactsLookup): void {
    this.data.transportFacts = facts;
  }

  onMsrpEndpoint(listener: (ep: MsrpEndpointInfo) => void): void {
    this.sip.onMsrpEndpoint(listener);
  }

  // ---- ModelInput ----

  connectionOpened(conn: TcpConnection): void {
    this.data.record(conn);
  }

  connectionClosed(conn: TcpConnection, reason: CloseReason): void {
    const c = this.data.record(conn);
    if (c.closed !== undefined) return;
    c.closed = reason;
    this.closing.push(c);
  }

  settleClosed(current: number): void {
    if (this.closing.length === 0) return;
    let keep = 0;
    for (let i = 0; i < this.closing.length; i++) {
      const c = this.closing[i] as ConnectionRecord;
      if (c.id === current) {
        this.closing[keep++] = c;
        continue;
      }
      this.flushPending(c);
      c.release();
      if (c.msrp) this.emit({ type: 'connection', event: 'closed', connection: c });
    }
    this.closing.length = keep;
  }

  msrpConnection(conn: TcpConnection): void {
    const c = this.data.record(conn);
    this.markMsrp(c, conn.last);
  }

  msrpHead(conn: TcpConnection, dir: Dir, m: MsrpFrame): void {
    const c = this.data.record(conn);
    c.current[dir] = this.assembly.begin(c, dir, m);
  }

  msrpBody(conn: TcpConnection, dir: Dir, slice: Buffer, _from: FrameRef): void {
    const f = this.data.connectionMap.get(conn.id)?.current[dir];
    if (f === undefined || slice.length === 0) return;
    this.assembly.body(f, slice);
  }

  msrpFrame(conn: TcpConnection, dir: Dir, m: MsrpFrame): void {
    const c = this.data.record(conn);
    let f = c.current[dir];
    if (f === undefined || f.m !== m) f = this.assembly.begin(c, dir, m);
    c.current[dir] = undefined;
    if (!c.msrp) this.markMsrp(c, m.firstFrame);
    if (m.kind === 'request') this.request(c, dir, m, f);
    else this.response(c, dir, m);
  }

  diagnostic(d: Diagnostic): void {
    bump(this.data.diagnosticCounts, d.code);
    if (this.data.diagnostics.length < this.maxDiagnostics) this.data.diagnostics.push(d);
    this.emit({ type: 'diagnostic', diagnostic: d });
  }

  /** One SIP message (one wire occurrence), from the UDP datagram parser or a SIP-over-TCP stream. */
  sipMessage(msg: SipMessage): void {
    this.sip.push(msg);
    const d = msg.callId === undefined ? undefined : this.sip.dialog(msg.callId);
    if (d !== undefined) this.data.dialogs.update(d, this.data.sessions);
    this.emit({ type: 'sip', message: msg, dialog: d });
  }

  finish(facts: CaptureFacts): void {
    if (this.data.finished) return;
    this.data.facts = facts;
    this.settleClosed(-1);
    for (const c of this.data.connections) {
      this.flushPending(c);
      c.release();
    }
    for (const m of this.data.messages.list) {
      this.assembly.settleContent(m);
      if (!m.announced) {
        m.announced = true;
        this.emit({ type: 'message', message: m });
      }
    }
    this.data.finished = true;
    this.emit({ type: 'summary' });
  }

  // ---- transactions ----

  private markMsrp(c: ConnectionRecord, at: FrameRef): void {
    if (c.msrp) return;
    c.msrp = true;
    c.msrpAt = at;
    this.emit({ type: 'connection', event: 'msrp', connection: c });
  }

  /** A model diagnostic; its detail, which quotes capture text (Message-IDs, transaction ids), is escaped here. */
  private report(code: string, frame: number, connection: number, detail: string, offset?: number): void {
    const severity: Severity = MODEL_CODE_SEVERITY.get(code) ?? 'warning';
    const d: Diagnostic = { code, severity, frame, connection, detail: escapeText(detail) };
    if (offset !== undefined) d.offset = offset;
    this.diagnostic(d);
  }

  private request(c: ConnectionRecord, dir: Dir, m: MsrpFrame, f: FrameInProgress): void {
    this.advance(m.lastFrame);
    const data = this.data;
    const method = m.method ?? '';
    if (m.truncated) bump(data.truncatedRequestCounts, method);
    else {
      bump(data.requestCounts, method);
      bump(c.requests, method);
      f.session?.countRequest(method);
    }
    const fields = f.fields;
    const headers = this.keepHeaders(c, dir * 2, m, method);
    const t: TransactionRecord = {
      index: data.transactionCount++,
      connection: c.id,
      transactionId: m.transactionId,
      request: {
        dir,
        method,
        firstFrame: m.firstFrame,
        lastFrame: m.lastFrame,
        headers,
        bodyLength: m.bodyLength,
        flag: m.flag,
        truncated: m.truncated,
      },
      response: undefined,
      extraResponses: 0,
      expects: expectationOf(method, fields),
      message: undefined,
      leg: undefined,
      session: f.session,
    };
    if (f.chunk !== undefined) this.assembly.endChunk(c, f, t);
    else if (method === 'REPORT') this.assembly.report(c, t, fields, m);
    else if (method === 'AUTH') {
      const client = fields.fromPath[fields.fromPath.length - 1] ?? '';
      const relay = fields.toPath[fields.toPath.length - 1] ?? '';
      const a: AuthRecord = data.auths.resolve(c.id, client, relay, m.firstFrame);
      a.add(t);
      a.last = m.lastFrame;
    }
    if (c.pending !== undefined) {
      const prev = c.pending.add(dir, t, this.latest);
      if (prev !== undefined && prev.expects === 'response') {
        this.report(
          'duplicate-transaction-id',
          m.firstFrame.frame,
          c.id,
          `transaction ${m.transactionId} reused while the ${prev.request?.method ?? ''} with that id is unanswered`,
          m.startOffset,
        );
      }
    }
    this.register(t, m.headers, 'request', m.cut);
    if (this.listeners.length > 0 || this.followUps.length > 0) this.emitWithFollowUps({ type: 'request', transaction: t, fields });
  }

  /** Moves the latest capture time on to `f` when it is later. */
  private advance(f: FrameRef): void {
    if (this.latest === undefined || msBetween(this.latest, f) > 0) this.latest = f;
  }

  private response(c: ConnectionRecord, dir: Dir, m: MsrpFrame): void {
    this.advance(m.lastFrame);
    const data = this.data;
    const status = m.status ?? 0;
    if (m.truncated) bump(data.truncatedResponseCounts, status);
    else {
      bump(data.responseCounts, status);
      bump(c.responses, status);
    }
    const requestDir: Dir = dir === 0 ? 1 : 0;
    const pending = c.pending;
    let t = pending?.take(requestDir, m.transactionId, this.latest);
    const part = {
      dir,
      status,
      // One string per distinct comment ("OK" on nearly every response), not one per kept response.
      comment: this.comments.intern(m.comment),
      firstFrame: m.firstFrame,
      lastFrame: m.lastFrame,
      headers: this.keepHeaders(c, dir * 2 + 1, m, t?.request?.method),
      rttMs: null as number | null,
      truncated: m.truncated,
    };
    if (t !== undefined && t.request !== undefined) {
      part.rttMs = msBetween(t.request.lastFrame, m.firstFrame);
      data.tally.beforeAnswer(t);
      t.response = part;
      data.tally.answered(t);
      addMsrpsAuthorities(data.msrpsAuthorities, m.headers);
      if (m.cut !== undefined) this.keepCut(t, 'response', m.cut);
      const method = t.request.method;
      if (method === 'REPORT') {
        this.report('response-to-report', m.firstFrame.frame, c.id, `${status} response to REPORT ${m.transactionId}`, m.startOffset);
      } else if (t.expects === 'none' || (t.expects === 'failure-only' && status < 300)) {
        this.report(
          'unexpected-response',
          m.firstFrame.frame,
          c.id,
          `${status} response to ${method} ${m.transactionId} sent with Failure-Report: ${t.expects === 'none' ? 'no' : 'partial'}`,
          m.startOffset,
        );
      }
      const msg = t.message;
      if (method === 'SEND' && msg !== undefined) this.assembly.response(c, msg, t, m, status, part.rttMs);
      if (this.listeners.length > 0 || this.followUps.length > 0) this.emitWithFollowUps({ type: 'response', transaction: t });
      return;
    }
    const before = pending?.answeredBefore(requestDir, m.transactionId);
    if (before !== undefined) {
      before.extraResponses++;
      this.report('duplicate-response', m.firstFrame.frame, c.id, `another ${status} response for ${m.transactionId}`, m.startOffset);
      this.emit({ type: 'response', transaction: before });
      return;
    }
    t = {
      index: data.transactionCount++,
      connection: c.id,
      transactionId: m.transactionId,
      request: undefined,
      response: part,
      extraResponses: 0,
      expects: 'response',
      message: undefined,
      leg: undefined,
      session: undefined,
    };
    this.report(
      'response-without-request',
      m.firstFrame.frame,
      c.id,
      `${status} response for ${m.transactionId}, whose request was not seen`,
      m.startOffset,
    );
    this.register(t, m.headers, 'response', m.cut);
    this.emit({ type: 'response', transaction: t });
  }

  /** A new transaction: tallied, its msrps: authorities noted, kept (with its cut frame) when transactions are. */
  private register(t: TransactionRecord, headers: readonly RawHeader[], part: 'request' | 'response', cut: CutFrame | undefined): void {
    const data = this.data;
    data.tally.added(t);
    addMsrpsAuthorities(data.msrpsAuthorities, headers);
    if (this.retainTransactions) {
      data.transactions.push(t);
      this.transactionFold?.add(t);
    }
    if (cut !== undefined) this.keepCut(t, part, cut);
  }

  /** Keeps a cut frame of a retained transaction, while fewer than MAX_CUT_FRAMES are kept. */
  private keepCut(t: TransactionRecord, part: 'request' | 'response', cut: CutFrame): void {
    const data = this.data;
    if (!this.retainTransactions || data.cutCount >= MAX_CUT_FRAMES) return;
    data.cutCount++;
    const e = data.cuts.get(t.index) ?? {};
    e[part] = cut;
    data.cuts.set(t.index, e);
  }

  /**
   * The frame's header list as kept with its transaction (compact, repeated headers shared). `slot`: the
   * direction times two, plus one for a response (requests and responses one way repeat their own lists).
   */
  private keepHeaders(c: ConnectionRecord, slot: number, m: MsrpFrame, method: string | undefined): readonly RawHeader[] {
    // Without transactionHeaders only AUTH exchanges keep theirs (AuthRecord reads them).
    if (!this.transactionHeaders && method !== 'AUTH') return NO_HEADERS;
    const kept = this.headerTable.keep(m.headers, c.lastHeaders[slot]);
    c.lastHeaders[slot] = kept;
    return kept;
  }

  /** Requests still waiting when their connection ends: those that expected a response are flagged. */
  private flushPending(c: ConnectionRecord): void {
    const p: PendingRequests | undefined = c.pending;
    if (p === undefined) return;
    for (const t of p.drain()) {
      if (t.expects !== 'response' || t.request === undefined) continue;
      this.report('no-response', t.request.firstFrame.frame, c.id, `${t.request.method} ${t.transactionId} got no response`);
    }
  }
}
