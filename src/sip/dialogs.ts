/**
 * SIP dialogs keyed by Call-ID: counts (every wire occurrence: a request relayed by a proxy counts once per
 * hop), state, SDP offer/answer with their MSRP media, and the MSRP endpoints (address + port) learned
 * from SDP so the MSRP layer can recognise those connections even mid-stream.
 */
import type { FrameRef } from '../capture/types.js';
import type { Endpoint } from '../tcp/types.js';
import type { DiagnosticSink } from '../util/diagnostics.js';
import { sdpTextOf } from './body.js';
import type { SipMessage, SipTransport } from './message.js';
import type { MsrpMedia, MsrpTransport } from './msrp-media.js';
import type { NameAddr } from './nameaddr.js';
import { sipSeverity } from './report.js';
import { parseSdp, type Sdp } from './sdp.js';
import { safeText } from './text.js';

export type SipDialogState = 'early' | 'confirmed' | 'terminated';

/** One SDP body as carried by one message (the first hop), with the frames of every hop that repeated it. */
export interface SdpExchange {
  kind: 'request' | 'response';
  /** Request method, or undefined for a response. */
  method: string | undefined;
  /** Response status, or undefined for a request. */
  status: number | undefined;
  cseq: number | undefined;
  cseqMethod: string | undefined;
  /** Frame of the first byte of the first message that carried this SDP. */
  frame: FrameRef;
  /** Frame numbers of every hop that carried it (at most 16 kept). */
  frames: number[];
  transport: SipTransport;
  src: Endpoint;
  dst: Endpoint;
  connection: number;
  text: string;
  sdp: Sdp;
  msrp: MsrpMedia[];
}

/** One offer/answer exchange (RFC 3264), identified by the CSeq of its transaction. */
export interface SdpNegotiation {
  cseq: number;
  method: string;
  offer: SdpExchange | undefined;
  answer: SdpExchange | undefined;
  /** Final status that rejected the offer (>= 300), if any. */
  rejected: number | undefined;
}

export interface SipDialogEvent {
  frame: number;
  kind: 'request' | 'response';
  method: string | undefined;
  status: number | undefined;
  cseqMethod: string | undefined;
  src: Endpoint;
  dst: Endpoint;
  hasSdp: boolean;
}

export interface SipDialog {
  callId: string;
  /** Transport of the first message seen. */
  transport: SipTransport;
  first: FrameRef;
  last: FrameRef;
  /** From / To of the first request seen. */
  from: NameAddr | undefined;
  to: NameAddr | undefined;
  fromTag: string | undefined;
  /** The first To tag seen (set by the callee's responses). */
  toTag: string | undefined;
  state: SipDialogState;
  /** 'BYE', 'CANCEL', or the final status that ended the initial INVITE ('486' ...). */
  terminatedBy: string | undefined;
  /** Who sent the BYE: the caller (From tag of the dialog) or the callee. */
  byeFrom: 'caller' | 'callee' | undefined;
  messages: number;
  requests: Map<string, number>;
  responses: Map<number, number>;
  /** Distinct INVITE transactions (CSeq numbers), and those sent after the dialog was confirmed. */
  invites: number;
  reInvites: number;
  updates: number;
  maxVia: number;
  recordRoute: boolean;
  negotiations: SdpNegotiation[];
  /** Offer and answer of the latest completed negotiation (or the first offer while none completed). */
  offer: SdpExchange | undefined;
  answer: SdpExchange | undefined;
  /** Session-ids of every negotiated MSRP path (last URI of each a=path), distinct, in order. */
  msrpSessionIds: string[];
  /** Ladder of messages (at most 1000 kept; `eventsDropped` counts the rest). */
  events: SipDialogEvent[];
  eventsDropped: number;
}

export interface MsrpEndpointInfo {
  address: string;
  port: number;
  transport: MsrpTransport;
  /** The a=path URI it came from, or undefined when it came from c= + m=. */
  uri: string | undefined;
  sessionId: string | undefined;
  callId: string;
  /** Frame of the SDP that announced it. */
  frame: number;
}

export interface SipStats {
  messages: number;
  requests: Map<string, number>;
  responses: Map<number, number>;
  /** Responses by `${status} ${CSeq method}` (e.g. `200 INVITE`). */
  responsesByMethod: Map<string, number>;
  /** Distinct Call-IDs seen. */
  dialogs: number;
}

