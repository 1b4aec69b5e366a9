/**
 * SIP over a TCP byte stream (one direction of one connection): Content-Length framing, several messages
 * per push, one message over many pushes, resynchronisation at the next plausible start-line after
 * garbage or a gap. The result does not depend on how the bytes are split across push() calls.
 *
 * States: START (waiting for a start-line; empty keep-alive lines are ignored, other lines are garbage)
 * → HEADERS (line by line until the empty line) → BODY (Content-Length bytes) or SKIP (body over the
 * size limit, or after a gap inside the body) → START.
 */
import type { FrameRef } from '../capture/types.js';
import type { Endpoint } from '../tcp/types.js';
import type { DiagnosticSink } from '../util/diagnostics.js';
import { headerValue } from './headers.js';
import { HeaderCollector, MAX_START_LINE, parseStartLine, type SipStartLine } from './head.js';
import { buildSipMessage, parseContentLength, type SipMessage } from './message.js';
import { reportMalformed, sipSeverity } from './report.js';
import { safeText } from './text.js';
import { copyBytes as copyBuffer, joinPieces as joinBuffers } from '../util/bytes.js';

export type SipMessageSink = (msg: SipMessage) => void;

export interface SipStreamOptions {
  /** TCP connection index for messages and diagnostics (default -1). */
  connection?: number;
  /** Sender and receiver of this direction. */
  src?: Endpoint;
  dst?: Endpoint;
  onDiagnostic?: DiagnosticSink;
  /** Limit on start-line + headers in bytes (default 64 KiB). */
  maxHeaderBytes?: number;
  /** Limit on a body kept in memory (default 1 MiB); larger bodies are skipped. */
  maxBodyBytes?: number;
}

export interface SipStreamStats {
  messages: number;
  /** Stream bytes passed over that were not part of a delivered message (keep-alive CRLFs excluded). */
  bytesSkipped: number;
  /** Bytes announced missing by gap(). */
  gapBytes: number;
}

const enum Mode {
  Start,
  Headers,
  Body,
  Skip,
}

const ZERO_FRAME: FrameRef = { frame: 0, tsSec: 0, tsNsec: 0 };
const NO_ENDPOINT: Endpoint = { address: '', port: 0 };

export class SipStreamParser {
  readonly stats: SipStreamStats = { messages: 0, bytesSkipped: 0, gapBytes: 0 };

  private readonly sink: SipMessageSink;
  private readonly connection: number;
  private readonly src: Endpoint;
  private readonly dst: Endpoint;
  private readonly onDiagnostic: DiagnosticSink | undefined;
  private readonly maxHeader: number;
  private readonly maxBody: number;

  private mode: Mode = Mode.Start;
  private ended = false;
  /** Stream offset of the next byte (gap bytes counted as if present). */
  private offset = 0;

  // The line being assembled (START and HEADERS).
  private lineParts: Buffer[] = [];
  private lineLen = 0;
  /** The line exceeded its limit: its bytes are counted, not kept. */
  private lineOverflow = false;
  private lineOffset = 0;
  private lineFrame: FrameRef = ZERO_FRAME;

  // A run of garbage in START.
  private garbageBytes = 0;
  private garbageOffset = 0;
  private garbageFrame: FrameRef = ZERO_FRAME;

  // The message being assembled.
  private start: SipStartLine | undefined;
  private collector = new HeaderCollector();
  private headBytes = 0;
  private lfOnly = false;
  private msgOffset = 0;
  private msgFirst: FrameRef = ZERO_FRAME;
  private msgLast: FrameRef = ZERO_FRAME;
  private body: Buffer = Buffer.alloc(0);
  /** Bytes stored in `body` (BODY), or kept before a gap / skip began. */
  private bodyKept = 0;
  private bodyRemaining = 0;
  private bodyTruncated = false;

  constructor(sink: SipMessageSink, opts: SipStreamOptions = {}) {
    this.sink = sink;
    this.connection = opts.connection ?? -1;
    this.src = opts.src ?? NO_ENDPOINT;
    this.dst = opts.dst ?? NO_ENDPOINT;
    this.onDiagnostic = opts.onDiagnostic;
    this.maxHeader = Math.max(256, opts.maxHeaderBytes ?? 64 * 1024);
    this.maxBody = Math.max(0, opts.maxBodyBytes ?? 1024 * 1024);
  }

