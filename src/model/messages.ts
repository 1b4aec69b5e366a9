import type { Hash } from 'node:crypto';
import { crypto } from '../util/builtins.js';
import type { FrameRef } from '../capture/types.js';
import type { Dir } from '../tcp/types.js';
import type { EndFlag } from '../msrp/types.js';
import { isLater, msBetween } from './frame-time.js';
import type { ByteRange, ReportFlag, StatusValue } from './fields.js';
import { RangeSet } from './ranges.js';
import type { SessionRecord } from './sessions.js';
import { SparseBody, type BodyStoreFactory } from './sparse-body.js';
import type { ByteArena } from './byte-arena.js';
import { textPreviewLength } from './body-preview.js';
import type { CpimEnvelope } from './cpim.js';
import type { ImdnNotification } from './imdn.js';
import type { ComposingState } from './composing.js';
import type { FileSelector } from './file-transfer.js';
import { deliveryState } from './delivery.js';
import { FoldedMessages } from './message-fold.js';
import { HashSet53, keyHash } from '../util/hash53.js';
import { keepInPlace } from '../util/arrays.js';

export type MessageState = 'complete' | 'aborted' | 'incomplete';

/** Bytes of each message body collected for CPIM/IMDN decoding while the message is open. */
export const PREVIEW_BYTES = 4096;
/** Bytes kept for the text preview once the content is decoded (enough for 200 characters of UTF-8). */
export const PREVIEW_KEEP = 1024;
/** Detailed REPORT entries kept per message (all are counted). */
export const MAX_REPORTS = 64;

export interface ResponseNote {
  status: number;
  frame: FrameRef;
  rttMs: number | null;
}

/** What a leg rarely needs, made on first use: most legs are one in-order chunk with one response. */
class LegExtra {
  sha1: Hash | undefined;
  raw1: string | undefined;
  otherCodes: Map<number, number> | undefined;
  outOfOrder = 0;
  truncatedChunks = 0;
  /** Smallest and largest RTT once a second response came (with one, both are rttSum). */
  rttMin = Number.POSITIVE_INFINITY;
  rttMax = Number.NEGATIVE_INFINITY;
}

const SAW_ABORT = 1;
const HASH_OK = 2;
const WANT_SHA1 = 4;

/**
 * One leg of a message: the chunks it carried in one direction of one connection. Coverage, the end flag
 * and a streaming hash (valid while chunks arrive in byte order) decide its state.
 *
 * A large capture keeps one per message, so its rare fields live in a LegExtra made on first use, its flags in
 * one number, and the running sha256 and its digest share a field: the accessors below read as plain fields.
 */
export class Leg {
  chunks = 0;
  /** Body bytes received on this leg (every copy counted). */
  bytes = 0;
  readonly coverage = new RangeSet();
  /** Total size from Byte-Range (first numeric total seen). */
  total: number | null = null;
  /** Last byte position of the chunk that ended with `$`. */
  endAt: number | null = null;
  lastFlag: EndFlag | undefined;
  last: FrameRef;
  /** Next body position the running hashes expect. */
  next = 1;
  /** The running sha256, then (once the leg is complete) its digest as one char per byte (latin1: half of hex). */
  private sha256: Hash | string | undefined;
  private flags = HASH_OK;
  private extra: LegExtra | undefined;
  /** Responses to this leg's chunks: the first status code seen and its count, other codes in a Map. */
  private firstCode = 0;
  private firstCount = 0;
  rttCount = 0;
  rttSum = 0;
  /** The response to the chunk that ended with `$` (its status; 0 while none), kept without an object of its own. */
  private finalStatus = 0;
  private finalFrame: FrameRef | undefined;
  private finalRtt: number | null = null;
  /** End of the previous chunk, to count out-of-order chunks. */
  private prevEnd = 0;

  constructor(
    readonly connection: number,
    readonly dir: Dir,
    readonly first: FrameRef,
    /** URIs in the To-Path of the first chunk on this leg: 1 = the next hop is the final receiver. */
    readonly hops: number,
    wantSha1: boolean,
  ) {
    this.last = first;
    if (wantSha1) this.flags |= WANT_SHA1;
  }

