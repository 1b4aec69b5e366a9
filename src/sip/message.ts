/** The SIP message record produced by the UDP and TCP parsers, and how it is built from a parsed head. */
import type { FrameRef } from '../capture/types.js';
import type { Endpoint } from '../tcp/types.js';
import { headerValue, headerValues, type SipHeader } from './headers.js';
import type { SipStartLine } from './head.js';
import { parseCSeq, parseNameAddr, type CSeq, type NameAddr } from './nameaddr.js';
import { splitCommaList } from './text.js';

export type { SipHeader } from './headers.js';
export type { CSeq, NameAddr } from './nameaddr.js';

export type SipTransport = 'udp' | 'tcp';

export interface SipMessage {
  kind: 'request' | 'response';
  /** Request method as sent, undefined for responses. */
  method: string | undefined;
  requestUri: string | undefined;
  /** Status code, undefined for requests. */
  status: number | undefined;
  /** Reason phrase ('' for requests). */
  reason: string;
  version: string;
  /** Headers in wire order as [name, value]; look them up with headerValue()/headerValues(). */
  headers: SipHeader[];
  callId: string | undefined;
  cseq: CSeq | undefined;
  from: NameAddr | undefined;
  to: NameAddr | undefined;
  /** Number of Via values (comma-separated values of all Via headers). */
  viaCount: number;
  /** Number of Record-Route values. */
  recordRouteCount: number;
  /** Content-Type as sent, undefined when absent. */
  contentType: string | undefined;
  /** Declared Content-Length, undefined when absent or invalid. */
  contentLength: number | undefined;
  /** The body (a copy). Empty when there is none or it was skipped for its size. */
  body: Buffer;
  /** True when body bytes are missing (gap, end of stream, short datagram) or were skipped for size. */
  truncated: boolean;
  /** True when some header line ended with a bare LF. */
  lfOnly: boolean;
  firstFrame: FrameRef;
  lastFrame: FrameRef;
  transport: SipTransport;
  src: Endpoint;
  dst: Endpoint;
  /** TCP connection index, -1 for UDP. */
  connection: number;
  /** Stream offset of the first byte of the start-line (0 for UDP). */
  offset: number;
}

export interface SipHead {
  start: SipStartLine;
  headers: SipHeader[];
  lfOnly: boolean;
}

export interface SipMessageContext {
  transport: SipTransport;
  src: Endpoint;
  dst: Endpoint;
  connection: number;
  offset: number;
  firstFrame: FrameRef;
  lastFrame: FrameRef;
}

/** Parses a Content-Length value: a decimal number, or undefined (absent) / NaN (invalid). */
export function parseContentLength(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (!/^\d{1,15}$/.test(v)) return Number.NaN;
  return Number(v);
}

/** Assembles the message record; `report` receives (code, detail) for missing or malformed core headers. */
export function buildSipMessage(
  head: SipHead,
  body: Buffer,
  truncated: boolean,
  ctx: SipMessageContext,
  report: (code: string, detail: string) => void,
): SipMessage {
  const h = head.headers;
  const callIdRaw = headerValue(h, 'call-id');
  const cseqRaw = headerValue(h, 'cseq');
  const fromRaw = headerValue(h, 'from');
  const toRaw = headerValue(h, 'to');
  const cseq = cseqRaw === undefined ? undefined : parseCSeq(cseqRaw);
  const from = fromRaw === undefined ? undefined : parseNameAddr(fromRaw);
  const to = toRaw === undefined ? undefined : parseNameAddr(toRaw);
  let viaCount = 0;
  for (const v of headerValues(h, 'via')) viaCount += splitCommaList(v).length;
  let recordRouteCount = 0;
  for (const v of headerValues(h, 'record-route')) recordRouteCount += splitCommaList(v).length;
  const cl = parseContentLength(headerValue(h, 'content-length'));

  const missing: string[] = [];
  if (callIdRaw === undefined || callIdRaw === '') missing.push('Call-ID');
  if (cseqRaw === undefined) missing.push('CSeq');
  if (fromRaw === undefined) missing.push('From');
  if (toRaw === undefined) missing.push('To');
  if (viaCount === 0) missing.push('Via');
  if (missing.length > 0) report('sip-missing-header', `missing ${missing.join(', ')}`);
  if (cseqRaw !== undefined && cseq === undefined) report('sip-bad-cseq', `unparsable CSeq "${cseqRaw}"`);
  else if (cseq !== undefined && head.start.kind === 'request' && head.start.method !== undefined) {
    if (cseq.method !== head.start.method) {
      report('sip-bad-cseq', `CSeq method ${cseq.method} differs from request method ${head.start.method}`);
    }
  }
  if (fromRaw !== undefined && from === undefined) report('sip-malformed-header', `unparsable From "${fromRaw}"`);
  if (toRaw !== undefined && to === undefined) report('sip-malformed-header', `unparsable To "${toRaw}"`);

  return {
    kind: head.start.kind,
    method: head.start.method,
    requestUri: head.start.requestUri,
    status: head.start.status,
    reason: head.start.reason,
    version: head.start.version,
    headers: h,
    callId: callIdRaw === undefined || callIdRaw === '' ? undefined : callIdRaw,
    cseq,
    from,
    to,
    viaCount,
    recordRouteCount,
    contentType: headerValue(h, 'content-type'),
    contentLength: cl === undefined || Number.isNaN(cl) ? undefined : cl,
    body,
    truncated,
    lfOnly: head.lfOnly,
    firstFrame: ctx.firstFrame,
    lastFrame: ctx.lastFrame,
    transport: ctx.transport,
    src: ctx.src,
    dst: ctx.dst,
    connection: ctx.connection,
    offset: ctx.offset,
  };
}