export interface SipDialogTrackerOptions {
  onDiagnostic?: DiagnosticSink;
  /** Called once for each new MSRP endpoint learned from SDP. */
  onMsrpEndpoint?: (ep: MsrpEndpointInfo) => void;
  /** Dialogs kept in memory (default 100000); later Call-IDs are counted only. */
  maxDialogs?: number;
}

const MAX_EVENTS = 1000;
const MAX_HOP_FRAMES = 16;
const DEFAULT_MSRP_PORT = 2855;
const DIALOG_CREATING = new Set(['INVITE', 'SUBSCRIBE', 'REFER']);

/** Does `msg` travel the same way as the message that carried `ex` (another hop or a retransmission)? */
function sameSide(ex: SdpExchange, msg: SipMessage): boolean {
  return ex.kind === msg.kind && (msg.kind === 'response' || ex.method === msg.method);
}

/** Is `msg` the answer to `offer`: a response to an offer in a request, or an ACK / PRACK to an offer in a response? */
function isAnswerTo(offer: SdpExchange, msg: SipMessage): boolean {
  if (offer.kind === 'request') return msg.kind === 'response';
  return msg.kind === 'request' && (msg.method === 'ACK' || msg.method === 'PRACK');
}

function bump<K>(m: Map<K, number>, k: K): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

export class SipDialogTracker {
  readonly stats: SipStats = {
    messages: 0,
    requests: new Map(),
    responses: new Map(),
    responsesByMethod: new Map(),
    dialogs: 0,
  };

  private readonly byCallId = new Map<string, SipDialog>();
  private readonly untracked = new Set<string>();
  private readonly endpoints = new Map<string, MsrpEndpointInfo>();
  private readonly onDiagnostic: DiagnosticSink | undefined;
  private readonly endpointListeners: Array<(ep: MsrpEndpointInfo) => void> = [];
  private readonly maxDialogs: number;
  private limitReported = false;
  /** Distinct INVITE / UPDATE CSeq numbers per dialog. */
  private readonly seenCseqs = new Map<SipDialog, Set<string>>();

  constructor(opts: SipDialogTrackerOptions = {}) {
    this.onDiagnostic = opts.onDiagnostic;
    if (opts.onMsrpEndpoint) this.endpointListeners.push(opts.onMsrpEndpoint);
    this.maxDialogs = opts.maxDialogs ?? 100_000;
  }

  /** Calls `listener` for each MSRP endpoint learned from SDP from now on (and for those already known). */
  onMsrpEndpoint(listener: (ep: MsrpEndpointInfo) => void): void {
    this.endpointListeners.push(listener);
    for (const ep of this.endpoints.values()) listener(ep);
  }

  /** Accounts one SIP message (one wire occurrence). */
  push(msg: SipMessage): void {
    this.stats.messages++;
    if (msg.kind === 'request' && msg.method !== undefined) bump(this.stats.requests, msg.method);
    if (msg.kind === 'response' && msg.status !== undefined) {
      bump(this.stats.responses, msg.status);
      bump(this.stats.responsesByMethod, `${msg.status} ${msg.cseq?.method ?? '?'}`);
    }
    const callId = msg.callId;
    if (callId === undefined) return;
    let d = this.byCallId.get(callId);
    if (d === undefined) {
      if (this.untracked.has(callId)) return;
      this.stats.dialogs++;
      if (this.byCallId.size >= this.maxDialogs) {
        this.untracked.add(callId);
        if (!this.limitReported) {
          this.limitReported = true;
          this.report(msg, 'sip-dialog-limit', `more than ${this.maxDialogs} Call-IDs; later ones are counted only`);
        }
        return;
      }
      d = this.newDialog(msg, callId);
      this.byCallId.set(callId, d);
    }
    this.account(d, msg);
  }

  /** Dialogs in order of their first message. */
  dialogs(): SipDialog[] {
    return [...this.byCallId.values()];
  }

  dialog(callId: string): SipDialog | undefined {
    return this.byCallId.get(callId);
  }

  /** TCP ports announced for MSRP in SDP (m= ports and a=path URI ports). */
  msrpPorts(): Set<number> {
    const out = new Set<number>();
    for (const ep of this.endpoints.values()) out.add(ep.port);
    return out;
  }

  /** MSRP endpoints (address + port) announced in SDP, in order of first announcement. */
  msrpEndpoints(): MsrpEndpointInfo[] {
    return [...this.endpoints.values()];
  }

  // ---- internals ----