  private get x(): LegExtra {
    return (this.extra ??= new LegExtra());
  }

  get sawAbort(): boolean {
    return (this.flags & SAW_ABORT) !== 0;
  }

  /** False once a chunk left a hole before the hashed position: the hashes are then dropped. */
  get hashOk(): boolean {
    return (this.flags & HASH_OK) !== 0;
  }

  /** The hashes cannot follow the body any more (or are not wanted): a digest already made stays. */
  stopHashing(): void {
    this.flags &= ~HASH_OK;
    if (typeof this.sha256 !== 'string') this.sha256 = undefined;
    if (this.extra !== undefined) this.extra.sha1 = undefined;
  }

  private get wantSha1(): boolean {
    return (this.flags & WANT_SHA1) !== 0;
  }

  /** Chunks that did not start where the previous one ended. */
  get outOfOrder(): number {
    return this.extra?.outOfOrder ?? 0;
  }

  get truncatedChunks(): number {
    return this.extra?.truncatedChunks ?? 0;
  }

  get rttMin(): number {
    return this.rttCount === 0 ? Number.POSITIVE_INFINITY : this.rttCount === 1 ? this.rttSum : this.x.rttMin;
  }

  get rttMax(): number {
    return this.rttCount === 0 ? Number.NEGATIVE_INFINITY : this.rttCount === 1 ? this.rttSum : this.x.rttMax;
  }

  /** The sha256 digest (latin1) once complete. */
  private get raw256(): string | undefined {
    return typeof this.sha256 === 'string' ? this.sha256 : undefined;
  }

  /** Hex sha256 of the leg's body, once complete and hashed in order. */
  get digest256(): string | undefined {
    const raw = this.raw256;
    return raw === undefined ? undefined : Buffer.from(raw, 'latin1').toString('hex');
  }

  /** Hex sha-1 of the leg's body (file transfers announced with a file-selector). */
  get digest1(): string | undefined {
    const raw = this.extra?.raw1;
    return raw === undefined ? undefined : Buffer.from(raw, 'latin1').toString('hex');
  }

  /** The response to the chunk that ended with `$` (a new object per call). */
  get finalResponse(): ResponseNote | undefined {
    return this.finalFrame === undefined ? undefined : { status: this.finalStatus, frame: this.finalFrame, rttMs: this.finalRtt };
  }

  /** The frame and status of finalResponse, read without making it. */
  get finalAt(): FrameRef | undefined {
    return this.finalFrame;
  }

  get finalCode(): number {
    return this.finalStatus;
  }

  /** Whether a chunk ended with `$`. */
  get sawEnd(): boolean {
    return this.endAt !== null;
  }

  state(): MessageState {
    const t = this.size();
    if (this.sawEnd && t !== null && this.coverage.coversAll(1, t)) return 'complete';
    if (this.sawAbort) return 'aborted';
    return 'incomplete';
  }

  /** The size the leg's chunks describe: the declared total, else where the `$` chunk ended. */
  size(): number | null {
    return this.total ?? this.endAt;
  }

  /** Called when a chunk starts at `start`: returns how many leading bytes the hashes must skip, or -1. */
  beginChunk(start: number): number {
    if (start !== this.prevEnd + 1) this.x.outOfOrder++;
    if (!this.hashOk || typeof this.sha256 === 'string') return -1;
    if (start > this.next) {
      this.flags &= ~HASH_OK;
      this.sha256 = undefined;
      if (this.extra !== undefined) this.extra.sha1 = undefined;
      return -1;
    }
    return this.next - start;
  }

  /** Feeds the running hashes (only between beginChunk and the leg's completion: never after its digest). */
  hash(part: Buffer): void {
    let h = this.sha256;
    if (h === undefined) this.sha256 = h = crypto().createHash('sha256');
    if (typeof h === 'string') return;
    h.update(part);
    if (this.wantSha1) {
      const x = this.x;
      x.sha1 ??= crypto().createHash('sha1');
      x.sha1.update(part);
    }
  }