  /** Feeds in-order stream bytes carried by frame `from` (a view; copied where kept). */
  push(bytes: Buffer, from: FrameRef): void {
    if (this.ended) return;
    let pos = 0;
    const len = bytes.length;
    while (pos < len) {
      if (this.mode === Mode.Body || this.mode === Mode.Skip) {
        const n = Math.min(this.bodyRemaining, len - pos);
        if (this.mode === Mode.Body) {
          this.body.set(bytes.subarray(pos, pos + n), this.bodyKept);
          this.bodyKept += n;
        }
        this.bodyRemaining -= n;
        pos += n;
        this.offset += n;
        this.msgLast = from;
        if (this.bodyRemaining === 0) this.finishMessage();
        continue;
      }
      const nl = bytes.indexOf(0x0a, pos);
      const end = nl < 0 ? len : nl + 1;
      this.appendLine(bytes, pos, end, from);
      pos = end;
      if (nl >= 0) this.completeLine();
    }
  }

  /** `length` bytes of the stream are missing here; parsing continues after them. */
  gap(length: number, at?: FrameRef): void {
    if (this.ended || !(length > 0)) return;
    const frame = at ?? this.msgLast;
    this.stats.gapBytes += length;
    switch (this.mode) {
      case Mode.Start:
        if (this.lineLen > 0) this.addGarbage(this.lineLen, this.lineOffset, this.lineFrame);
        this.flushGarbage();
        this.resetLine();
        this.offset += length;
        return;
      case Mode.Headers:
        this.report('sip-gap', `${length} bytes missing inside SIP headers; message dropped`, frame.frame, this.msgOffset);
        this.stats.bytesSkipped += this.headBytes + this.lineLen;
        this.resetMessage();
        this.resetLine();
        this.mode = Mode.Start;
        this.offset += length;
        return;
      case Mode.Body:
      case Mode.Skip: {
        this.report('sip-gap', `${length} bytes missing inside a SIP body`, frame.frame, this.msgOffset);
        this.bodyTruncated = true;
        const inBody = Math.min(length, this.bodyRemaining);
        this.bodyRemaining -= inBody;
        this.offset += length;
        this.mode = Mode.Skip;
        if (this.bodyRemaining === 0) this.finishMessage();
        return;
      }
    }
  }

  /** The stream ended: a message in progress is delivered truncated (body) or reported (headers). */
  end(): void {
    if (this.ended) return;
    switch (this.mode) {
      case Mode.Start:
        if (this.lineLen > 0) this.addGarbage(this.lineLen, this.lineOffset, this.lineFrame);
        this.flushGarbage();
        break;
      case Mode.Headers:
        this.report('sip-truncated', 'stream ended inside SIP headers; message dropped', this.msgFirst.frame, this.msgOffset);
        this.stats.bytesSkipped += this.headBytes + this.lineLen;
        break;
      case Mode.Body:
      case Mode.Skip:
        this.report('sip-truncated', `stream ended with ${this.bodyRemaining} body bytes missing`, this.msgLast.frame, this.msgOffset);
        this.bodyTruncated = true;
        this.finishMessage();
        break;
    }
    this.resetLine();
    this.ended = true;
  }

  // ---- lines ----

  private appendLine(bytes: Buffer, pos: number, end: number, from: FrameRef): void {
    const n = end - pos;
    if (this.lineLen === 0) {
      this.lineOffset = this.offset;
      this.lineFrame = from;
    }
    this.offset += n;
    if (this.mode === Mode.Headers) {
      this.msgLast = from;
      if (this.headBytes + this.lineLen + n > this.maxHeader) {
        this.report('sip-header-too-long', `SIP headers exceed ${this.maxHeader} bytes; message dropped`, this.msgFirst.frame, this.msgOffset);
        // The dropped head becomes garbage; the rest of this line is skipped before resynchronising.
        this.addGarbage(this.headBytes, this.msgOffset, this.msgFirst);
        this.resetMessage();
        this.mode = Mode.Start;
        this.lineParts = [];
        this.lineOverflow = true;
        this.lineLen += n;
        return;
      }
    } else if (!this.lineOverflow && this.lineLen + n > MAX_START_LINE + 2) {
      this.lineParts = [];
      this.lineOverflow = true;
    }
    if (!this.lineOverflow) this.lineParts.push(copyBuffer(bytes.subarray(pos, end)));
    this.lineLen += n;
  }

