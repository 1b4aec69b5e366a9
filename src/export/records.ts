/** Model records → JSON records. Shared by the whole-document exporter and the NDJSON stream. */
import type { ConnectionTransportFacts, TlsFacts, WebSocketFacts } from '../transport/types.js';
import type { FrameRef } from '../capture/types.js';
import type { Dir, DirStats, Endpoint } from '../tcp/types.js';
import { parseTypedHeaders, type AuthValue, type Params } from '../msrp/headers.js';
import type { RawHeader } from '../msrp/types.js';
import type { MsrpUri } from '../msrp/uri.js';
import type { SdpExchange, SipDialog } from '../sip/dialogs.js';
import type { FileSelector } from '../sip/file-selector.js';
import type { MsrpMedia } from '../sip/msrp-media.js';
import type { Diagnostic } from '../util/diagnostics.js';
import { escapeText } from '../util/escape.js';
import type { AuthRecord } from '../model/auth.js';
import type { ConnectionRecord } from '../model/connections.js';
import { bodyPreview } from '../model/body-preview.js';
import { computeDelivery, deliveryState } from '../model/delivery.js';
import { pathFields, type ByteRange, type StatusValue } from '../model/fields.js';
import { checkFile } from '../model/file-transfer.js';
import { epochSeconds, isoTime, msBetween } from '../model/frame-time.js';
import type { MessageRecord } from '../model/messages.js';
import { hopsOf, type Hop } from '../model/relay.js';
import type { SessionRecord } from '../model/sessions.js';
import { messageIndexOf, partFields, transactionState, type TransactionRecord } from '../model/transactions.js';
import { uriSessionId } from '../model/uri-key.js';
import type {
  CountMap,
  JsonAuth,
  JsonConnection,
  JsonDiagnostic,
  JsonDirection,
  JsonDirStats,
  JsonFileSelector,
  JsonHeader,
  JsonLeg,
  JsonMessage,
  JsonMsrpUri,
  JsonParams,
  JsonTypedHeaders,
  JsonMsrpMedia,
  JsonRange,
  JsonSdpExchange,
  JsonSession,
  JsonSipDialog,
  JsonStatus,
  JsonTime,
  JsonTransaction,
} from './json-types.js';
import type { LadderMessage, LadderTransaction, RowMessage, RowTransaction } from './record-index.js';

/** Formatting context: the capture's timestamp precision. */
export interface RecordContext {
  digits: number;
  /** WebSocket/TLS facts of a connection, and why an encrypted one is probably MSRP (see model/tls-hint.ts). */
  transport?: (c: ConnectionRecord) => { facts: ConnectionTransportFacts | undefined; msrpOverTls: string | null };
}

/** Byte ranges listed per leg (the rest are summarised by `covered`). */
const MAX_RANGES = 64;

export function counts<K extends string | number>(m: ReadonlyMap<K, number> | ReadonlyArray<readonly [K, number]>): CountMap {
  return Object.fromEntries([...m].map(([k, v]) => [String(k), v]));
}

export function jsonTime(t: FrameRef, ctx: RecordContext): JsonTime {
  return { frame: t.frame, time: isoTime(t, ctx.digits), epoch: epochSeconds(t) };
}

export function direction(dir: Dir): JsonDirection {
  return dir === 0 ? 'c2s' : 's2c';
}

export function hostPort(e: Endpoint): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

export function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function rangeJson(r: ByteRange | undefined): JsonRange | null {
  return r === undefined ? null : { start: r.start, end: r.end, total: r.total };
}

function statusJson(s: StatusValue | undefined): JsonStatus | null {
  return s === undefined ? null : { namespace: s.namespace, code: s.code, comment: s.comment };
}

function headersJson(h: readonly RawHeader[]): JsonHeader[] {
  return h.map((x) => ({ name: x.name, value: x.value }));
}

function paramsJson(p: Params): JsonParams {
  return p.map(([n, v]) => [n, v ?? null]);
}

