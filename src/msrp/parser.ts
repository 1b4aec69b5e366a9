import type { FrameRef } from '../capture/types.js';
import { BodyAccumulator } from './body.js';
import { LF, LF_BUF, MSRP_SP, contentEnd, isPrefixOf, printable, sameBytes } from './bytes.js';
import { msrpDiagnostic } from './codes.js';
import { checkConformance } from './diagnostics.js';
import { UNDECIDED, endLineFlag, endPattern, flagOf, matchEndLine } from './end-line.js';
import { parseHeaderLine } from './header-line.js';
import { FrameHead } from './frame-head.js';
import {
  CUT_HEAD_BYTES,
  DEFAULT_MAX_HEADER_BLOCK,
  DEFAULT_MAX_HEADER_LINE,
  DEFAULT_MAX_START_LINE,
  DEFAULT_PREVIEW_BYTES,
  TXID_MAX,
} from './limits.js';
import { parseStartLine, type StartLine } from './start-line.js';
import type { CutReason, EndFlag, MsrpFrame, MsrpParserOptions, MsrpParserSink } from './types.js';

export type { MsrpParserOptions, MsrpParserSink } from './types.js';

/** Parser states. SCAN doubles as "expecting a start-line" (then nothing is skipped if one is there). */
const S_SCAN = 0;
/** Collecting a line at a line start that begins (so far) with `MSRP `. */
const S_CAND = 1;
const S_HEAD = 2;
const S_BODY = 3;
const S_DONE = 4;

const NO_REF: FrameRef = { frame: 0, tsSec: 0, tsNsec: 0 };

/** Result codes of takeLine. */
const LINE_PARTIAL = -1;
const LINE_TOO_LONG = -2;

/**
 * Resynchronising, incremental MSRP framer for one direction of one stream (RFC 4975 section 7/8).
 *
 * push() accepts any split of the stream and produces identical frames and diagnostics. Bodies are
 * never kept: they are handed up as views (sink.body) and summarised (length, preview, sha256). The
 * end-line is found with Buffer.indexOf of `\n-------txid`; an undecided tail of at most
 * `txid.length + 10` bytes is carried between pushes. Outside a message the parser scans for the next
 * plausible start-line and counts every byte it passes over (bytesSkipped).
 */
export class MsrpParser {
  private readonly connection: number;
  /** Written before every diagnostic detail: which direction of the connection. */
  private readonly dirText: string;
  private readonly previewBytes: number;
  private readonly maxStartLine: number;
  private readonly maxHeaderLine: number;
  private readonly maxHeaderBlock: number;
  private readonly conformance: boolean;

  private state = S_SCAN;
  /** Stream offset of bytes[0] of the current push (gap bytes counted). */
  private base = 0;
  private cur: FrameRef = NO_REF;
  private skipped = 0;

  // SCAN
  private atLineStart = true;
  /** A start-line is due right here (previous message just ended, or a stream known to start in sync). */
  private expectStart: boolean;
  private skipRun = 0;
  private skipRunGap = false;

  // CAND / HEAD: line accumulator (pieces are copies; bounded by the line limits)
  private parts: Buffer[] = [];
  private lineLen = 0;
  private lineRef: FrameRef = NO_REF;
  private lb: Buffer = LF_BUF;
  private ls = 0;
  private le = 0;
  private candOffset = 0;
  private candRef: FrameRef = NO_REF;
  private candExpected = false;

  // Current message
  private m: MsrpFrame | undefined;
  private txid = '';
  private endPat: Buffer = LF_BUF;
  /** endPat without its LF: searched first, its leading `-` being rare in bodies (indexOf stays on its fast path). */
  private endDashes: Buffer = LF_BUF;
  /** `\n-------` followed by room for the longest transaction id; endPat is a view of it. */
  private readonly patBuf: Buffer = endPattern('x'.repeat(TXID_MAX));
  /**
   * [endPat, endDashes] views of patBuf for the last transaction id length. One pair, remade when the length
   * changes (an endpoint's ids usually keep theirs): a pair per length seen kept 26 Buffer objects per
   * direction on traffic of mixed lengths, 2.4 MB on 1,000 directions.
   */
  private patViews: [Buffer, Buffer] | undefined;
  private headerBytes = 0;
  private lfLines = 0;
  private crlfLines = 0;
  private lastRef: FrameRef = NO_REF;
  /** lf-only-line-endings is reported once per direction (each frame carries lfOnly). */
  private lfReported = false;
  private lineEndRef: FrameRef = NO_REF;
  /** The current message's start-line and header block as received (bounded), for a frame that gets cut. */
  private readonly head = new FrameHead(CUT_HEAD_BYTES);

