/**
 * SIP message parsing: one message per UDP datagram (parseSipDatagram), and the Content-Length framed
 * TCP stream parser (SipStreamParser, in stream.ts, re-exported here).
 */
import type { FrameRef } from '../capture/types.js';
import type { Segment } from '../net/types.js';
import type { Endpoint } from '../tcp/types.js';
import type { DiagnosticSink } from '../util/diagnostics.js';
import { headerValue } from './headers.js';
import { HeaderCollector, MAX_START_LINE, parseStartLine } from './head.js';
import { buildSipMessage, parseContentLength, type SipMessage } from './message.js';
import { reportMalformed, sipSeverity } from './report.js';
import { safeText } from './text.js';
import { copyBytes as copyBuffer } from '../util/bytes.js';

export { SipStreamParser, type SipStreamOptions, type SipStreamStats, type SipMessageSink } from './stream.js';

export { sipSeverity } from './report.js';

const ZERO_FRAME: FrameRef = { frame: 0, tsSec: 0, tsNsec: 0 };
const NO_ENDPOINT: Endpoint = { address: '', port: 0 };

/** Number of leading CR/LF bytes (keep-alives) skipped before a start-line, bounded. */
function skipCrLf(buf: Buffer, max: number): number {
  let p = 0;
  while (p < buf.length && p < max) {
    const b = buf[p];
    if (b !== 0x0d && b !== 0x0a) break;
    p++;
  }
  return p;
}

function isLetter(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));
}

/** Cheap test: do these bytes begin with a SIP start-line (after at most a few CR/LF keep-alive bytes)? */
export function looksLikeSip(buf: Buffer): boolean {
  const p = skipCrLf(buf, 8);
  if (!isLetter(buf[p])) return false;
  const sp = buf.indexOf(0x20, p);
  if (sp < 0 || sp - p > 32) return false;
  const limit = Math.min(buf.length, p + MAX_START_LINE + 2);
  const nl = buf.indexOf(0x0a, p);
  if (nl < 0 || nl >= limit) return false;
  return parseStartLine(buf.toString('latin1', p, nl)) !== undefined;
}

export interface SipDatagramContext {
  from?: FrameRef;
  src?: Endpoint;
  dst?: Endpoint;
  onDiagnostic?: DiagnosticSink;
}

/**
 * Parses one UDP datagram as one SIP message. Returns undefined when the payload is not SIP (no
 * plausible start-line). Never throws. The body honours Content-Length (extra bytes dropped, missing
 * bytes reported); without Content-Length the body is the rest of the datagram.
 */
export function parseSipDatagram(payload: Buffer, ctx: SipDatagramContext = {}): SipMessage | undefined {
  const frame = ctx.from ?? ZERO_FRAME;
  const report = (code: string, detail: string): void => {
    ctx.onDiagnostic?.({ code, severity: sipSeverity(code), frame: frame.frame, connection: -1, detail: safeText(detail) });
  };
  let pos = skipCrLf(payload, payload.length);
  let nl = payload.indexOf(0x0a, pos);
  if (nl < 0 || nl - pos > MAX_START_LINE + 1) return undefined;
  const start = parseStartLine(payload.toString('utf8', pos, nl));
  if (start === undefined) return undefined;
  let lfOnly = payload[nl - 1] !== 0x0d;
  const collector = new HeaderCollector();
  pos = nl + 1;
  let bodyStart = payload.length;
  while (pos < payload.length) {
    nl = payload.indexOf(0x0a, pos);
    const end = nl < 0 ? payload.length : nl;
    if (nl >= 0 && payload[nl - 1] !== 0x0d) lfOnly = true;
    const lineEnd = end > pos && payload[end - 1] === 0x0d ? end - 1 : end;
    if (lineEnd === pos) {
      bodyStart = nl < 0 ? payload.length : nl + 1;
      break;
    }
    collector.add(payload.toString('utf8', pos, lineEnd));
    pos = nl < 0 ? payload.length : nl + 1;
  }
  reportMalformed(collector, report);
  const available = payload.length - bodyStart;
  const cl = parseContentLength(headerValue(collector.headers, 'content-length'));
  let bodyLen = available;
  let truncated = false;
  if (cl !== undefined && Number.isNaN(cl)) {
    report('sip-content-length-invalid', `Content-Length "${headerValue(collector.headers, 'content-length') ?? ''}"; rest of the datagram used`);
  } else if (cl !== undefined && cl !== available) {
    report('sip-content-length-mismatch', `Content-Length ${cl}, datagram holds ${available} body bytes`);
    if (cl < available) bodyLen = cl;
    else truncated = true;
  }
  const body = copyBuffer(payload.subarray(bodyStart, bodyStart + bodyLen));
  return buildSipMessage(
    { start, headers: collector.headers, lfOnly },
    body,
    truncated,
    {
      transport: 'udp',
      src: ctx.src ?? NO_ENDPOINT,
      dst: ctx.dst ?? NO_ENDPOINT,
      connection: -1,
      offset: 0,
      firstFrame: frame,
      lastFrame: frame,
    },
    report,
  );
}

/** parseSipDatagram for a decoded UDP segment (frame and addresses taken from it). */
export function parseSipSegment(seg: Segment, onDiagnostic?: DiagnosticSink): SipMessage | undefined {
  const ctx: SipDatagramContext = {
    from: { frame: seg.frame, tsSec: seg.tsSec, tsNsec: seg.tsNsec },
    src: { address: seg.src, port: seg.srcPort },
    dst: { address: seg.dst, port: seg.dstPort },
  };
  if (onDiagnostic) ctx.onDiagnostic = onDiagnostic;
  return parseSipDatagram(seg.payload, ctx);
}