  private completeLine(): void {
    const lineLen = this.lineLen;
    if (this.lineOverflow) {
      this.addGarbage(lineLen, this.lineOffset, this.lineFrame);
      this.resetLine();
      return;
    }
    const line = this.lineParts.length === 1 ? (this.lineParts[0] as Buffer) : joinBuffers(this.lineParts, lineLen);
    const crlf = lineLen >= 2 && line[lineLen - 2] === 0x0d;
    const contentEnd = crlf ? lineLen - 2 : lineLen - 1;
    if (this.mode === Mode.Start) {
      if (contentEnd === 0) {
        // An empty line: a keep-alive between messages, or part of a garbage run.
        if (this.garbageBytes > 0) this.addGarbage(lineLen, this.lineOffset, this.lineFrame);
      } else {
        const start = parseStartLine(line.toString('utf8', 0, contentEnd));
        if (start === undefined) {
          this.addGarbage(lineLen, this.lineOffset, this.lineFrame);
        } else {
          this.flushGarbage();
          this.start = start;
          this.collector = new HeaderCollector();
          this.headBytes = lineLen;
          this.lfOnly = !crlf;
          this.msgOffset = this.lineOffset;
          this.msgFirst = this.lineFrame;
          this.mode = Mode.Headers;
        }
      }
      this.resetLine();
      return;
    }
    // HEADERS
    this.headBytes += lineLen;
    if (!crlf) this.lfOnly = true;
    this.resetLine();
    if (contentEnd === 0) this.beginBody();
    else this.collector.add(line.toString('utf8', 0, contentEnd));
  }

  private resetLine(): void {
    this.lineParts = [];
    this.lineLen = 0;
    this.lineOverflow = false;
  }

  // ---- garbage ----

  private addGarbage(n: number, offset: number, frame: FrameRef): void {
    if (n <= 0) return;
    if (this.garbageBytes === 0) {
      this.garbageOffset = offset;
      this.garbageFrame = frame;
    }
    this.garbageBytes += n;
    this.stats.bytesSkipped += n;
  }

  private flushGarbage(): void {
    if (this.garbageBytes === 0) return;
    this.report('sip-garbage-skipped', `skipped ${this.garbageBytes} bytes that are not a SIP message`, this.garbageFrame.frame, this.garbageOffset);
    this.garbageBytes = 0;
  }

  // ---- message ----

  private beginBody(): void {
    const rep = (code: string, detail: string): void => this.report(code, detail, this.msgFirst.frame, this.msgOffset);
    reportMalformed(this.collector, rep);
    const raw = headerValue(this.collector.headers, 'content-length');
    let cl = parseContentLength(raw);
    if (cl === undefined) {
      rep('sip-content-length-missing', 'no Content-Length on a stream transport; empty body assumed');
      cl = 0;
    } else if (Number.isNaN(cl)) {
      rep('sip-content-length-invalid', `Content-Length "${raw ?? ''}"; empty body assumed`);
      cl = 0;
    }
    this.bodyKept = 0;
    this.bodyTruncated = false;
    this.bodyRemaining = cl;
    if (cl === 0) {
      this.body = Buffer.alloc(0);
      this.finishMessage();
    } else if (cl > this.maxBody) {
      rep('sip-body-too-large', `Content-Length ${cl} exceeds ${this.maxBody}; body skipped`);
      this.body = Buffer.alloc(0);
      this.bodyTruncated = true;
      this.mode = Mode.Skip;
    } else {
      this.body = Buffer.alloc(cl);
      this.mode = Mode.Body;
    }
  }

  private finishMessage(): void {
    const start = this.start;
    if (start !== undefined) {
      const rep = (code: string, detail: string): void => this.report(code, detail, this.msgFirst.frame, this.msgOffset);
      const body = this.bodyKept === this.body.length ? this.body : copyBuffer(this.body.subarray(0, this.bodyKept));
      const msg = buildSipMessage(
        { start, headers: this.collector.headers, lfOnly: this.lfOnly },
        body,
        this.bodyTruncated,
        {
          transport: 'tcp',
          src: this.src,
          dst: this.dst,
          connection: this.connection,
          offset: this.msgOffset,
          firstFrame: this.msgFirst,
          lastFrame: this.msgLast,
        },
        rep,
      );
      this.stats.messages++;
      this.sink(msg);
    }
    this.resetMessage();
    this.mode = Mode.Start;
  }

  private resetMessage(): void {
    this.start = undefined;
    this.collector = new HeaderCollector();
    this.headBytes = 0;
    this.lfOnly = false;
    this.body = Buffer.alloc(0);
    this.bodyKept = 0;
    this.bodyRemaining = 0;
    this.bodyTruncated = false;
  }

  private report(code: string, detail: string, frame: number, offset: number): void {
    this.onDiagnostic?.({ code, severity: sipSeverity(code), frame, connection: this.connection, offset, detail: safeText(detail) });
  }
}