  /** Records a finished chunk that covered [start, start + received - 1]. */
  endChunk(start: number, received: number, hashed: boolean, flag: EndFlag | undefined, truncated: boolean): void {
    this.chunks++;
    this.bytes += received;
    if (received > 0) this.coverage.add(start, start + received - 1);
    this.prevEnd = received > 0 ? start + received - 1 : start - 1;
    if (hashed) this.next = Math.max(this.next, start + received);
    this.lastFlag = flag;
    if (truncated) this.x.truncatedChunks++;
    if (flag === '$') {
      const end = start + received - 1;
      this.endAt = this.endAt === null ? end : Math.max(this.endAt, end);
    } else if (flag === '#') {
      this.flags |= SAW_ABORT;
    }
    const t = this.size();
    const h = this.sha256;
    if (this.hashOk && typeof h !== 'string' && this.sawEnd && t !== null && this.next === t + 1) {
      if (this.coverage.coversAll(1, t)) {
        this.sha256 = (h ?? crypto().createHash('sha256')).digest('binary');
        if (this.wantSha1) {
          const x = this.x;
          x.raw1 = (x.sha1 ?? crypto().createHash('sha1')).digest('binary');
          x.sha1 = undefined;
        }
      }
    }
  }

  /** Responses with this status code. */
  responseCount(status: number): number {
    if (this.firstCount > 0 && status === this.firstCode) return this.firstCount;
    return this.extra?.otherCodes?.get(status) ?? 0;
  }

  /** Chunks without a response so far. */
  unanswered(): number {
    let n = this.firstCount;
    const other = this.extra?.otherCodes;
    if (other !== undefined) for (const c of other.values()) n += c;
    return Math.max(0, this.chunks - n);
  }

  /** Responses by status code, in order of first sight. */
  responses(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    if (this.firstCount > 0) out.push([this.firstCode, this.firstCount]);
    const other = this.extra?.otherCodes;
    if (other !== undefined) for (const e of other) out.push(e);
    return out;
  }

  noteResponse(status: number, frame: FrameRef, rttMs: number | null, toFinalChunk: boolean): void {
    if (this.firstCount === 0) {
      this.firstCode = status;
      this.firstCount = 1;
    } else if (status === this.firstCode) this.firstCount++;
    else {
      const x = this.x;
      x.otherCodes ??= new Map();
      x.otherCodes.set(status, (x.otherCodes.get(status) ?? 0) + 1);
    }
    if (rttMs !== null) {
      if (this.rttCount === 1) {
        // The second RTT: the first one (the sum so far) becomes the minimum and maximum it is compared with.
        const x = this.x;
        x.rttMin = this.rttSum;
        x.rttMax = this.rttSum;
      }
      this.rttCount++;
      this.rttSum += rttMs;
      if (this.rttCount > 1) {
        const x = this.x;
        if (rttMs < x.rttMin) x.rttMin = rttMs;
        if (rttMs > x.rttMax) x.rttMax = rttMs;
      }
    }
    if (toFinalChunk) {
      this.finalStatus = status;
      this.finalFrame = frame;
      this.finalRtt = rttMs;
    }
  }
}

/** A REPORT that named this message. */
export interface ReportNote {
  /** Index of the REPORT's transaction. */
  transaction: number;
  connection: number;
  dir: Dir;
  frame: FrameRef;
  status: StatusValue | undefined;
  byteRange: ByteRange | undefined;
}

/** A decision about delivery from one source, kept as the first or latest seen. */
export interface DeliveryEvidence {
  code: number;
  at: FrameRef;
}

const EMPTY_PREVIEW: Buffer = Buffer.alloc(0);
/** What a CPIM message's kept envelope bytes are a view of when only the text preview is shown (never written). */
const ZEROS: Buffer = Buffer.alloc(PREVIEW_KEEP);
const NO_REPORTS: readonly ReportNote[] = Object.freeze([]);
const NO_MESSAGES: readonly MessageRecord[] = Object.freeze([]);
const NO_LIST: readonly never[] = Object.freeze([]);

