import { escapeText } from '../util/escape.js';
import type { CaptureInfo, FrameRef } from '../capture/types.js';
import type { CloseReason, Dir, TcpConnection } from '../tcp/types.js';
import type { CutFrame, MsrpFrame, RawHeader } from '../msrp/types.js';
import { SipDialogTracker, type SipDialog } from '../sip/dialogs.js';
import type { SipMessage } from '../sip/message.js';
import type { TransportFactsLookup } from '../transport/facts.js';
import type { Diagnostic, Severity } from '../util/diagnostics.js';
import { AuthTable, type AuthRecord } from './auth.js';
import { MODEL_CODE_SEVERITY } from './codes.js';
import { decodeContent, ImdnLinks } from './content.js';
import { ConnectionRecord, type FrameInProgress } from './connections.js';
import { computeDelivery } from './delivery.js';
import type { ModelEvent, ModelListener } from './events.js';
import { extractFields, NO_FIELDS, type FrameFields } from './fields.js';
import { checkFile, selectorMatches } from './file-transfer.js';
import { msBetween } from './frame-time.js';
import { MessageRecord, MessageTable } from './messages.js';
import { SessionTable, type SessionRecord } from './sessions.js';
import { DialogLinks, sessionSelector } from './sip-link.js';
import type { CaptureFacts, ModelInput } from './store-api.js';
import { expectationOf, PendingRequests, type TransactionRecord } from './transactions.js';
import { Interner, ownString } from './strings.js';
import { ByteArena } from './byte-arena.js';
import { HeaderTable } from './header-table.js';
import { uriKey } from './uri-key.js';

export interface StoreOptions {
  /** Keep message bodies (for --extract). Memory then grows with the bytes carried. Default false. */
  keepBodies?: boolean;
  /**
   * Hash message bodies as they stream (sha256, and sha-1 for announced file transfers). Default true;
   * without it `sha256` is null (unless bodies are kept) and file transfers show `unverified`.
   */
  hashBodies?: boolean;
  /** Keep every transaction for transactions[] (default true). When false they are counted and matched only. */
  retainTransactions?: boolean;
  /** Diagnostics kept in the list (all are counted). Default 10000. */
  maxDiagnostics?: number;
  /** The SIP dialog tracker to use (the pipeline may share it to learn MSRP ports); one is made otherwise. */
  sip?: SipDialogTracker;
}

function bump<K>(m: Map<K, number>, k: K, n = 1): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

const EMPTY_BUFFER = Buffer.alloc(0);

/** Cut frames whose received head is kept for the viewer (each at most CUT_HEAD_BYTES): the first ones. */
export const MAX_CUT_FRAMES = 256;

/**
 * The model: correlates MSRP frames into transactions, messages (with legs across relays, REPORTs and
 * delivery), sessions, AUTH exchanges, and links sessions to SIP dialogs. O(1) amortised work per frame;
 * memory grows with retained records (one per connection, session, message, transaction), never with
 * body bytes unless `keepBodies`.
 */
export class Store implements ModelInput {
  readonly keepBodies: boolean;
  readonly hashBodies: boolean;
  readonly retainTransactions: boolean;
  private readonly maxDiagnostics: number;

  readonly sip: SipDialogTracker;
  private readonly ownSip: boolean;

  private readonly connectionMap = new Map<number, ConnectionRecord>();
  readonly connectionList: ConnectionRecord[] = [];
  readonly sessionTable = new SessionTable();
  readonly messageTable = new MessageTable();
  readonly authTable = new AuthTable();
  readonly transactionList: TransactionRecord[] = [];
  /** Per-connection WebSocket/TLS facts of the transport layer (set by the pipeline; read by exporters). */
  transportFacts: TransportFactsLookup | undefined = undefined;
  private transactionCount = 0;
  readonly diagnosticList: Diagnostic[] = [];
  readonly diagnosticCounts = new Map<string, number>();
  /** Complete requests / responses (end-line seen), every wire occurrence. */
  readonly requestCounts = new Map<string, number>();
  readonly responseCounts = new Map<number, number>();
  /** Frames cut by a gap or the end of the capture (not in the counts above). */
  readonly truncatedRequestCounts = new Map<string, number>();
  readonly truncatedResponseCounts = new Map<number, number>();