  private newDialog(msg: SipMessage, callId: string): SipDialog {
    return {
      callId,
      transport: msg.transport,
      first: msg.firstFrame,
      last: msg.lastFrame,
      from: msg.from,
      to: msg.to,
      fromTag: msg.from?.tag || undefined,
      toTag: msg.to?.tag || undefined,
      state: 'early',
      terminatedBy: undefined,
      byeFrom: undefined,
      messages: 0,
      requests: new Map(),
      responses: new Map(),
      invites: 0,
      reInvites: 0,
      updates: 0,
      maxVia: 0,
      recordRoute: false,
      negotiations: [],
      offer: undefined,
      answer: undefined,
      msrpSessionIds: [],
      events: [],
      eventsDropped: 0,
    };
  }

  private account(d: SipDialog, msg: SipMessage): void {
    d.messages++;
    d.last = msg.lastFrame;
    if (msg.viaCount > d.maxVia) d.maxVia = msg.viaCount;
    if (msg.recordRouteCount > 0) d.recordRoute = true;
    if (d.toTag === undefined && msg.to?.tag) d.toTag = msg.to.tag;
    const sdpText = sdpTextOf(msg);
    if (d.events.length < MAX_EVENTS) {
      d.events.push({
        frame: msg.firstFrame.frame,
        kind: msg.kind,
        method: msg.method,
        status: msg.status,
        cseqMethod: msg.cseq?.method,
        src: msg.src,
        dst: msg.dst,
        hasSdp: sdpText !== undefined,
      });
    } else d.eventsDropped++;

    if (msg.kind === 'request' && msg.method !== undefined) {
      bump(d.requests, msg.method);
      this.requestState(d, msg, msg.method);
    } else if (msg.status !== undefined) {
      bump(d.responses, msg.status);
      this.responseState(d, msg, msg.status);
    }
    if (sdpText !== undefined) this.negotiate(d, msg, sdpText);
  }

  private requestState(d: SipDialog, msg: SipMessage, method: string): void {
    const seq = msg.cseq?.seq;
    if (method === 'INVITE' || method === 'UPDATE') {
      let seen = this.seenCseqs.get(d);
      if (seen === undefined) {
        seen = new Set();
        this.seenCseqs.set(d, seen);
      }
      const key = `${method} ${seq ?? '?'}`;
      if (!seen.has(key)) {
        seen.add(key);
        if (method === 'UPDATE') d.updates++;
        else {
          d.invites++;
          if (d.state === 'confirmed') d.reInvites++;
        }
      }
    }
    if (method === 'INVITE' && d.state === 'terminated' && d.terminatedBy !== 'BYE') {
      // A new INVITE after a failed one (e.g. retried with credentials after 401/407).
      d.state = 'early';
      d.terminatedBy = undefined;
    } else if (method === 'BYE') {
      d.state = 'terminated';
      d.terminatedBy = 'BYE';
      if (d.byeFrom === undefined && msg.from?.tag !== undefined && d.fromTag !== undefined) {
        d.byeFrom = msg.from.tag === d.fromTag ? 'caller' : 'callee';
      }
    }
  }

  private responseState(d: SipDialog, msg: SipMessage, status: number): void {
    const method = msg.cseq?.method;
    if (method === undefined || status < 200) return;
    if (method === 'INVITE') {
      if (status < 300) {
        if (d.state === 'early') d.state = 'confirmed';
      } else if (d.state === 'early') {
        d.state = 'terminated';
        d.terminatedBy = status === 487 ? 'CANCEL' : String(status);
      }
      this.rejectOffer(d, msg, status);
      return;
    }
    if (method === 'UPDATE') {
      this.rejectOffer(d, msg, status);
      return;
    }
    if (DIALOG_CREATING.has(method)) {
      if (status < 300 && d.state === 'early') d.state = 'confirmed';
      else if (status >= 300 && d.state === 'early') {
        d.state = 'terminated';
        d.terminatedBy = String(status);
      }
      return;
    }
    // A Call-ID used only for a non-dialog transaction (MESSAGE, OPTIONS, REGISTER ...): done at its final response.
    if (d.state === 'early' && d.invites === 0 && !d.requests.has('SUBSCRIBE') && !d.requests.has('REFER')) {
      d.state = 'terminated';
      d.terminatedBy = String(status);
    }
  }

  private rejectOffer(d: SipDialog, msg: SipMessage, status: number): void {
    if (status < 300) return;
    const neg = this.findNegotiation(d, msg);
    if (neg !== undefined && neg.answer === undefined && neg.rejected === undefined) neg.rejected = status;
  }

