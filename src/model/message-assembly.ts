import type { FrameRef } from '../capture/types.js';
import type { Dir } from '../tcp/types.js';
import type { MsrpFrame } from '../msrp/types.js';
import type { ConnectionRecord, FrameInProgress } from './connections.js';
import { decodeContent, ImdnLinks } from './content.js';
import { deliveryState } from './delivery.js';
import { FoldQueue, type FoldOptions, type FoldReadiness, type FoldSink } from './message-fold.js';
import type { ModelEvent } from './events.js';
import { extractFields, NO_FIELDS, type FrameFields } from './fields.js';
import { checkFile, selectorMatches } from './file-transfer.js';
import { MessageRecord, type Leg } from './messages.js';
import type { ModelData } from './model-data.js';
import type { SessionRecord } from './sessions.js';
import { sessionSelector } from './sip-link.js';
import type { TransactionRecord } from './transactions.js';
import { Interner, ownString } from './strings.js';
import { ByteArena } from './byte-arena.js';
import { uriKey } from './uri-key.js';

const EMPTY_BUFFER = Buffer.alloc(0);

/** Stated (its message line written, complete or aborted), and settled when delivery is decided and every chunk answered. */
function foldReadiness(m: MessageRecord): FoldReadiness {
  if (!m.announced || m.state() === 'incomplete') return 'open';
  if (deliveryState(m) === 'unknown') return 'stated';
  for (let i = 0; i < m.legs.length; i++) if ((m.legs[i] as Leg).unanswered() > 0) return 'stated';
  return 'settled';
}

/**
 * The same when every record is shown (FoldOptions.records): a message that IMDN notifications may still name
 * (content.ts ImdnLinks: an original, by its imdn.Message-ID), or a notification not yet matched to its
 * message, would change after it is written: never folded.
 */
function recordReadiness(m: MessageRecord): FoldReadiness {
  if (m.notification === undefined ? m.cpim?.imdnMessageId !== undefined : m.acknowledges === undefined) return 'open';
  return foldReadiness(m);
}

/** What message assembly reports back to the correlator. */
export interface AssemblyHooks {
  /** A diagnostic of the model (severity from its code). */
  report(code: string, frame: number, connection: number, detail: string, offset?: number): void;
  /** An event to emit now. */
  emit(e: ModelEvent): void;
  /** An event to emit right after the current frame's own request/response event. */
  followUp(e: ModelEvent): void;
}

/**
 * The message side of the correlator: resolves sessions, builds messages from SEND chunks (legs across
 * relays, body slices hashed and previewed as they stream), attaches REPORTs, notices delivery and decodes
 * content once a message settles.
 */
export class MessageAssembly {
  /** IMDN notifications and the messages they acknowledge. */
  private readonly imdn = new ImdnLinks();
  /** Repeated strings kept by messages (URIs, content types). */
  private readonly strings = new Interner();
  /** Previews of retained messages, copied into shared slabs. */
  private readonly kept = new ByteArena();
  /** Messages that may be folded into counts, when the outputs allow it. */
  private readonly foldQueue: FoldQueue | undefined;
  /** Where folded records go when every record is shown (FoldOptions.records); none folds until it is set. */
  private sink: FoldSink | undefined;

  constructor(
    private readonly data: ModelData,
    private readonly hashBodies: boolean,
    private readonly hooks: AssemblyHooks,
    /**
     * Keep the start of each body after decoding (true), only what the text preview reads ('text'), or
     * nothing (false).
     */
    private readonly keepPreviews: boolean | 'text' = true,
    fold?: FoldOptions,
  ) {
    this.foldQueue = fold === undefined ? undefined : new FoldQueue(fold);
  }