/** Notes that the CPIM body goes beyond what a preview keeps (before the preview is trimmed or dropped). */
function noteCpimTruncated(cpim: CpimEnvelope): void {
  if (cpim.body.length > PREVIEW_KEEP) cpim.bodyTruncated = true;
}

/** What a message rarely needs (file transfers, failures, kept bodies, many legs), made on first use. */
class MessageExtra {
  legByKey: Map<number, Leg> | undefined;
  contentDisposition: string | undefined;
  body: SparseBody | undefined;
  failureByReport: DeliveryEvidence | undefined;
  failureByResponse: DeliveryEvidence | undefined;
  composing: ComposingState | undefined;
  fileSelector: FileSelector | undefined;
}

const TOTAL_CONFLICT = 1;
const SUCCESS_UNRANGED = 2;
const CONTENT_DECODED = 4;
const ANNOUNCED = 8;
const DELIVERY_ANNOUNCED = 16;
const MSG_WANT_SHA1 = 32;
const FOLDED = 64;

/**
 * One message (a Message-ID carried by SEND within a session), with its legs, REPORTs and content.
 *
 * A large capture keeps one per message, so its rare fields live in a MessageExtra made when one is first set
 * and its flags in one number; the accessors below read and write them as plain fields.
 */
export class MessageRecord {
  legs: Leg[] = [];
  contentType: string | undefined;
  /** First numeric Byte-Range total seen on any leg. */
  declaredTotal: number | null = null;
  successReport: ReportFlag | undefined;
  failureReport: ReportFlag | undefined;
  last: FrameRef;
  preview: Buffer | undefined;
  // REPORTs
  reports: readonly ReportNote[] = NO_REPORTS;
  reportCount = 0;
  /** Byte ranges that success REPORTs confirmed (made on the first ranged success REPORT). */
  successRanges: RangeSet | undefined;
  /** Latest success REPORT (status 200) seen. */
  lastSuccess: FrameRef | undefined;
  // Content
  cpim: CpimEnvelope | undefined;
  /** When this message is an IMDN notification: what it says. */
  notification: ImdnNotification | undefined;
  /** IMDN notifications received for this message (by imdn.Message-ID). */
  notifications: readonly MessageRecord[] = NO_MESSAGES;
  /** The message an IMDN notification acknowledges. */
  acknowledges: MessageRecord | undefined;
  private flags = 0;
  private extra: MessageExtra | undefined;

  /**
   * Position in the model's message list, -1 until a chunk with an end-line confirmed the message (one
   * seen only in frames cut by a gap or the end of the capture is not counted as a message).
   */
  index = -1;

  constructor(
    readonly messageId: string,
    readonly session: SessionRecord | undefined,
    readonly first: FrameRef,
    /** Last URI of the From-Path of the first chunk seen (the sender). */
    readonly sender: string | undefined,
    /** Last URI of the To-Path of the first chunk seen (the receiver). */
    readonly receiver: string | undefined,
    wantSha1: boolean,
    /** Keep the body: in memory (true), or in the stores the factory makes. */
    keepBody: boolean | BodyStoreFactory,
  ) {
    this.last = first;
    if (wantSha1) this.flags = MSG_WANT_SHA1;
    if (keepBody !== false) this.body = new SparseBody(keepBody === true ? undefined : keepBody());
  }

  private flag(bit: number): boolean {
    return (this.flags & bit) !== 0;
  }

  private setFlag(bit: number, on: boolean): void {
    this.flags = on ? this.flags | bit : this.flags & ~bit;
  }

  /** Sets a rare field: the object that holds them is made for a value, not for clearing one never set. */
  private put<K extends keyof MessageExtra>(key: K, v: MessageExtra[K]): void {
    if (v !== undefined || this.extra !== undefined) (this.extra ??= new MessageExtra())[key] = v;
  }

  get wantSha1(): boolean {
    return this.flag(MSG_WANT_SHA1);
  }