function uriJson(u: MsrpUri): JsonMsrpUri {
  return {
    raw: u.raw,
    scheme: u.scheme,
    user: u.user ?? null,
    host: u.host,
    hostKind: u.hostKind,
    dotInvalid: u.dotInvalid,
    port: u.port ?? null,
    sessionId: u.sessionId ?? null,
    transport: u.transport,
    params: paramsJson(u.params),
  };
}

function authJsonValue(a: AuthValue | undefined): { scheme: string | null; params: JsonParams } | null {
  return a === undefined ? null : { scheme: a.scheme ?? null, params: paramsJson(a.params) };
}

/** The typed view of a frame's headers (parsed again at export time: the hot path only reads a few). */
export function typedHeadersJson(headers: readonly RawHeader[]): JsonTypedHeaders {
  const t = parseTypedHeaders(headers).values;
  const uris = (l: MsrpUri[] | undefined): JsonMsrpUri[] | null => (l === undefined ? null : l.map(uriJson));
  return {
    toPath: uris(t.toPath),
    fromPath: uris(t.fromPath),
    usePath: uris(t.usePath),
    messageId: t.messageId ?? null,
    byteRange: rangeJson(t.byteRange),
    successReport: t.successReport ?? null,
    failureReport: t.failureReport ?? null,
    status: statusJson(t.status),
    contentType:
      t.contentType === undefined
        ? null
        : { type: t.contentType.type, subtype: t.contentType.subtype, mediaType: t.contentType.mediaType, params: paramsJson(t.contentType.params) },
    contentId: t.contentId ?? null,
    contentDescription: t.contentDescription ?? null,
    contentDisposition:
      t.contentDisposition === undefined
        ? null
        : { disposition: t.contentDisposition.disposition, params: paramsJson(t.contentDisposition.params) },
    expires: t.expires ?? null,
    minExpires: t.minExpires ?? null,
    maxExpires: t.maxExpires ?? null,
    wwwAuthenticate: authJsonValue(t.wwwAuthenticate),
    authorization: authJsonValue(t.authorization),
    authenticationInfo: authJsonValue(t.authenticationInfo),
    useNickname: t.useNickname ?? null,
    other: headersJson(t.other),
  };
}

function dirStats(s: DirStats): JsonDirStats {
  return {
    packets: s.packets,
    bytes: s.bytes,
    delivered: s.delivered,
    retransmissions: s.retransmissions,
    outOfOrder: s.outOfOrder,
    gaps: s.gaps,
    missingBytes: s.missingBytes,
  };
}

export function connectionJson(c: ConnectionRecord, ctx: RecordContext): JsonConnection {
  const k = c.conn;
  return {
    id: k.id,
    proto: 'tcp',
    client: { address: k.client.address, port: k.client.port },
    server: { address: k.server.address, port: k.server.port },
    transport: k.transport ?? 'tcp',
    msrp: c.msrp,
    sawSyn: k.sawSyn,
    first: jsonTime(k.first, ctx),
    last: jsonTime(k.last, ctx),
    durationMs: round3(msBetween(k.first, k.last)),
    ended: c.closed ?? k.ended ?? null,
    stats: { c2s: dirStats(k.stats[0]), s2c: dirStats(k.stats[1]) },
    requests: counts(c.requests),
    responses: counts(c.responses),
    sessions: [...c.sessions],
    ...transportJson(c, ctx),
  };
}

/** What a connection carries, in words: `MSRP`, `MSRP over WebSocket`, `MSRP over TLS (encrypted)` ... */
function transportJson(
  c: ConnectionRecord,
  ctx: RecordContext,
): Pick<JsonConnection, 'label' | 'msrpOverTls' | 'websocket' | 'tls'> {
  const t = ctx.transport?.(c);
  const facts = t?.facts;
  const ws = facts?.websocket ?? null;
  const tls = facts?.tls ?? null;
  const hint = t?.msrpOverTls ?? null;
  let label: string;
  if (tls !== null || c.conn.transport === 'tls') label = tlsLabel(c, tls, ws, hint);
  else if (ws !== null) label = c.msrp ? 'MSRP over WebSocket' : 'WebSocket';
  else label = c.msrp ? 'MSRP' : 'TCP';
  return { label, msrpOverTls: hint, websocket: ws, tls };
}