  /** Headers known: resolve the session and, for a SEND, the message leg whose body follows. */
  begin(c: ConnectionRecord, dir: Dir, m: MsrpFrame): FrameInProgress {
    // Responses are matched by transaction id alone; their headers are only read at export time.
    const fields = m.kind === 'request' ? extractFields(m.headers) : NO_FIELDS;
    const f: FrameInProgress = { m, fields, session: undefined, received: 0, sawSlices: false, chunk: undefined };
    if (m.kind !== 'request' || m.method === undefined || m.method === 'AUTH') return f;
    f.session = this.sessionOf(c, dir, f, m.firstFrame);
    if (m.method !== 'SEND' || fields.messageId === undefined) return f;

    const table = this.data.messages;
    let msg = table.get(f.session, fields.messageId);
    if (msg === undefined && table.wasFolded(f.session, fields.messageId)) {
      this.afterFold(c, m, fields.messageId, 'chunk');
      return f;
    }
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
        this.data.keepBodies ? (this.data.bodyStore ?? true) : false,
      );
      if (wantSha1) msg.fileSelector = sel;
      table.add(msg);
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
        this.hooks.report(
          'inconsistent-total',
          m.firstFrame.frame,
          c.id,
          `Message-ID ${fields.messageId}: Byte-Range total ${total}, earlier ${msg.declaredTotal}`,
          m.startOffset,
        );
      }
    }
    const leg = msg.legFor(c.id, dir, m.firstFrame, fields.toPath.length);
    if (!this.hashBodies) leg.stopHashing();
    if (total !== null) leg.total ??= total;
    const start = range !== undefined && range.start >= 1 ? range.start : 1;
    f.chunk = { message: msg, leg, start, pos: start, skip: leg.beginChunk(start) };
    return f;
  }

  /** A body slice of the frame in progress: hashed on its leg, previewed, kept when bodies are. */
  body(f: FrameInProgress, slice: Buffer): void {
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
    const r = this.data.sessions.resolve(f.fields.toPath, f.fields.fromPath, at);
    const session = r?.session;
    cache?.set(toPathRaw, fromPathRaw, session);
    if (r === undefined || session === undefined) return undefined;
    session.touch(at, c.id);
    session.addRelays(f.fields.toPath, f.fields.fromPath);
    c.noteSession(session);
    if (r.created) {
      this.data.dialogs.newSession(session);
      this.hooks.emit({ type: 'session', session });
    }
    return session;
  }

  /** A SEND chunk is complete (or truncated): account it on its leg and message. */
  endChunk(c: ConnectionRecord, f: FrameInProgress, t: TransactionRecord): void {
    const ch = f.chunk;
    if (ch === undefined) return;
    const m = f.m;
    let hashed = ch.skip >= 0;
    let received = f.received;
    if (!f.sawSlices) {
      received = m.bodyLength;
      if (received > 0 && hashed) {
        // The body never streamed through us: the leg's hash cannot continue.
        ch.leg.stopHashing();
        hashed = false;
      }
    }
    const wasRangeOverflow = ch.leg.coverage.overflowed;
    ch.leg.endChunk(ch.start, received, hashed, m.flag, m.truncated);
    ch.leg.last = m.lastFrame;
    if (!wasRangeOverflow && ch.leg.coverage.overflowed) {
      this.hooks.report('range-overflow', m.firstFrame.frame, c.id, `Message-ID ${ch.message.messageId}: too many disjoint byte ranges`);
    }
    const msg = ch.message;
    if (!m.truncated && this.data.messages.confirm(msg)) {
      if (msg.session !== undefined) msg.session.messages++;
      this.foldQueue?.offer(msg);
    }
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
          this.hooks.report(
            'file-mismatch',
            m.lastFrame.frame,
            c.id,
            `Message-ID ${msg.messageId}: ${check.actualSize ?? '?'} bytes, ${check.algorithm ?? 'hash'} ${check.actualHash ?? '?'}; file-selector says ${check.expectedSize ?? '?'} bytes, ${check.expectedHash ?? '?'}`,
          );
        }
      }
      this.hooks.followUp({ type: 'message', message: msg });
    }
    if (this.foldQueue !== undefined) this.foldSettled(this.foldQueue, m.lastFrame);
  }

  /** Where folded messages go (FoldOptions.records: the outputs that show every record, joined by the correlator). */
  foldInto(sink: FoldSink): void {
    this.sink = sink;
  }

  /** Folds a few messages that are stated and idle into the counts, while more than the queue's bound are held. */
  private foldSettled(q: FoldQueue, now: FrameRef): void {
    const table = this.data.messages;
    if (table.held <= q.after) return;
    const records = q.opts.records === true;
    if (records && this.sink === undefined) return;
    const ready = q.take(table.held, now, records ? recordReadiness : foldReadiness);
    if (ready === undefined) return;
    for (const x of ready) {
      this.sink?.message(x);
      table.fold(x);
    }
  }

  /** A chunk, REPORT or response for a folded message: counted, changes nothing. */
  private afterFold(c: ConnectionRecord, m: MsrpFrame, messageId: string, what: 'chunk' | 'REPORT' | 'response'): void {
    this.hooks.report(
      'message-after-fold',
      m.firstFrame.frame,
      c.id,
      `${what} for Message-ID ${messageId}, already folded into the counts`,
      m.startOffset,
    );
  }

  /** A REPORT: attach it to the message it names (same session, else the sender's message with that id). */
  report(c: ConnectionRecord, t: TransactionRecord, fields: FrameFields, m: MsrpFrame): void {
    const messageId = fields.messageId;
    if (messageId === undefined) return;
    const table = this.data.messages;
    let msg = table.get(t.session, messageId);
    if (msg === undefined) {
      const any = table.anyWithId(messageId);
      const reportTo = fields.toPath[fields.toPath.length - 1];
      if (any !== undefined && (reportTo === undefined || (any.sender !== undefined && uriKey(any.sender) === uriKey(reportTo)))) {
        msg = any;
      }
    }
    if (msg === undefined && (table.wasFolded(t.session, messageId) || table.wasFolded(null, messageId))) {
      this.afterFold(c, m, messageId, 'REPORT');
      return;
    }
    if (msg === undefined) {
      this.hooks.report('report-without-message', m.firstFrame.frame, c.id, `REPORT for unseen Message-ID ${messageId}`, m.startOffset);
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

  /** The response to a SEND chunk: noted on its leg; a failure code on the message. */
  response(c: ConnectionRecord, msg: MessageRecord, t: TransactionRecord, m: MsrpFrame, status: number, rttMs: number | null): void {
    if (msg.folded) {
      this.afterFold(c, m, msg.messageId, 'response');
      return;
    }
    if (t.leg === undefined) return;
    t.leg.noteResponse(status, m.firstFrame, rttMs, t.request?.flag === '$');
    if (status >= 300 && msg.failureByResponse === undefined) msg.failureByResponse = { code: status, at: m.firstFrame };
    msg.touch(m.lastFrame);
    this.checkDelivery(msg);
  }

  /** Announces a message's delivery once it is known. */
  private checkDelivery(msg: MessageRecord): void {
    if (msg.deliveryAnnounced) return;
    if (deliveryState(msg) === 'unknown') return;
    msg.deliveryAnnounced = true;
    this.hooks.followUp({ type: 'delivery', message: msg });
  }

  /** Decodes CPIM / IMDN / isComposing from the preview once, and links IMDN notifications. */
  settleContent(m: MessageRecord): void {
    if (m.contentDecoded) return;
    m.contentDecoded = true;
    // Without previews the envelope's lists would be dropped at once (dropPreview): they are not made.
    const previews = this.keepPreviews !== false;
    decodeContent(m, m.preview ?? EMPTY_BUFFER, previews);
    if (previews) m.trimPreview(this.kept, this.keepPreviews === 'text');
    else m.dropPreview();
    this.imdn.link(m);
  }
}