  /** True when chunks disagreed on the total. */
  get totalConflict(): boolean {
    return this.flag(TOTAL_CONFLICT);
  }
  set totalConflict(v: boolean) {
    this.setFlag(TOTAL_CONFLICT, v);
  }

  /** A success REPORT without a usable Byte-Range. */
  get successUnranged(): boolean {
    return this.flag(SUCCESS_UNRANGED);
  }
  set successUnranged(v: boolean) {
    this.setFlag(SUCCESS_UNRANGED, v);
  }

  get contentDecoded(): boolean {
    return this.flag(CONTENT_DECODED);
  }
  set contentDecoded(v: boolean) {
    this.setFlag(CONTENT_DECODED, v);
  }

  // Live-event bookkeeping
  get announced(): boolean {
    return this.flag(ANNOUNCED);
  }
  set announced(v: boolean) {
    this.setFlag(ANNOUNCED, v);
  }

  /** Folded into the model's counts (message-fold.ts): no longer listed or found by its key. */
  get folded(): boolean {
    return this.flag(FOLDED);
  }
  set folded(v: boolean) {
    this.setFlag(FOLDED, v);
  }

  get deliveryAnnounced(): boolean {
    return this.flag(DELIVERY_ANNOUNCED);
  }
  set deliveryAnnounced(v: boolean) {
    this.setFlag(DELIVERY_ANNOUNCED, v);
  }

  get contentDisposition(): string | undefined {
    return this.extra?.contentDisposition;
  }
  set contentDisposition(v: string | undefined) {
    this.put('contentDisposition', v);
  }

  /** The body itself, when extraction keeps bodies. */
  get body(): SparseBody | undefined {
    return this.extra?.body;
  }
  set body(v: SparseBody | undefined) {
    this.put('body', v);
  }

  /** First REPORT with a status other than 200, and the latest time such a REPORT was seen. */
  get failureByReport(): DeliveryEvidence | undefined {
    return this.extra?.failureByReport;
  }
  set failureByReport(v: DeliveryEvidence | undefined) {
    this.put('failureByReport', v);
  }

  /** First response with a failure status (>= 300) to one of its chunks, on any leg. */
  get failureByResponse(): DeliveryEvidence | undefined {
    return this.extra?.failureByResponse;
  }
  set failureByResponse(v: DeliveryEvidence | undefined) {
    this.put('failureByResponse', v);
  }

  /** When this message is an isComposing indication (RFC 3994). */
  get composing(): ComposingState | undefined {
    return this.extra?.composing;
  }
  set composing(v: ComposingState | undefined) {
    this.put('composing', v);
  }

  get fileSelector(): FileSelector | undefined {
    return this.extra?.fileSelector;
  }
  set fileSelector(v: FileSelector | undefined) {
    this.put('fileSelector', v);
  }

  /** The leg for this connection direction, created in order of first sight. */
  legFor(connection: number, dir: Dir, at: FrameRef, hops: number): Leg {
    const key = connection * 2 + dir;
    const byKey = this.extra?.legByKey;
    let leg: Leg | undefined;
    if (byKey !== undefined) leg = byKey.get(key);
    else for (const l of this.legs) if (l.connection === connection && l.dir === dir) leg = l;
    if (leg !== undefined) return leg;
    leg = new Leg(connection, dir, at, hops, this.wantSha1);
    if (this.legs.length === 0) this.legs = [leg];
    else this.legs.push(leg);
    // Built only for messages with many legs; a linear search finds the few usual ones.
    if (byKey !== undefined) byKey.set(key, leg);
    else if (this.legs.length > 8) this.put('legByKey', new Map(this.legs.map((l) => [l.connection * 2 + l.dir, l])));
    return leg;
  }

  touch(t: FrameRef): void {
    if (isLater(this.last, t)) this.last = t;
  }

  /** Complete if some leg is complete; else aborted if some leg saw `#`; else incomplete. */
  state(): MessageState {
    let aborted = false;
    for (let i = 0; i < this.legs.length; i++) {
      const s = (this.legs[i] as Leg).state();
      if (s === 'complete') return 'complete';
      if (s === 'aborted') aborted = true;
    }
    return aborted ? 'aborted' : 'incomplete';
  }