  private findNegotiation(d: SipDialog, msg: SipMessage): SdpNegotiation | undefined {
    const cs = msg.cseq;
    if (cs === undefined) return undefined;
    for (let i = d.negotiations.length - 1; i >= 0; i--) {
      const n = d.negotiations[i] as SdpNegotiation;
      if (n.cseq === cs.seq && (n.method === cs.method || (cs.method === 'ACK' && n.method === 'INVITE'))) return n;
    }
    return undefined;
  }

  private negotiate(d: SipDialog, msg: SipMessage, text: string): void {
    const neg = this.findNegotiation(d, msg);
    if (neg !== undefined) {
      if (neg.offer !== undefined && sameSide(neg.offer, msg)) this.addHop(neg.offer, msg, text);
      else if (neg.answer !== undefined && sameSide(neg.answer, msg)) this.addHop(neg.answer, msg, text);
      else if (neg.answer === undefined && neg.offer !== undefined && isAnswerTo(neg.offer, msg)) {
        neg.answer = this.exchange(d, msg, text);
        d.offer = neg.offer;
        d.answer = neg.answer;
      }
      return;
    }
    if (msg.cseq === undefined) return;
    if (msg.kind === 'request' && (msg.method === 'ACK' || msg.method === 'CANCEL')) return; // nothing to answer
    const created: SdpNegotiation = {
      cseq: msg.cseq.seq,
      method: msg.cseq.method,
      offer: this.exchange(d, msg, text),
      answer: undefined,
      rejected: undefined,
    };
    d.negotiations.push(created);
    if (d.answer === undefined) d.offer = created.offer;
  }

  private addHop(ex: SdpExchange, msg: SipMessage, text: string): void {
    if (ex.frames.length < MAX_HOP_FRAMES) ex.frames.push(msg.firstFrame.frame);
    if (text !== ex.text) {
      // A hop that changed the SDP (e.g. a media relay rewrote it): learn its endpoints too.
      const sdp = parseSdp(text);
      this.learn(msg, sdp);
    }
  }

  private exchange(d: SipDialog, msg: SipMessage, text: string): SdpExchange {
    const sdp = parseSdp(text);
    for (const is of sdp.issues) this.report(msg, is.code, `SDP line ${is.line}: ${is.detail}`);
    const msrp: MsrpMedia[] = [];
    for (const m of sdp.media) if (m.msrp !== undefined) msrp.push(m.msrp);
    for (const m of msrp) {
      if (m.sessionId !== undefined && !d.msrpSessionIds.includes(m.sessionId)) d.msrpSessionIds.push(m.sessionId);
    }
    this.learn(msg, sdp);
    return {
      kind: msg.kind,
      method: msg.method,
      status: msg.status,
      cseq: msg.cseq?.seq,
      cseqMethod: msg.cseq?.method,
      frame: msg.firstFrame,
      frames: [msg.firstFrame.frame],
      transport: msg.transport,
      src: msg.src,
      dst: msg.dst,
      connection: msg.connection,
      text,
      sdp,
      msrp,
    };
  }

  private learn(msg: SipMessage, sdp: Sdp): void {
    const callId = msg.callId ?? '';
    for (const media of sdp.media) {
      const m = media.msrp;
      if (m === undefined || m.port === 0) continue;
      m.pathUris.forEach((u, i) => {
        if (u === undefined) return;
        this.addEndpoint({
          address: u.host,
          port: u.port ?? DEFAULT_MSRP_PORT,
          transport: m.transport,
          uri: m.path[i],
          sessionId: u.sessionId,
          callId,
          frame: msg.firstFrame.frame,
        });
      });
      if (m.address !== undefined) {
        this.addEndpoint({
          address: m.address.toLowerCase(),
          port: m.port,
          transport: m.transport,
          uri: undefined,
          sessionId: m.sessionId,
          callId,
          frame: msg.firstFrame.frame,
        });
      }
    }
  }

  private addEndpoint(ep: MsrpEndpointInfo): void {
    const key = `${ep.address}|${ep.port}`;
    if (this.endpoints.has(key)) return;
    this.endpoints.set(key, ep);
    for (const l of this.endpointListeners) l(ep);
  }

  private report(msg: SipMessage, code: string, detail: string): void {
    this.onDiagnostic?.({
      code,
      severity: sipSeverity(code),
      frame: msg.firstFrame.frame,
      connection: msg.connection,
      offset: msg.transport === 'tcp' ? msg.offset : undefined,
      detail: safeText(detail),
    });
  }
}