/**
 * Label of a TLS connection: `MSRP over TLS (decrypted)`, `MSRP over secure WebSocket (decrypted)`,
 * `TLS (decrypted)`, `MSRP over TLS (encrypted)`, `TLS (encrypted)`; `partly decrypted` when a direction or
 * the end of one could not be.
 */
function tlsLabel(c: ConnectionRecord, tls: TlsFacts | null, ws: WebSocketFacts | null, hint: string | null): string {
  const d = tls?.decryption.state;
  if (d === 'decrypted' || d === 'partial') {
    const how = d === 'decrypted' ? '(decrypted)' : '(partly decrypted)';
    if (ws?.upgraded === true) return c.msrp ? `MSRP over secure WebSocket ${how}` : `secure WebSocket ${how}`;
    return c.msrp ? `MSRP over TLS ${how}` : `TLS ${how}`;
  }
  return hint !== null ? 'MSRP over TLS (encrypted)' : 'TLS (encrypted)';
}

export function fileSelectorJson(s: FileSelector): JsonFileSelector {
  return {
    name: s.name ?? null,
    type: s.type ?? null,
    size: s.size ?? null,
    hash: s.hash === undefined ? null : { algorithm: s.hash.algorithm, hex: s.hash.hex },
  };
}

/** Distinct body bytes of a session's messages: computed by the caller over messages. */
export function sessionJson(s: SessionRecord, ctx: RecordContext, bytes: number): JsonSession {
  return {
    id: s.index,
    endpoints: [
      { uri: s.endpoints[0], sessionId: s.sessionIds[0] ?? null },
      { uri: s.endpoints[1], sessionId: s.sessionIds[1] ?? null },
    ],
    relays: [...s.relays],
    connections: [...s.connections],
    requests: counts(s.requests),
    messages: s.messages,
    bytes,
    wireBytes: s.wireBytes,
    first: jsonTime(s.first, ctx),
    last: jsonTime(s.last, ctx),
    durationMs: round3(msBetween(s.first, s.last)),
    sip: s.sip === undefined ? null : { dialog: s.sip.dialog, callId: s.sip.callId },
    fileSelector: s.fileSelector === undefined ? null : fileSelectorJson(s.fileSelector),
  };
}

function legJson(m: MessageRecord, hop: Hop, conns: ConnectionLookup, ctx: RecordContext): JsonLeg {
  const leg = hop.leg;
  const size = leg.size() ?? m.size();
  const holes = size === null ? [] : leg.coverage.holes(1, size);
  const c = conns(leg.connection);
  const ends = c?.ends(leg.dir);
  // Each a getter that works its answer out (finalResponse makes a new object per call): read once.
  const state = leg.state();
  const fr = leg.finalResponse;
  return {
    connection: leg.connection,
    direction: direction(leg.dir),
    from: ends === undefined ? '' : hostPort(ends.src),
    to: ends === undefined ? '' : hostPort(ends.dst),
    hops: leg.hops,
    chunks: leg.chunks,
    bytes: leg.bytes,
    covered: leg.coverage.covered,
    ranges: leg.coverage.intervals().slice(0, MAX_RANGES),
    holes: holes.slice(0, MAX_RANGES),
    overlapBytes: leg.coverage.overlapBytes,
    outOfOrder: leg.outOfOrder,
    truncatedChunks: leg.truncatedChunks,
    total: leg.total,
    lastFlag: leg.lastFlag ?? null,
    state,
    first: jsonTime(leg.first, ctx),
    last: jsonTime(leg.last, ctx),
    delayMs: round3(hop.delayMs),
    offsetMs: round3(hop.offsetMs),
    responses: counts(leg.responses()),
    rttMs:
      leg.rttCount === 0
        ? null
        : { min: round3(leg.rttMin), max: round3(leg.rttMax), mean: round3(leg.rttSum / leg.rttCount), count: leg.rttCount },
    finalResponse: fr === undefined ? null : { status: fr.status, frame: fr.frame.frame, rttMs: fr.rttMs === null ? null : round3(fr.rttMs) },
    sha256: state === 'complete' ? (leg.digest256 ?? null) : null,
  };
}