  /** The first complete leg, if any. */
  completeLeg(): Leg | undefined {
    for (let i = 0; i < this.legs.length; i++) {
      const l = this.legs[i] as Leg;
      if (l.state() === 'complete') return l;
    }
    return undefined;
  }

  /** Total size: declared in Byte-Range, else the size a complete leg showed; null when unknown. */
  size(): number | null {
    if (this.declaredTotal !== null) return this.declaredTotal;
    const c = this.completeLeg();
    return c === undefined ? null : c.size();
  }

  /** Most distinct body bytes seen on one leg (or kept, when bodies are kept). */
  bytesSeen(): number {
    let best = this.body?.size ?? 0;
    for (const l of this.legs) if (l.coverage.covered > best) best = l.coverage.covered;
    return best;
  }

  /** Largest chunk count on one leg. */
  maxChunks(): number {
    let n = 0;
    for (const l of this.legs) if (l.chunks > n) n = l.chunks;
    return n;
  }

  private digestOf(which: 'sha256' | 'sha1'): string | null {
    for (const l of this.legs) {
      if (l.state() !== 'complete') continue;
      const d = which === 'sha256' ? l.digest256 : l.digest1;
      if (d !== undefined) return d;
    }
    const t = this.size();
    if (this.body !== undefined && t !== null && this.state() === 'complete') return this.body.digest(which, t) ?? null;
    return null;
  }

  /** Hex sha256 of the reassembled body when complete and hashable, else null. */
  sha256(): string | null {
    return this.digestOf('sha256');
  }

  /** Hex sha-1 (only computed for file transfers announced with a file-selector). */
  sha1(): string | null {
    return this.wantSha1 ? this.digestOf('sha1') : null;
  }

  /** Preview bytes: feeds body position `pos` (1-based) from any leg, in order, up to PREVIEW_BYTES. */
  feedPreview(pos: number, slice: Buffer): void {
    if (this.contentDecoded) return;
    const have = this.preview?.length ?? 0;
    if (have >= PREVIEW_BYTES || pos > have + 1) return;
    const from = have + 1 - pos;
    if (from >= slice.length) return;
    const take = Math.min(slice.length - from, PREVIEW_BYTES - have);
    const part = slice.subarray(from, from + take);
    const next = Buffer.allocUnsafe(have + take);
    if (this.preview !== undefined) next.set(this.preview, 0);
    next.set(part, have);
    this.preview = next;
  }

  /**
   * Shrinks the preview (and the CPIM body view into it) to at most PREVIEW_KEEP bytes copied into `arena`,
   * so a retained message never pins a larger or shared (pooled) allocation.
   */
  trimPreview(arena: ByteArena, textOnly = false): void {
    const cpim = this.cpim;
    if (textOnly && cpim !== undefined && this.preview !== undefined) {
      this.trimCpimText(arena, cpim, this.preview);
      return;
    }
    let keep: number | null = PREVIEW_KEEP;
    // Only the text preview is shown (JSON, NDJSON): the bytes it reads, none for a body that is not text.
    if (textOnly && this.preview !== undefined) keep = textPreviewLength(this.contentType, this.preview.subarray(0, PREVIEW_KEEP));
    const old = this.preview;
    if (keep === null) this.preview = undefined;
    else if (old !== undefined) this.preview = arena.copy(old, keep);
    if (cpim !== undefined) {
      noteCpimTruncated(cpim);
      // The envelope's body is a view of the collected bytes: when its kept part lies within the kept preview,
      // it stays a view (of the copy) instead of a second copy.
      const body = cpim.body;
      const kept = Math.min(body.length, PREVIEW_KEEP);
      const at = old !== undefined && body.buffer === old.buffer ? body.byteOffset - old.byteOffset : -1;
      const copy = this.preview;
      if (copy !== undefined && at >= 0 && at + kept <= copy.length) cpim.body = copy.subarray(at, at + kept);
      else cpim.body = arena.copy(body, PREVIEW_KEEP);
    }
  }