  // BODY
  private readonly body: BodyAccumulator;
  private carry: Buffer | undefined;
  /** Leading bytes of carry that are not body (the blank line's LF, 0 or 1). */
  private carryNonBody = 0;
  private carryRef: FrameRef = NO_REF;

  constructor(
    private readonly sink: MsrpParserSink,
    opts: MsrpParserOptions,
  ) {
    this.connection = opts.connection;
    this.dirText = opts.dir === 0 ? 'client->server: ' : 'server->client: ';
    this.previewBytes = Math.max(0, opts.previewBytes ?? DEFAULT_PREVIEW_BYTES);
    this.maxStartLine = Math.max(16, opts.maxStartLine ?? DEFAULT_MAX_START_LINE);
    this.maxHeaderLine = Math.max(16, opts.maxHeaderLine ?? DEFAULT_MAX_HEADER_LINE);
    this.maxHeaderBlock = Math.max(16, opts.maxHeaderBlock ?? DEFAULT_MAX_HEADER_BLOCK);
    this.conformance = opts.conformance ?? true;
    this.expectStart = opts.startInSync ?? false;
    const onBody = sink.body ? (s: Buffer, f: FrameRef) => sink.body!(s, f) : undefined;
    this.body = new BodyAccumulator(this.previewBytes, opts.hashBodies ?? false, onBody);
  }

  /** Stream bytes passed over while looking for a start-line (garbage, mid-message start, after gaps). */
  get bytesSkipped(): number {
    return this.skipped;
  }

  /** Stream offset one past the last byte pushed (gap bytes counted). */
  get offset(): number {
    return this.base;
  }