/** Index of a message in messages[], or null (none, or seen only in truncated frames). */
export function listed(m: MessageRecord | undefined): number | null {
  return m === undefined || m.index < 0 ? null : m.index;
}

export type ConnectionLookup = (id: number) => ConnectionRecord | undefined;

export function messageJson(m: MessageRecord, ctx: RecordContext, conns: ConnectionLookup): JsonMessage {
  const d = computeDelivery(m);
  const pv = bodyPreview(m);
  const legs: JsonLeg[] = hopsOf(m).map((h) => legJson(m, h, conns, ctx));
  const n = m.notification;
  const file = m.fileSelector === undefined ? undefined : checkFile(m.fileSelector, m);
  return {
    id: m.index,
    messageId: m.messageId,
    session: m.session?.index ?? null,
    from: m.sender ?? null,
    to: m.receiver ?? null,
    contentType: m.contentType ?? null,
    contentDisposition: m.contentDisposition ?? null,
    size: m.size(),
    bytesSeen: m.bytesSeen(),
    state: m.state(),
    chunks: m.maxChunks(),
    sha256: m.sha256(),
    sha1: m.sha1(),
    preview: pv.text === null ? null : escapeText(pv.text),
    previewTruncated: pv.truncated,
    first: jsonTime(m.first, ctx),
    last: jsonTime(m.last, ctx),
    successReport: m.successReport ?? null,
    failureReport: m.failureReport ?? null,
    legs,
    reports: m.reports.map((r) => ({
      transaction: r.transaction,
      connection: r.connection,
      direction: direction(r.dir),
      at: jsonTime(r.frame, ctx),
      status: statusJson(r.status),
      byteRange: rangeJson(r.byteRange),
    })),
    reportCount: m.reportCount,
    delivery: {
      state: d.state,
      code: d.code,
      via: d.via,
      at: d.at === undefined ? null : jsonTime(d.at, ctx),
      latencyMs: d.latencyMs === null ? null : round3(d.latencyMs),
    },
    cpim:
      m.cpim === undefined
        ? null
        : {
            from: m.cpim.from ?? null,
            to: [...m.cpim.to],
            cc: [...m.cpim.cc],
            dateTime: m.cpim.dateTime ?? null,
            subject: [...m.cpim.subject],
            ns: m.cpim.ns.map((x) => ({ prefix: x.prefix, uri: x.uri })),
            imdnMessageId: m.cpim.imdnMessageId ?? null,
            imdnDisposition: m.cpim.imdnDisposition ?? null,
            headers: m.cpim.headers.map((h) => ({ name: h.name, value: h.value })),
            contentType: m.cpim.contentType ?? null,
            contentHeaders: m.cpim.contentHeaders.map((h) => ({ name: h.name, value: h.value })),
          },
    imdn:
      n === undefined
        ? null
        : {
            messageId: n.messageId,
            kind: n.kind ?? null,
            status: n.status ?? null,
            dateTime: n.dateTime ?? null,
            recipient: n.recipient ?? null,
            acknowledges: listed(m.acknowledges),
          },
    notifications: m.notifications.map((x) => x.index).filter((i) => i >= 0),
    composing:
      m.composing === undefined
        ? null
        : {
            state: m.composing.state ?? null,
            contentType: m.composing.contentType ?? null,
            refresh: m.composing.refresh ?? null,
            lastActive: m.composing.lastActive ?? null,
          },
    file:
      file === undefined || m.fileSelector === undefined
        ? null
        : {
            selector: fileSelectorJson(m.fileSelector),
            state: file.state,
            expectedSize: file.expectedSize,
            actualSize: file.actualSize,
            algorithm: file.algorithm,
            expectedHash: file.expectedHash,
            actualHash: file.actualHash,
          },
  };
}