  /**
   * The text preview of a CPIM message reads only the encapsulated body, and of the envelope's own bytes only
   * how many were collected (whether the preview covers the message): the envelope's bytes become a view of
   * zeros of their length, and the body keeps the bytes its text preview reads (none when it is not text).
   */
  private trimCpimText(arena: ByteArena, cpim: CpimEnvelope, preview: Buffer): void {
    noteCpimTruncated(cpim);
    const n = Math.min(preview.length, PREVIEW_KEEP);
    this.preview = ZEROS.subarray(0, n);
    const body = cpim.body.subarray(0, PREVIEW_KEEP);
    const keep = textPreviewLength(cpim.contentType, body);
    cpim.body = keep === null ? EMPTY_PREVIEW : arena.copy(body, keep);
  }

  /**
   * Drops the preview and the CPIM body view into it (no output shows a text preview), and the envelope's
   * lists (headers, To, Cc, Subject, NS): only the JSON records show them, and those outputs keep previews.
   * The single values (From, DateTime, imdn.*, Content-Type) stay.
   */
  dropPreview(): void {
    this.preview = undefined;
    const cpim = this.cpim;
    if (cpim !== undefined) {
      noteCpimTruncated(cpim);
      cpim.body = EMPTY_PREVIEW;
      cpim.headers = NO_LIST;
      cpim.contentHeaders = NO_LIST;
      cpim.to = NO_LIST;
      cpim.cc = NO_LIST;
      cpim.subject = NO_LIST;
      cpim.ns = NO_LIST;
    }
  }

  /**
   * Drops what only the message's own record reads, once it is folded into counts (message-fold.ts): a
   * transaction a connection still remembers (a recent REPORT or answered chunk) keeps the message, and its
   * index, Message-ID and session are all it reads then.
   */
  hollow(): void {
    this.legs = [];
    this.reports = NO_REPORTS;
    this.successRanges = undefined;
    this.preview = undefined;
    this.cpim = undefined;
    this.notification = undefined;
    this.notifications = NO_MESSAGES;
    this.acknowledges = undefined;
    this.extra = undefined;
  }

  addReport(note: ReportNote): void {
    this.reportCount++;
    if (this.reports.length === 0) this.reports = [note];
    else if (this.reports.length < MAX_REPORTS) (this.reports as ReportNote[]).push(note);
    const code = note.status?.code;
    if (code === undefined) return;
    if (code === 200) {
      const r = note.byteRange;
      if (r !== undefined && r.end !== null && r.end >= r.start) {
        this.successRanges ??= new RangeSet(1024);
        this.successRanges.add(r.start, r.end);
      }
      else this.successUnranged = true;
      if (this.lastSuccess === undefined || !isLater(note.frame, this.lastSuccess)) this.lastSuccess = note.frame;
    } else if (this.failureByReport === undefined) {
      this.failureByReport = { code, at: note.frame };
    }
  }

  /** Records an IMDN notification about this message (bounded). */
  addNotification(n: MessageRecord): void {
    if (this.notifications.length === 0) this.notifications = [n];
    else if (this.notifications.length < 64) (this.notifications as MessageRecord[]).push(n);
  }

  /** Milliseconds from the first chunk to `t`. */
  since(t: FrameRef): number {
    return msBetween(this.first, t);
  }
}

/** Salts of the folded messages' key hashes: a session's index, no session, any session. */
const ANY_SESSION = -2;
function sessionSalt(session: SessionRecord | undefined): number {
  return session === undefined ? -1 : session.index;
}

/**
 * Messages by session and Message-ID, plus the latest message per Message-ID (for REPORT fallback).
 * `list` holds the confirmed ones (some chunk ended with an end-line), in order of confirmation, except those
 * folded into counts (message-fold.ts): then `total` counts them all and `folded` what they added.
 */