  push(bytes: Buffer, from: FrameRef): void {
    if (this.state === S_DONE) return;
    this.cur = from;
    const n = bytes.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case S_SCAN:
          i = this.scan(bytes, i);
          break;
        case S_CAND:
          i = this.candidate(bytes, i);
          break;
        case S_HEAD:
          i = this.headers(bytes, i);
          break;
        case S_BODY:
          i = this.bodyBytes(bytes, i);
          break;
        default:
          i = n;
      }
    }
    this.base += n;
    // A completed line may have been a view of `bytes`: never pin the caller's (capture-sized) buffer.
    this.lb = LF_BUF;
    // The head of a message still in progress is copied now (its lines may be views of `bytes`).
    if (this.m !== undefined) this.head.flush();
    else this.head.reset();
  }

  /** `length` bytes will never arrive; the stream continues after them. */
  gap(length: number, at: FrameRef): void {
    if (this.state === S_DONE) return;
    this.cur = at;
    this.interrupt('truncated-by-gap');
    this.base += Number.isFinite(length) && length > 0 ? length : 0;
    this.state = S_SCAN;
    this.atLineStart = true;
    this.expectStart = false;
    if (this.skipRun > 0 || length > 0) this.skipRunGap = true;
  }

  end(): void {
    if (this.state === S_DONE) return;
    this.interrupt('truncated-at-end');
    if (this.skipRun > 0) {
      this.diag('resync', this.cur.frame, this.base,
        `skipped ${this.skipRun} bytes up to the end of the stream without finding a start-line`);
      this.skipRun = 0;
    }
    this.state = S_DONE;
    this.head.release();
  }

  // ---------------------------------------------------------------------------------------------
  // SCAN: look for `MSRP ` at a line start.

  private scan(bytes: Buffer, i: number): number {
    const n = bytes.length;
    if (this.atLineStart) {
      this.beginCandidate(i);
      return i;
    }
    let s = i;
    for (;;) {
      const p = bytes.indexOf(MSRP_SP, s);
      if (p === -1) break;
      if (p > i && bytes[p - 1] === LF) {
        this.skip(p - i);
        this.beginCandidate(p);
        return p;
      }
      s = p + 1;
    }
    // A partial `MSRP ` at a line start among the last four bytes is carried as a candidate.
    for (let q = Math.max(i + 1, n - 4); q < n; q++) {
      if (bytes[q - 1] === LF && isPrefixOf(bytes, q, n, MSRP_SP)) {
        this.skip(q - i);
        this.beginCandidate(q);
        return q;
      }
    }
    this.skip(n - i);
    this.atLineStart = bytes[n - 1] === LF;
    return n;
  }

  private skip(count: number): void {
    if (count <= 0) return;
    this.skipped += count;
    this.skipRun += count;
    this.expectStart = false;
  }

  private beginCandidate(p: number): void {
    this.state = S_CAND;
    this.atLineStart = false;
    this.clearParts();
    this.lineLen = 0;
    this.candOffset = this.base + p;
    this.candRef = this.cur;
    this.candExpected = this.expectStart && this.skipRun === 0;
  }

  /** The candidate line is not a start-line: its collected bytes are skipped, scanning goes on. */
  private dropCandidate(atLineStart: boolean): void {
    this.skip(this.lineLen);
    this.clearParts();
    this.lineLen = 0;
    this.expectStart = false;
    this.state = S_SCAN;
    this.atLineStart = atLineStart;
  }

  // ---------------------------------------------------------------------------------------------
  // CAND: a line at a line start, checked against the start-line grammar once complete.

  private candidate(bytes: Buffer, i: number): number {
    const n = bytes.length;
    if (this.lineLen < 5) {
      const m = Math.min(5 - this.lineLen, n - i);
      if (!sameBytes(bytes, i, MSRP_SP, this.lineLen, m)) {
        this.dropCandidate(false);
        return i;
      }
    }
    const r = this.takeLine(bytes, i, this.maxStartLine);
    if (r === LINE_PARTIAL) return n;
    if (r === LINE_TOO_LONG) {
      if (this.candExpected) {
        this.diag('start-line-too-long', this.candRef.frame, this.candOffset,
          `no line end within ${this.maxStartLine} bytes of the start-line`);
      }
      this.dropCandidate(false);
      return i;
    }
    const lineTotal = this.le - this.ls + 1;
    const ce = contentEnd(this.lb, this.ls, this.le);
    const sl = parseStartLine(this.lb, this.ls, ce);
    if (typeof sl === 'string') {
      if (this.candExpected) {
        this.diag(sl, this.candRef.frame, this.candOffset, `not a start-line: "${printable(this.lb.toString('latin1', this.ls, ce))}"`);
      }
      this.lineLen = lineTotal;
      this.dropCandidate(true);
      return r;
    }
    this.regainSync();
    this.beginMessage(sl, this.candOffset, this.candRef, ce === this.le);
    return r;
  }

  private regainSync(): void {
    this.sink.sync?.(this.candOffset, this.candRef);
    if (this.skipRun > 0) {
      const why = this.skipRunGap ? ' (after a gap)' : '';
      this.diag('resync', this.candRef.frame, this.candOffset,
        `skipped ${this.skipRun} bytes${why}; start-line found at stream offset ${this.candOffset}`);
    }
    this.skipRun = 0;
    this.skipRunGap = false;
  }

  /**
   * Completes the current line from bytes[i..]. On success the whole line (terminator included) is
   * lb[ls..le] (le = index of its LF) and the index after the LF is returned. LINE_PARTIAL: all bytes
   * were stored (as a copy). LINE_TOO_LONG: the line would exceed `limit` bytes; nothing was consumed
   * and the pieces so far are still counted in lineLen.
   */
  private takeLine(bytes: Buffer, i: number, limit: number): number {
    const n = bytes.length;
    if (this.lineLen === 0) this.lineRef = this.cur;
    const lf = bytes.indexOf(LF, i);
    if (lf === -1) {
      const total = this.lineLen + (n - i);
      if (total >= limit) return LINE_TOO_LONG;
      this.parts.push(Buffer.from(bytes.subarray(i, n)));
      this.lineLen = total;
      return LINE_PARTIAL;
    }
    const total = this.lineLen + (lf + 1 - i);
    if (total > limit) return LINE_TOO_LONG;
    if (this.lineLen === 0) {
      this.lb = bytes;
      this.ls = i;
      this.le = lf;
    } else {
      this.parts.push(bytes.subarray(i, lf + 1));
      this.lb = Buffer.concat(this.parts, total);
      this.ls = 0;
      this.le = total - 1;
      this.clearParts();
    }
    this.lineLen = 0;
    return lf + 1;
  }

  // ---------------------------------------------------------------------------------------------
  // HEAD: header lines until a blank line (body follows) or the end-line (no body).

  private beginMessage(sl: StartLine, startOffset: number, firstRef: FrameRef, lfOnlyLine: boolean): void {
    this.state = S_HEAD;
    this.txid = sl.transactionId;
    // The id is ASCII (start-line grammar): written byte by byte, as latin1 would, without a call per message.
    const tx = sl.transactionId;
    const pat = this.patBuf;
    for (let k = 0; k < tx.length; k++) pat[8 + k] = tx.charCodeAt(k) & 0xff;
    // Views of patBuf depend only on the id's length.
    let views = this.patViews;
    if (views === undefined || views[0].length !== 8 + tx.length) {
      views = [pat.subarray(0, 8 + tx.length), pat.subarray(1, 8 + tx.length)];
      this.patViews = views;
    }
    this.endPat = views[0];
    this.endDashes = views[1];
    this.headerBytes = 0;
    this.lfLines = lfOnlyLine ? 1 : 0;
    this.crlfLines = lfOnlyLine ? 0 : 1;
    this.lastRef = this.cur;
    this.lineEndRef = this.cur;
    this.clearParts();
    this.lineLen = 0;
    // lb[ls..le] is the start-line (both callers).
    this.head.reset();
    this.head.view(this.lb, this.ls, this.le + 1);
    this.m = {
      kind: sl.kind,
      transactionId: sl.transactionId,
      method: sl.method,
      status: sl.status,
      comment: sl.comment,
      headers: [],
      bodyLength: 0,
      hasBody: false,
      bodyPreview: EMPTY,
      bodySha256: undefined,
      flag: undefined,
      truncated: false,
      startOffset,
      endOffset: startOffset,
      firstFrame: firstRef,
      lastFrame: firstRef,
      lfOnly: lfOnlyLine,
      cut: undefined,
    };
  }

  private headers(bytes: Buffer, i: number): number {
    const m = this.m!;
    this.lastRef = this.cur;
    const room = this.maxHeaderBlock - this.headerBytes;
    const limit = Math.min(this.maxHeaderLine, room);
    const r = this.takeLine(bytes, i, limit);
    if (r === LINE_PARTIAL) return bytes.length;
    if (r === LINE_TOO_LONG) {
      const code = room < this.maxHeaderLine ? 'headers-too-long' : 'header-line-too-long';
      const limitText = room < this.maxHeaderLine ? `header block over ${this.maxHeaderBlock}` : `header line over ${this.maxHeaderLine}`;
      this.diag(code, m.firstFrame.frame, m.startOffset, `${limitText} bytes; message abandoned`);
      // Everything of the abandoned message so far is passed over; scanning resumes mid-line.
      this.skip(this.base + i - m.startOffset);
      this.clearParts();
      this.lineLen = 0;
      this.m = undefined;
      this.state = S_SCAN;
      this.atLineStart = false;
      return i;
    }
    const lb = this.lb;
    const ls = this.ls;
    const le = this.le;
    const lineTotal = le - ls + 1;
    const lineOffset = this.base + r - lineTotal;
    const ce = contentEnd(lb, ls, le);
    const c0 = lb[ls];
    if (c0 === 0x4d && ce - ls > 5 && sameBytes(lb, ls, MSRP_SP, 0, 5)) {
      const sl = parseStartLine(lb, ls, ce);
      if (typeof sl !== 'string') {
        // A start-line inside the header block: the message had no end-line.
        this.diag('missing-end-line', m.firstFrame.frame, m.startOffset,
          `transaction ${printable(this.txid)} has no end-line before the next start-line`);
        this.lastRef = this.lineEndRef;
        this.emitTruncated(lineOffset, undefined);
        this.beginMessage(sl, lineOffset, this.lineRef, ce === le);
        return r;
      }
    }
    this.headerBytes += lineTotal;
    this.head.view(lb, ls, le + 1);
    if (ce === le) this.lfLines++;
    else this.crlfLines++;
    this.lineEndRef = this.cur;

    if (ce === ls) {
      // Blank line: a body follows. Its LF stays a candidate for `\n-------txid` (empty body).
      m.hasBody = true;
      this.sink.head?.(m);
      this.state = S_BODY;
      this.body.reset();
      this.carry = LF_BUF;
      this.carryNonBody = 1;
      this.carryRef = this.cur;
      return r;
    }
    if (c0 === 0x2d) {
      const f = endLineFlag(lb, ls, ce, this.txid);
      if (f >= 0) {
        this.sink.head?.(m);
        this.finish(flagOf(f), this.base + r);
        return r;
      }
    }
    const h = parseHeaderLine(lb, ls, ce);
    if (h) {
      m.headers.push(h);
    } else {
      this.diag('malformed-header-line', m.firstFrame.frame, lineOffset,
        `ignored header line "${printable(lb.toString('latin1', ls, ce))}"`);
    }
    return r;
  }

  // ---------------------------------------------------------------------------------------------
  // BODY: search `\n-------txid` + flag + line end; release everything before it as body.

  private bodyBytes(bytes: Buffer, i: number): number {
    const n = bytes.length;
    const P = this.endPat;
    const L = P.length;
    this.lastRef = this.cur;
    let carry = this.carry;
    if (carry !== undefined && this.carryNonBody === 1 && carry.length === 1) {
      // Only the blank line's LF is pending: test for an end-line right here without copying.
      const r = matchEndLine(bytes, i, P, 1);
      if (r > UNDECIDED) {
        this.carry = undefined;
        this.endBody(bytes[i + L - 1]!, r - L, i + r);
        return i + r;
      }
      if (r !== UNDECIDED) {
        this.carry = carry = undefined;
        this.carryNonBody = 0;
      }
    }
    if (carry !== undefined) {
      // Undecided bytes from the previous push (at most L + 2): decide them with a few new bytes.
      const head = bytes.subarray(i, Math.min(n, i + L + 3));
      const j = Buffer.concat([carry, head]);
      let k = j.indexOf(LF, 0);
      while (k !== -1 && k < carry.length) {
        const r = matchEndLine(j, k, P);
        if (r > UNDECIDED) {
          if (k > this.carryNonBody) this.body.release(j, this.carryNonBody, k, this.carryRef);
          this.carry = undefined;
          const after = i + Math.max(0, k + r - carry.length);
          this.endBody(j[k + L]!, r - L - 1, after);
          return after;
        }
        if (r === UNDECIDED) {
          // Only when this push ends before the answer: keep everything from k.
          if (k > this.carryNonBody) this.body.release(j, this.carryNonBody, k, this.carryRef);
          if (k > 0) {
            this.carryNonBody = 0;
            this.carryRef = this.cur;
          }
          this.carry = Buffer.from(j.subarray(k));
          return n;
        }
        k = j.indexOf(LF, k + 1);
      }
      if (carry.length > this.carryNonBody) this.body.release(carry, this.carryNonBody, carry.length, this.carryRef);
      this.carry = undefined;
      this.carryNonBody = 0;
    }
    // The first P at or after i: `-------txid` at d > i with an LF at d - 1.
    const D = this.endDashes;
    let s = i + 1;
    for (;;) {
      const d = bytes.indexOf(D, s);
      if (d === -1) break;
      s = d + 1;
      const k = d - 1;
      if (bytes[k] !== LF) continue;
      const r = matchEndLine(bytes, k, P);
      if (r > UNDECIDED) {
        this.body.release(bytes, i, k, this.cur);
        this.endBody(bytes[k + L]!, r - L - 1, k + r);
        return k + r;
      }
      if (r === UNDECIDED) {
        this.body.release(bytes, i, k, this.cur);
        this.keepCarry(bytes, k);
        return n;
      }
    }
    // No end-line: all is body except a tail that may begin one (an LF and a prefix of the pattern).
    let q = bytes.indexOf(LF, Math.max(i, n - L + 1));
    while (q !== -1 && !isPrefixOf(bytes, q, n, P)) q = bytes.indexOf(LF, q + 1);
    if (q === -1) {
      this.body.release(bytes, i, n, this.cur);
    } else {
      this.body.release(bytes, i, q, this.cur);
      this.keepCarry(bytes, q);
    }
    return n;
  }

  private keepCarry(bytes: Buffer, k: number): void {
    this.carry = Buffer.from(bytes.subarray(k));
    this.carryNonBody = 0;
    this.carryRef = this.cur;
  }

  /** The end-line was found: its flag byte, its line-end length (1 = LF only), the push index after it. */
  private endBody(flag: number, eolLength: number, after: number): void {
    this.body.dropHeldCR();
    if (eolLength === 1) this.lfLines++;
    else this.crlfLines++;
    this.finish(flagOf(flag), this.base + after);
  }

  // ---------------------------------------------------------------------------------------------
  // Emitting

  private finish(flag: EndFlag, endOffset: number): void {
    const m = this.m!;
    m.flag = flag;
    m.truncated = false;
    this.lastRef = this.cur;
    this.complete(m, endOffset);
    this.state = S_SCAN;
    this.atLineStart = true;
    this.expectStart = true;
    this.skipRun = 0;
    this.skipRunGap = false;
  }

  private complete(m: MsrpFrame, endOffset: number): void {
    if (m.hasBody) {
      m.bodyLength = this.body.length;
      m.bodyPreview = this.body.previewCopy();
      m.bodySha256 = this.body.digest();
    }
    m.endOffset = endOffset;
    m.lastFrame = this.lastRef;
    m.lfOnly = this.lfLines > 0 && this.crlfLines === 0;
    this.m = undefined;
    this.sink.message(m);
    if (this.lfLines > 0 && !this.lfReported) {
      this.lfReported = true;
      this.diag('lf-only-line-endings', m.firstFrame.frame, m.startOffset,
        `${this.lfLines} of ${this.lfLines + this.crlfLines} lines end in LF without CR (reported once per direction)`);
    }
    if (this.conformance) {
      for (const d of checkConformance(m, undefined, this.connection)) {
        d.detail = this.dirText + d.detail;
        this.sink.diagnostic(d);
      }
    }
  }

  /** Emits the current message as truncated, its last byte just before stream offset `endOffset`. */
  private emitTruncated(endOffset: number, code: 'truncated-by-gap' | 'truncated-at-end' | undefined): void {
    const m = this.m!;
    const inBody = this.state === S_BODY;
    // A header line in progress: its bytes so far are part of what was received.
    if (!inBody) for (const p of this.parts) this.head.add(p, 0, p.length);
    const reason: CutReason = code === 'truncated-by-gap' ? 'gap' : code === 'truncated-at-end' ? 'end' : 'next-start-line';
    if (inBody) {
      const carry = this.carry;
      if (carry !== undefined && carry.length > this.carryNonBody) {
        this.body.release(carry, this.carryNonBody, carry.length, this.carryRef);
      }
      this.carry = undefined;
      this.body.flushHeldCR();
    }
    this.clearParts();
    this.lineLen = 0;
    m.flag = undefined;
    m.truncated = true;
    m.cut = {
      reason,
      in: inBody ? 'body' : 'headers',
      length: endOffset - m.startOffset,
      bodyLength: inBody ? this.body.length : 0,
      head: this.head.copy(),
    };
    if (code) {
      const where = this.state === S_BODY ? `body (${this.body.length} bytes so far)` : 'header block';
      this.diag(code, m.firstFrame.frame, m.startOffset,
        `${m.kind === 'request' ? m.method : m.status} ${printable(m.transactionId)} cut in its ${where}`);
    }
    this.complete(m, endOffset);
  }

  /** A gap or the stream end: finish whatever was in progress. */
  private interrupt(code: 'truncated-by-gap' | 'truncated-at-end'): void {
    if (this.state === S_CAND) {
      this.dropCandidate(false);
    } else if (this.state === S_HEAD || this.state === S_BODY) {
      this.emitTruncated(this.base, code);
    }
    this.state = S_SCAN;
  }

  private clearParts(): void {
    if (this.parts.length !== 0) this.parts = [];
  }

  private diag(code: string, frame: number, offset: number, detail: string): void {
    this.sink.diagnostic(msrpDiagnostic(code, this.connection, frame, offset, this.dirText + detail));
  }
}

const EMPTY: Buffer = Buffer.alloc(0);