/**
 * What the session list reads of a message, as messageJson gives it, without the rest of the record (legs, times,
 * previews): the session list of a large capture reads every message at each live redraw.
 */
export function messageRowJson(m: MessageRecord): RowMessage {
  return {
    messageId: m.messageId,
    from: m.sender ?? null,
    contentType: m.contentType ?? null,
    state: m.state(),
    delivery: { state: deliveryState(m) },
    cpim: m.cpim === undefined ? null : { from: m.cpim.from ?? null, to: [...m.cpim.to], contentType: m.cpim.contentType ?? null },
    file: m.fileSelector === undefined ? null : { selector: { name: fileSelectorJson(m.fileSelector).name } },
  };
}

const MESSAGE_STATES: readonly string[] = ['complete', 'aborted', 'incomplete'] satisfies ReadonlyArray<RowMessage['state']>;
const DELIVERY_STATES: readonly string[] = ['delivered', 'failed', 'unknown'] satisfies ReadonlyArray<RowMessage['delivery']['state']>;
const TRANSACTION_STATES: readonly string[] = ['answered', 'unanswered', 'no-response-expected', 'orphan-response'] satisfies ReadonlyArray<
  RowTransaction['state']
>;

/**
 * A number (0-71) that changes whenever messageRowJson(m) can: the message's state, its delivery, and whether it
 * has a content type, a CPIM envelope and a file selector, each set once (the envelope is decoded once, and what
 * the row reads of it never changes after); its Message-ID and sender never change.
 */
export function messageRowCode(m: MessageRecord): number {
  const fixed = (m.contentType === undefined ? 0 : 4) + (m.cpim === undefined ? 0 : 2) + (m.fileSelector === undefined ? 0 : 1);
  return MESSAGE_STATES.indexOf(m.state()) * 24 + DELIVERY_STATES.indexOf(deliveryState(m)) * 8 + fixed;
}

/**
 * A number (0-3) that changes whenever transactionRowJson(t) can: its state. The response is the only part set
 * after the record is made (once); the request, its headers and the connection never change.
 */
export function transactionRowCode(t: TransactionRecord): number {
  return TRANSACTION_STATES.indexOf(transactionState(t));
}

/** What a session's row reads of a transaction, as transactionJson gives it (no headers, typed or not, nor times). */
export function transactionRowJson(t: TransactionRecord): RowTransaction {
  const fields = t.request === undefined ? undefined : pathFields(t.request.headers);
  return {
    connection: t.connection,
    state: transactionState(t),
    response: t.response === undefined ? null : { status: t.response.status },
    toPath: fields === undefined ? [] : fields.toPath,
    fromPath: fields === undefined ? [] : fields.fromPath,
    status: fields?.status === undefined ? null : { code: fields.status.code },
  };
}

/** A transaction's round-trip time as its record gives it (rttMs): to the microsecond, null without a response to a seen request. */
export function transactionRtt(t: TransactionRecord): number | null {
  const ms = t.response?.rttMs;
  return ms === null || ms === undefined ? null : round3(ms);
}

/** The direction of a transaction's request (the response's reversed when the request was not seen), as its record's from/to take it. */
function requestDir(t: TransactionRecord): Dir {
  const rs = t.response;
  return t.request?.dir ?? (rs === undefined ? 0 : rs.dir === 0 ? 1 : 0);
}