  /** SIP dialogs in order of first sight, linked to sessions by the session-ids of their a=path. */
  private readonly dialogs = new DialogLinks();
  /** IMDN notifications and the messages they acknowledge. */
  private readonly imdn = new ImdnLinks();

  /** Connections closed but not yet settled: frames the parser flushes at close may still arrive. */
  private readonly closing: ConnectionRecord[] = [];
  private readonly listeners: ModelListener[] = [];
  /** Repeated strings kept by messages (URIs, content types). */
  private readonly strings = new Interner();
  /** Header lists of retained transactions, repeated headers shared. */
  private readonly headerTable = new HeaderTable();
  /** Previews of retained messages, copied into shared slabs. */
  private readonly kept = new ByteArena();
  /** Cut frames of retained transactions by transaction index (at most MAX_CUT_FRAMES); not in the JSON. */
  private readonly cuts = new Map<number, { request?: CutFrame; response?: CutFrame }>();
  private cutCount = 0;
  /** Events caused by a frame, emitted right after the frame's own request/response event. */
  private readonly followUps: ModelEvent[] = [];
  private info: CaptureInfo | undefined;
  facts: CaptureFacts | undefined;
  finished = false;

  constructor(opts: StoreOptions = {}) {
    this.keepBodies = opts.keepBodies ?? false;
    this.hashBodies = opts.hashBodies ?? true;
    this.retainTransactions = opts.retainTransactions ?? true;
    this.maxDiagnostics = Math.max(0, opts.maxDiagnostics ?? 10_000);
    this.ownSip = opts.sip === undefined;
    this.sip = opts.sip ?? new SipDialogTracker({ onDiagnostic: (d) => this.diagnostic(d) });
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

  /** The capture's facts while reading (for the timestamp precision of live output); optional. */
  captureStarted(info: CaptureInfo): void {
    this.info = info;
  }

  /** Fraction digits of times: the capture's precision (6 until known). */
  get timestampDigits(): number {
    return this.facts?.info.timestampDigits ?? this.info?.timestampDigits ?? 6;
  }

  get transactionTotal(): number {
    return this.transactionCount;
  }

  // ---- ModelInput ----

  connectionOpened(conn: TcpConnection): void {
    if (this.closing.length > 0) this.settleClosed(conn.id);
    this.record(conn);
  }

  /**
   * Marks the connection closed. Its pending requests are settled (unanswered ones flagged) once input for
   * another connection arrives, so frames the parser flushes at close count whichever stage closes first.
   */
  connectionClosed(conn: TcpConnection, reason: CloseReason): void {
    const c = this.record(conn);
    if (c.closed !== undefined) return;
    c.closed = reason;
    this.closing.push(c);
  }

  msrpConnection(conn: TcpConnection): void {
    if (this.closing.length > 0) this.settleClosed(conn.id);
    const c = this.record(conn);
    this.markMsrp(c, conn.last);
  }

  msrpHead(conn: TcpConnection, dir: Dir, m: MsrpFrame): void {
    if (this.closing.length > 0) this.settleClosed(conn.id);
    const c = this.record(conn);
    c.current[dir] = this.begin(c, dir, m);
  }

  msrpBody(conn: TcpConnection, dir: Dir, slice: Buffer, _from: FrameRef): void {
    const c = this.connectionMap.get(conn.id);
    const f = c?.current[dir];
    if (f === undefined || slice.length === 0) return;
    f.received += slice.length;
    f.sawSlices = true;
    const ch = f.chunk;
    if (ch === undefined) return;
    if (ch.skip >= 0) {
      if (ch.skip >= slice.length) ch.skip -= slice.length;
      else {
        ch.leg.hash(ch.skip > 0 ? slice.subarray(ch.skip) : slice);
        ch.skip = 0;
      }
    }
    ch.message.feedPreview(ch.pos, slice);
    ch.message.body?.write(ch.pos, slice);
    ch.pos += slice.length;
  }

  msrpFrame(conn: TcpConnection, dir: Dir, m: MsrpFrame): void {
    if (this.closing.length > 0) this.settleClosed(conn.id);
    const c = this.record(conn);
    let f = c.current[dir];
    if (f === undefined || f.m !== m) f = this.begin(c, dir, m);
    c.current[dir] = undefined;
    if (!c.msrp) this.markMsrp(c, m.firstFrame);
    if (m.kind === 'request') this.request(c, dir, m, f);
    else this.response(c, dir, m);
  }

  diagnostic(d: Diagnostic): void {
    bump(this.diagnosticCounts, d.code);
    if (this.diagnosticList.length < this.maxDiagnostics) this.diagnosticList.push(d);
    this.emit({ type: 'diagnostic', diagnostic: d });
  }

  finish(facts: CaptureFacts): void {
    if (this.finished) return;
    this.facts = facts;
    this.settleClosed(-1);
    for (const c of this.connectionList) {
      this.flushPending(c);
      c.release();
    }
    for (const m of this.messageTable.list) {
      this.settleContent(m);
      if (!m.announced) {
        m.announced = true;
        this.emit({ type: 'message', message: m });
      }
    }
    this.finished = true;
    this.emit({ type: 'summary' });
  }

  // ---- SIP ----

  /** One SIP message (one wire occurrence), from the UDP datagram parser or a SIP-over-TCP stream. */
  sipMessage(msg: SipMessage): void {
    this.sip.push(msg);
    this.afterSip(msg);
  }

  /**
   * When the pipeline pushes SIP into a shared tracker itself, it calls this afterwards so sessions get
   * linked and the event is emitted.
   */
  afterSip(msg: SipMessage): void {
    const d = msg.callId === undefined ? undefined : this.sip.dialog(msg.callId);
    if (d !== undefined) this.dialogs.update(d, this.sessionTable);
    this.emit({ type: 'sip', message: msg, dialog: d });
  }

  /** SIP dialogs in order of first sight. */
  get dialogList(): readonly SipDialog[] {
    return this.dialogs.list;
  }

  /** Index of a dialog in dialogList. */
  dialogNumber(d: SipDialog): number {
    return this.dialogs.number(d);
  }

  /** SIP dialog count (distinct Call-IDs, including those past the tracker's memory cap). */
  get sipDialogCount(): number {
    return this.ownSip || this.dialogList.length > 0 ? this.sip.stats.dialogs : 0;
  }

  // ---- internals ----

  private record(conn: TcpConnection): ConnectionRecord {
    let c = this.connectionMap.get(conn.id);
    if (c === undefined) {
      c = new ConnectionRecord(conn);
      this.connectionMap.set(conn.id, c);
      this.connectionList.push(c);
    }
    return c;
  }

  private markMsrp(c: ConnectionRecord, at: FrameRef): void {
    if (c.msrp) return;
    c.msrp = true;
    c.msrpAt = at;
    this.emit({ type: 'connection', event: 'msrp', connection: c });
  }

  private report(code: string, frame: number, connection: number, detail: string, offset?: number): void {
    const severity: Severity = MODEL_CODE_SEVERITY.get(code) ?? 'warning';
    const d: Diagnostic = { code, severity, frame, connection, detail };
    if (offset !== undefined) d.offset = offset;
    this.diagnostic(d);
  }

  /** Headers known: resolve the session and, for a SEND, the message leg whose body follows. */
  private begin(c: ConnectionRecord, dir: Dir, m: MsrpFrame): FrameInProgress {
    // Responses are matched by transaction id alone; their headers are only read at export time.
    const fields = m.kind === 'request' ? extractFields(m.headers) : NO_FIELDS;
    const f: FrameInProgress = { m, fields, session: undefined, received: 0, sawSlices: false, chunk: undefined };
    if (m.kind !== 'request' || m.method === undefined || m.method === 'AUTH') return f;
    f.session = this.sessionOf(c, dir, f, m.firstFrame);
    if (m.method !== 'SEND' || fields.messageId === undefined) return f;

    let msg = this.messageTable.get(f.session, fields.messageId);
    if (msg === undefined) {
      const sel = sessionSelector(f.session);
      const wantSha1 = sel !== undefined && selectorMatches(sel, fields.contentType);
      const from = fields.fromPath[fields.fromPath.length - 1];
      const to = fields.toPath[fields.toPath.length - 1];
      msg = new MessageRecord(
        ownString(fields.messageId),
        f.session,
        m.firstFrame,
        from === undefined ? undefined : this.strings.intern(from),
        to === undefined ? undefined : this.strings.intern(to),
        wantSha1,
        this.keepBodies,
      );
      if (wantSha1) msg.fileSelector = sel;
      this.messageTable.add(msg);
    }
    if (msg.contentType === undefined && fields.contentType !== undefined) msg.contentType = this.strings.intern(fields.contentType);
    if (msg.contentDisposition === undefined && fields.contentDisposition !== undefined) {
      msg.contentDisposition = ownString(fields.contentDisposition);
    }
    msg.successReport ??= fields.successReport;
    msg.failureReport ??= fields.failureReport;
    const range = fields.byteRange;
    const total = range?.total ?? null;
    if (total !== null) {
      if (msg.declaredTotal === null) msg.declaredTotal = total;
      else if (msg.declaredTotal !== total && !msg.totalConflict) {
        msg.totalConflict = true;
        this.report(
          'inconsistent-total',
          m.firstFrame.frame,
          c.id,
          `Message-ID ${fields.messageId}: Byte-Range total ${total}, earlier ${msg.declaredTotal}`,
          m.startOffset,
        );
      }
    }
    const leg = msg.legFor(c.id, dir, m.firstFrame, fields.toPath.length);
    if (!this.hashBodies) leg.hashOk = false;
    if (total !== null) leg.total ??= total;
    const start = range !== undefined && range.start >= 1 ? range.start : 1;
    f.chunk = { message: msg, leg, start, pos: start, skip: leg.beginChunk(start) };
    return f;
  }

  /** The session of a non-AUTH request; cached per connection direction while the paths repeat. */
  private sessionOf(c: ConnectionRecord, dir: Dir, f: FrameInProgress, at: FrameRef): SessionRecord | undefined {
    const { toPathRaw, fromPathRaw } = f.fields;
    const cache = c.paths?.[dir];
    const slot = cache === undefined ? -1 : cache.find(toPathRaw, fromPathRaw);
    if (cache !== undefined && slot >= 0) {
      const hit = cache.session(slot);
      hit?.touch(at, c.id);
      return hit;
    }
    const r = this.sessionTable.resolve(f.fields.toPath, f.fields.fromPath, at);
    const session = r?.session;
    cache?.set(toPathRaw, fromPathRaw, session);
    if (r === undefined || session === undefined) return undefined;
    session.touch(at, c.id);
    session.addRelays(f.fields.toPath, f.fields.fromPath);
    c.noteSession(session);
    if (r.created) {
      this.dialogs.newSession(session);
      this.emit({ type: 'session', session });
    }
    return session;
  }

  private request(c: ConnectionRecord, dir: Dir, m: MsrpFrame, f: FrameInProgress): void {
    const method = m.method ?? '';
    if (m.truncated) bump(this.truncatedRequestCounts, method);
    else {
      bump(this.requestCounts, method);
      bump(c.requests, method);
      f.session?.countRequest(method);
    }
    const fields = f.fields;
    const t: TransactionRecord = {
      index: this.transactionCount++,
      connection: c.id,
      transactionId: m.transactionId,
      request: {
        dir,
        method,
        firstFrame: m.firstFrame,
        lastFrame: m.lastFrame,
        headers: this.keepHeaders(c, dir, m),
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
    if (f.chunk !== undefined) this.endChunk(c, f, t);
    else if (method === 'REPORT') this.reportFor(c, t, fields, m);
    else if (method === 'AUTH') {
      const client = fields.fromPath[fields.fromPath.length - 1] ?? '';
      const relay = fields.toPath[fields.toPath.length - 1] ?? '';
      const a: AuthRecord = this.authTable.resolve(c.id, client, relay, m.firstFrame);
      a.add(t);
      a.last = m.lastFrame;
    }
    if (c.pending !== undefined) {
      const prev = c.pending.add(dir, t);
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
    if (this.retainTransactions) this.transactionList.push(t);
    if (m.cut !== undefined) this.keepCut(t, 'request', m.cut);
    if (this.listeners.length > 0 || this.followUps.length > 0) this.emitWithFollowUps({ type: 'request', transaction: t, fields });
  }

  /** A SEND chunk is complete (or truncated): account it on its leg and message. */
  private endChunk(c: ConnectionRecord, f: FrameInProgress, t: TransactionRecord): void {
    const ch = f.chunk;
    if (ch === undefined) return;
    const m = f.m;
    let hashed = ch.skip >= 0;
    let received = f.received;
    if (!f.sawSlices) {
      received = m.bodyLength;
      if (received > 0 && hashed) {
        // The body never streamed through us: the leg's hash cannot continue.
        ch.leg.hashOk = false;
        hashed = false;
      }
    }
    const wasRangeOverflow = ch.leg.coverage.overflowed;
    ch.leg.endChunk(ch.start, received, hashed, m.flag, m.truncated);
    ch.leg.last = m.lastFrame;
    if (!wasRangeOverflow && ch.leg.coverage.overflowed) {
      this.report('range-overflow', m.firstFrame.frame, c.id, `Message-ID ${ch.message.messageId}: too many disjoint byte ranges`);
    }
    const msg = ch.message;
    if (!m.truncated && this.messageTable.confirm(msg) && msg.session !== undefined) msg.session.messages++;
    msg.chunkCount++;
    msg.touch(m.lastFrame);
    if (f.session !== undefined) f.session.wireBytes += received;
    t.message = msg;
    t.leg = ch.leg;
    if (!msg.announced && msg.index >= 0 && ch.leg.state() !== 'incomplete') {
      msg.announced = true;
      this.settleContent(msg);
      if (msg.fileSelector !== undefined) {
        const check = checkFile(msg.fileSelector, msg);
        if (check.state === 'mismatch') {
          this.report(
            'file-mismatch',
            m.lastFrame.frame,
            c.id,
            `Message-ID ${msg.messageId}: ${check.actualSize ?? '?'} bytes, ${check.algorithm ?? 'hash'} ${check.actualHash ?? '?'}; file-selector says ${check.expectedSize ?? '?'} bytes, ${check.expectedHash ?? '?'}`,
          );
        }
      }
      if (this.listeners.length > 0) this.followUps.push({ type: 'message', message: msg });
    }
  }

  /** A REPORT: attach it to the message it names (same session, else the sender's message with that id). */
  private reportFor(c: ConnectionRecord, t: TransactionRecord, fields: FrameFields, m: MsrpFrame): void {
    const messageId = fields.messageId;
    if (messageId === undefined) return;
    let msg = this.messageTable.get(t.session, messageId);
    if (msg === undefined) {
      const any = this.messageTable.anyWithId(messageId);
      const reportTo = fields.toPath[fields.toPath.length - 1];
      if (any !== undefined && (reportTo === undefined || (any.sender !== undefined && uriKey(any.sender) === uriKey(reportTo)))) {
        msg = any;
      }
    }
    if (msg === undefined) {
      this.report('report-without-message', m.firstFrame.frame, c.id, `REPORT for unseen Message-ID ${escapeText(messageId)}`, m.startOffset);
      return;
    }
    t.message = msg;
    msg.addReport({
      transaction: t.index,
      connection: c.id,
      dir: t.request?.dir ?? 0,
      frame: m.firstFrame,
      status: fields.status,
      byteRange: fields.byteRange,
    });
    msg.touch(m.lastFrame);
    this.checkDelivery(msg);
  }

  private response(c: ConnectionRecord, dir: Dir, m: MsrpFrame): void {
    const status = m.status ?? 0;
    if (m.truncated) bump(this.truncatedResponseCounts, status);
    else {
      bump(this.responseCounts, status);
      bump(c.responses, status);
    }
    const requestDir: Dir = dir === 0 ? 1 : 0;
    const pending = c.pending;
    let t = pending?.take(requestDir, m.transactionId);
    const part = {
      dir,
      status,
      comment: m.comment,
      firstFrame: m.firstFrame,
      lastFrame: m.lastFrame,
      headers: this.keepHeaders(c, dir, m),
      rttMs: null as number | null,
      truncated: m.truncated,
    };
    if (t !== undefined && t.request !== undefined) {
      part.rttMs = msBetween(t.request.lastFrame, m.firstFrame);
      t.response = part;
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
      if (method === 'SEND' && msg !== undefined && t.leg !== undefined) {
        t.leg.noteResponse(status, m.firstFrame, part.rttMs, t.request.flag === '$');
        if (status >= 300 && msg.failureByResponse === undefined) msg.failureByResponse = { code: status, at: m.firstFrame };
        msg.touch(m.lastFrame);
        this.checkDelivery(msg);
      }
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
      index: this.transactionCount++,
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
    if (this.retainTransactions) this.transactionList.push(t);
    if (m.cut !== undefined) this.keepCut(t, 'response', m.cut);
    this.emit({ type: 'response', transaction: t });
  }

  /** Keeps a cut frame of a retained transaction, while fewer than MAX_CUT_FRAMES are kept. */
  private keepCut(t: TransactionRecord, part: 'request' | 'response', cut: CutFrame): void {
    if (!this.retainTransactions || this.cutCount >= MAX_CUT_FRAMES) return;
    this.cutCount++;
    const e = this.cuts.get(t.index) ?? {};
    e[part] = cut;
    this.cuts.set(t.index, e);
  }

  /** The frame's header list as kept with its transaction (compact, repeated headers shared). */
  private keepHeaders(c: ConnectionRecord, dir: Dir, m: MsrpFrame): RawHeader[] {
    const kept = this.headerTable.keep(m.headers, c.lastHeaders[dir]);
    c.lastHeaders[dir] = kept;
    return kept;
  }

  /** Settles closed connections other than `exceptId`: flags unanswered requests, frees working state. */
  private settleClosed(exceptId: number): void {
    let keep = 0;
    for (let i = 0; i < this.closing.length; i++) {
      const c = this.closing[i] as ConnectionRecord;
      if (c.id === exceptId) {
        this.closing[keep++] = c;
        continue;
      }
      this.flushPending(c);
      c.release();
      if (c.msrp) this.emit({ type: 'connection', event: 'closed', connection: c });
    }
    this.closing.length = keep;
  }

  private checkDelivery(msg: MessageRecord): void {
    if (msg.deliveryAnnounced) return;
    if (computeDelivery(msg).state === 'unknown') return;
    msg.deliveryAnnounced = true;
    if (this.listeners.length > 0) this.followUps.push({ type: 'delivery', message: msg });
  }

  /** Requests still waiting when their connection ends: those that expected a response are flagged. */
  private flushPending(c: ConnectionRecord): void {
    const p: PendingRequests | undefined = c.pending;
    if (p === undefined) return;
    for (const t of p.drain()) {
      if (t.expects !== 'response' || t.request === undefined) continue;
      this.report(
        'no-response',
        t.request.firstFrame.frame,
        c.id,
        `${t.request.method} ${t.transactionId} got no response`,
      );
    }
  }

  /** Decodes CPIM / IMDN / isComposing from the preview once, and links IMDN notifications. */
  private settleContent(m: MessageRecord): void {
    if (m.contentDecoded) return;
    m.contentDecoded = true;
    decodeContent(m, m.preview ?? EMPTY_BUFFER);
    m.trimPreview(this.kept);
    this.imdn.link(m);
  }

  // ---- read access for exporters ----

  /**
   * The request or response of transaction `transaction` when it was cut before its end-line: why, where,
   * and its start-line and header block as received (the first MAX_CUT_FRAMES cut frames only).
   */
  cutFrame(transaction: number, part: 'request' | 'response'): CutFrame | undefined {
    return this.cuts.get(transaction)?.[part];
  }

  /** The connection record with this id. */
  connection(id: number): ConnectionRecord | undefined {
    return this.connectionMap.get(id);
  }

  /** Auth exchanges per client and relay. */
  get auths(): readonly AuthRecord[] {
    return this.authTable.list;
  }

  get sessions(): readonly SessionRecord[] {
    return this.sessionTable.list;
  }

  get messages(): readonly MessageRecord[] {
    return this.messageTable.list;
  }

  get captureInfo(): CaptureInfo | undefined {
    return this.facts?.info ?? this.info;
  }
}