export class MessageTable {
  private readonly items: MessageRecord[] = [];
  private all = 0;
  private confirmed = 0;
  /** Folded messages still in `list` (removed in one pass once they are an eighth of it, or 1024). */
  private foldedInList = 0;
  /**
   * The latest message per Message-ID: also the per-session lookup while Message-IDs are unique across
   * sessions (the usual case: one map entry per message, no map per session).
   */
  private readonly byId = new Map<string, MessageRecord>();
  /** Messages displaced from `byId` by one with the same Message-ID in another session, by key(). */
  private shadowed: Map<string, MessageRecord> | undefined;
  /**
   * Counts of the folded messages, and hashes of their keys: the session's index with the Message-ID (a chunk of
   * the same id in another session is another message), and the Message-ID alone (a REPORT may come through
   * another session, as the REPORT fallback below finds it).
   */
  folded: FoldedMessages | undefined;
  private foldedKeys: HashSet53 | undefined;

  static key(session: SessionRecord | undefined, messageId: string): string {
    return `${session === undefined ? '-' : session.index}\u0000${messageId}`;
  }

  get(session: SessionRecord | undefined, messageId: string): MessageRecord | undefined {
    const m = this.byId.get(messageId);
    if (m !== undefined && m.session === session) return m;
    return this.shadowed?.get(MessageTable.key(session, messageId));
  }

  /** Latest message with this Message-ID in any session. */
  anyWithId(messageId: string): MessageRecord | undefined {
    return this.byId.get(messageId);
  }

  add(m: MessageRecord): void {
    const prev = this.byId.get(m.messageId);
    if (prev !== undefined && prev.session !== m.session) {
      this.shadowed ??= new Map();
      this.shadowed.set(MessageTable.key(prev.session, m.messageId), prev);
    }
    // The new message is this session's own for the id now: an older one shadowed here is replaced.
    if (this.shadowed !== undefined) this.shadowed.delete(MessageTable.key(m.session, m.messageId));
    this.byId.set(m.messageId, m);
    this.all++;
  }

  /** The confirmed messages held as records, in index order. */
  get list(): readonly MessageRecord[] {
    if (this.foldedInList > 0) this.dropFolded();
    return this.items;
  }

  /** Lists the message (gives it its index); true the first time. */
  confirm(m: MessageRecord): boolean {
    if (m.index >= 0) return false;
    m.index = this.confirmed++;
    this.items.push(m);
    return true;
  }

  /** Confirmed messages, folded ones included (the indexes given so far). */
  get total(): number {
    return this.confirmed;
  }

  /** Confirmed messages held as records. */
  get held(): number {
    return this.confirmed - (this.folded?.count ?? 0);
  }

  /** Messages seen only in truncated frames. */
  get unconfirmed(): number {
    return this.all - this.confirmed;
  }

  /**
   * Replaces a confirmed message by what it adds to the counts: it is no longer found by its key or listed,
   * and wasFolded() knows its key.
   */
  fold(m: MessageRecord): void {
    if (m.index < 0 || m.folded) return;
    m.folded = true;
    (this.folded ??= new FoldedMessages()).add(m.session?.index, m.state(), deliveryState(m), m.bytesSeen());
    m.hollow();
    const keys = (this.foldedKeys ??= new HashSet53());
    keys.add(keyHash(m.messageId, sessionSalt(m.session)));
    keys.add(keyHash(m.messageId, ANY_SESSION));
    if (this.byId.get(m.messageId) === m) this.byId.delete(m.messageId);
    const key = MessageTable.key(m.session, m.messageId);
    if (this.shadowed?.get(key) === m) this.shadowed.delete(key);
    if (++this.foldedInList >= Math.max(1024, this.items.length >>> 3)) this.dropFolded();
  }

  private dropFolded(): void {
    keepInPlace(this.items, (m) => !m.folded);
    this.foldedInList = 0;
  }

  /** Whether a message with this Message-ID was folded: in this session, or (null) in any. */
  wasFolded(session: SessionRecord | undefined | null, messageId: string): boolean {
    const keys = this.foldedKeys;
    if (keys === undefined) return false;
    return keys.has(keyHash(messageId, session === null ? ANY_SESSION : sessionSalt(session)));
  }
}