/**
 * What a ladder reads of a transaction, as transactionJson gives it, without the headers (raw and typed): a
 * ladder of a large session reads thousands of them. Its first fields are written out as transactionJson writes
 * them: making both begin with a spread of one shared object cost `--json` a fifth more time and twice the memory
 * on a capture of 63,680 chat messages (objects made by a spread take another, slower shape).
 */
export function transactionLadderJson(t: TransactionRecord, ctx: RecordContext, conns: ConnectionLookup): LadderTransaction {
  const rq = t.request;
  const rs = t.response;
  const ends = conns(t.connection)?.ends(requestDir(t));
  const fields = rq === undefined ? undefined : partFields(rq);
  return {
    id: t.index,
    connection: t.connection,
    transactionId: t.transactionId,
    method: rq?.method ?? null,
    from: ends === undefined ? '' : hostPort(ends.src),
    to: ends === undefined ? '' : hostPort(ends.dst),
    state: transactionState(t),
    expects: t.expects,
    request:
      rq === undefined
        ? null
        : { direction: direction(rq.dir), at: jsonTime(rq.firstFrame, ctx), bodyLength: rq.bodyLength, flag: rq.flag ?? null, truncated: rq.truncated },
    response:
      rs === undefined
        ? null
        : { direction: direction(rs.dir), status: rs.status, comment: rs.comment, at: jsonTime(rs.firstFrame, ctx), truncated: rs.truncated },
    rttMs: transactionRtt(t),
    toPath: fields === undefined ? [] : [...fields.toPath],
    fromPath: fields === undefined ? [] : [...fields.fromPath],
    byteRange: rangeJson(fields?.byteRange),
    status: statusJson(fields?.status),
    message: messageIndexOf(t),
  };
}

/** What a ladder reads of a message, as messageJson gives it: its legs' counts and states, and its delivery. */
export function messageLadderJson(m: MessageRecord): LadderMessage {
  const d = computeDelivery(m);
  return {
    messageId: m.messageId,
    size: m.size(),
    state: m.state(),
    legs: hopsOf(m).map(({ leg }) => ({ connection: leg.connection, direction: direction(leg.dir), chunks: leg.chunks, bytes: leg.bytes, total: leg.total, state: leg.state() })),
    delivery: { state: d.state, code: d.code, latencyMs: d.latencyMs === null ? null : round3(d.latencyMs) },
  };
}

export function transactionJson(t: TransactionRecord, ctx: RecordContext, conns: ConnectionLookup): JsonTransaction {
  const rq = t.request;
  const rs = t.response;
  const ends = conns(t.connection)?.ends(requestDir(t));
  const fields = rq === undefined ? undefined : partFields(rq);
  return {
    id: t.index,
    connection: t.connection,
    transactionId: t.transactionId,
    method: rq?.method ?? null,
    from: ends === undefined ? '' : hostPort(ends.src),
    to: ends === undefined ? '' : hostPort(ends.dst),
    state: transactionState(t),
    expects: t.expects,
    request:
      rq === undefined
        ? null
        : {
            direction: direction(rq.dir),
            at: jsonTime(rq.firstFrame, ctx),
            lastFrame: rq.lastFrame.frame,
            bodyLength: rq.bodyLength,
            flag: rq.flag ?? null,
            truncated: rq.truncated,
            headers: headersJson(rq.headers),
            typed: typedHeadersJson(rq.headers),
          },
    response:
      rs === undefined
        ? null
        : {
            direction: direction(rs.dir),
            status: rs.status,
            comment: rs.comment,
            at: jsonTime(rs.firstFrame, ctx),
            lastFrame: rs.lastFrame.frame,
            truncated: rs.truncated,
            headers: headersJson(rs.headers),
            typed: typedHeadersJson(rs.headers),
          },
    extraResponses: t.extraResponses,
    rttMs: transactionRtt(t),
    toPath: fields === undefined ? [] : [...fields.toPath],
    fromPath: fields === undefined ? [] : [...fields.fromPath],
    messageId: fields?.messageId ?? null,
    byteRange: rangeJson(fields?.byteRange),
    contentType: fields?.contentType ?? null,
    status: statusJson(fields?.status),
    message: messageIndexOf(t),
    session: t.session?.index ?? null,
  };
}

export function authJson(a: AuthRecord, ctx: RecordContext): JsonAuth {
  const r = a.result();
  const g = a.granted();
  return {
    id: a.index,
    connection: a.connection,
    client: a.client,
    relay: a.relay,
    attempts: a.attempts.map((t) => {
      const rq = t.request === undefined ? undefined : partFields(t.request);
      const rs = t.response === undefined ? undefined : partFields(t.response);
      return {
        transaction: t.index,
        at: jsonTime(t.request?.firstFrame ?? a.first, ctx),
        authorization: rq?.hasAuthorization ?? false,
        status: t.response?.status ?? null,
        rttMs: transactionRtt(t),
        expires: rs?.expires ?? rq?.expires ?? null,
        minExpires: rs?.minExpires ?? null,
      };
    }),
    attemptCount: a.attemptCount,
    result: r.result,
    code: r.code,
    usePath: g === undefined ? [] : [...g.usePath],
    expires: g?.expires ?? null,
    first: jsonTime(a.first, ctx),
    last: jsonTime(a.last, ctx),
  };
}

function mediaJson(m: MsrpMedia): JsonMsrpMedia {
  return {
    transport: m.transport,
    proto: m.proto,
    port: m.port,
    address: m.address ?? null,
    path: [...m.path],
    sessionId: m.sessionId ?? null,
    acceptTypes: [...m.acceptTypes],
    acceptWrappedTypes: [...m.acceptWrappedTypes],
    maxSize: m.maxSize ?? null,
    setup: m.setup ?? null,
    connection: m.connection ?? null,
    cema: m.cema,
    direction: m.direction ?? null,
    fileSelector: m.fileSelector === undefined ? null : fileSelectorJson(m.fileSelector),
    fileTransferId: m.fileTransferId ?? null,
    fileDisposition: m.fileDisposition ?? null,
  };
}

function exchangeJson(x: SdpExchange | undefined, ctx: RecordContext): JsonSdpExchange | null {
  if (x === undefined) return null;
  return {
    kind: x.kind,
    method: x.method ?? null,
    status: x.status ?? null,
    at: jsonTime(x.frame, ctx),
    frames: [...x.frames],
    src: hostPort(x.src),
    dst: hostPort(x.dst),
    msrp: x.msrp.map(mediaJson),
  };
}

export function sipDialogJson(d: SipDialog, index: number, sessions: number[], ctx: RecordContext): JsonSipDialog {
  return {
    id: index,
    callId: d.callId,
    transport: d.transport,
    from: d.from?.uri ?? null,
    to: d.to?.uri ?? null,
    state: d.state,
    terminatedBy: d.terminatedBy ?? null,
    byeFrom: d.byeFrom ?? null,
    messages: d.messages,
    requests: counts(d.requests),
    responses: counts(d.responses),
    invites: d.invites,
    reInvites: d.reInvites,
    updates: d.updates,
    offer: exchangeJson(d.offer, ctx),
    answer: exchangeJson(d.answer, ctx),
    msrpSessionIds: [...d.msrpSessionIds],
    sessions,
    first: jsonTime(d.first, ctx),
    last: jsonTime(d.last, ctx),
  };
}

export function diagnosticJson(d: Diagnostic): JsonDiagnostic {
  const out: JsonDiagnostic = { code: d.code, severity: d.severity, frame: d.frame, connection: d.connection, detail: d.detail };
  if (d.offset !== undefined) out.offset = d.offset;
  return out;
}

/** Session-id of an endpoint URI (for callers that only have the URI). */
export function sessionIdOf(uri: string): string | null {
  return uriSessionId(uri) ?? null;
}
