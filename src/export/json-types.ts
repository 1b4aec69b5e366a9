import type { TlsFacts, WebSocketFacts } from '../transport/types.js';

/**
 * The JSON document (`msrpscope/1`, see JSON-CONTRACT.md) as TypeScript types. Times are ISO-8601 UTC
 * strings with the capture's precision plus epoch seconds; durations are milliseconds; Byte-Range
 * positions are numbers (null for `*`); status codes are numbers. Map-like objects (`requests`,
 * `responses`, `diagnostics`) are built from Maps with Object.fromEntries, never by assignment.
 */

export type CountMap = Record<string, number>;

/** A moment tied to a frame. */
export interface JsonTime {
  frame: number;
  time: string;
  epoch: number;
}

export interface JsonEndpoint {
  address: string;
  port: number;
}

export type JsonDirection = 'c2s' | 's2c';

export interface JsonCapture {
  files: string[];
  format: 'pcap' | 'pcapng' | null;
  compressed: boolean;
  linkTypes: string[];
  packets: number;
  bytes: number;
  first: string | null;
  last: string | null;
  firstEpoch: number | null;
  lastEpoch: number | null;
  truncated: boolean;
}

export interface JsonSummary {
  connections: { total: number; msrp: number; tls: number; websocket: number };
  /** Complete requests by method (end-line seen), every wire occurrence. */
  requests: CountMap;
  /** Complete responses by status code. */
  responses: CountMap;
  /**
   * Requests and responses cut by a gap or the end of the capture (not counted above), and messages seen
   * only in such frames (not in messages[]).
   */
  truncated: { requests: CountMap; responses: CountMap; messages: number };
  messages: { total: number; complete: number; aborted: number; incomplete: number };
  sessions: number;
  sipDialogs: number;
  bytesSkipped: number;
  diagnostics: CountMap;
  transactions: { total: number; answered: number; unanswered: number; noResponseExpected: number; orphanResponses: number };
  delivery: { delivered: number; failed: number; unknown: number };
  auth: number;
}

export interface JsonDirStats {
  packets: number;
  bytes: number;
  delivered: number;
  retransmissions: number;
  outOfOrder: number;
  gaps: number;
  missingBytes: number;
}

export interface JsonConnection {
  id: number;
  proto: 'tcp';
  client: JsonEndpoint;
  server: JsonEndpoint;
  transport: 'tcp' | 'tls' | 'websocket';
  msrp: boolean;
  sawSyn: boolean;
  first: JsonTime;
  last: JsonTime;
  durationMs: number;
  ended: string | null;
  stats: { c2s: JsonDirStats; s2c: JsonDirStats };
  requests: CountMap;
  responses: CountMap;
  sessions: number[];
  /** What it carries, in words: `MSRP`, `MSRP over WebSocket`, `MSRP over TLS (encrypted)`, `TLS (encrypted)`, `TCP`. */
  label: string;
  /** Why an encrypted connection is probably MSRP (SDP, msrps: URI, SNI, ALPN, port), else null. */
  msrpOverTls: string | null;
  /** Handshake facts and frame counts of a WebSocket connection. */
  websocket: WebSocketFacts | null;
  /** Clear-text handshake facts, records and bytes of a TLS connection. */
  tls: TlsFacts | null;
}

export interface JsonUri {
  uri: string;
  sessionId: string | null;
}

export interface JsonSession {
  id: number;
  endpoints: [JsonUri, JsonUri];
  relays: string[];
  connections: number[];
  requests: CountMap;
  messages: number;
  /** Distinct message body bytes seen (each message counted once). */
  bytes: number;
  /** Body bytes of SEND chunks on every leg. */
  wireBytes: number;
  first: JsonTime;
  last: JsonTime;
  durationMs: number;
  sip: { dialog: number; callId: string } | null;
  fileSelector: JsonFileSelector | null;
}

export interface JsonRange {
  start: number;
  end: number | null;
  total: number | null;
}

export interface JsonStatus {
  namespace: number;
  code: number;
  comment: string;
}

export interface JsonRtt {
  min: number;
  max: number;
  mean: number;
  count: number;
}

export interface JsonLeg {
  connection: number;
  direction: JsonDirection;
  from: string;
  to: string;
  /** URIs in the To-Path on this leg (1: the next hop is the receiver). */
  hops: number;
  chunks: number;
  bytes: number;
  covered: number;
  ranges: Array<[number, number]>;
  holes: Array<[number, number]>;
  overlapBytes: number;
  outOfOrder: number;
  truncatedChunks: number;
  total: number | null;
  lastFlag: '$' | '+' | '#' | null;
  state: 'complete' | 'aborted' | 'incomplete';
  first: JsonTime;
  last: JsonTime;
  /** From the previous leg's first chunk (0 for the first leg). */
  delayMs: number;
  /** From the message's first chunk. */
  offsetMs: number;
  responses: CountMap;
  rttMs: JsonRtt | null;
  finalResponse: { status: number; frame: number; rttMs: number | null } | null;
  sha256: string | null;
}

export interface JsonReport {
  transaction: number;
  connection: number;
  direction: JsonDirection;
  at: JsonTime;
  status: JsonStatus | null;
  byteRange: JsonRange | null;
}

export interface JsonDelivery {
  state: 'delivered' | 'failed' | 'unknown';
  code: number | null;
  via: 'report' | 'response' | null;
  at: JsonTime | null;
  latencyMs: number | null;
}

export interface JsonHeader {
  name: string;
  value: string;
}

export interface JsonCpim {
  from: string | null;
  to: string[];
  cc: string[];
  dateTime: string | null;
  subject: string[];
  ns: Array<{ prefix: string; uri: string }>;
  imdnMessageId: string | null;
  imdnDisposition: string | null;
  headers: JsonHeader[];
  contentType: string | null;
  contentHeaders: JsonHeader[];
}

export interface JsonImdnNotification {
  messageId: string;
  kind: 'delivery' | 'display' | 'processing' | null;
  status: string | null;
  dateTime: string | null;
  recipient: string | null;
  /** The message (index) this notification is about, when it was seen. */
  acknowledges: number | null;
}

export interface JsonComposing {
  state: 'active' | 'idle' | null;
  contentType: string | null;
  refresh: number | null;
  lastActive: string | null;
}

export interface JsonFileSelector {
  name: string | null;
  type: string | null;
  size: number | null;
  hash: { algorithm: string; hex: string } | null;
}

export interface JsonFile {
  selector: JsonFileSelector;
  state: 'verified' | 'mismatch' | 'incomplete' | 'unverified';
  expectedSize: number | null;
  actualSize: number | null;
  algorithm: string | null;
  expectedHash: string | null;
  actualHash: string | null;
}

export interface JsonMessage {
  id: number;
  messageId: string;
  session: number | null;
  from: string | null;
  to: string | null;
  contentType: string | null;
  contentDisposition: string | null;
  size: number | null;
  bytesSeen: number;
  state: 'complete' | 'aborted' | 'incomplete';
  chunks: number;
  sha256: string | null;
  sha1: string | null;
  preview: string | null;
  previewTruncated: boolean;
  first: JsonTime;
  last: JsonTime;
  successReport: string | null;
  failureReport: string | null;
  legs: JsonLeg[];
  reports: JsonReport[];
  reportCount: number;
  delivery: JsonDelivery;
  cpim: JsonCpim | null;
  imdn: JsonImdnNotification | null;
  /** IMDN notifications (message indices) that acknowledge this message. */
  notifications: number[];
  composing: JsonComposing | null;
  file: JsonFile | null;
}

/** URI parameters / header parameters as [name, value] pairs (null value for a bare name). */
export type JsonParams = Array<[string, string | null]>;

export interface JsonMsrpUri {
  raw: string;
  scheme: 'msrp' | 'msrps';
  user: string | null;
  host: string;
  hostKind: 'ipv4' | 'ipv6' | 'fqdn';
  dotInvalid: boolean;
  port: number | null;
  sessionId: string | null;
  transport: string;
  params: JsonParams;
}

/** The headers RFC 4975 / 4976 / 7701 define, typed by src/msrp/headers.ts; the rest raw in `other`. */
export interface JsonTypedHeaders {
  toPath: JsonMsrpUri[] | null;
  fromPath: JsonMsrpUri[] | null;
  usePath: JsonMsrpUri[] | null;
  messageId: string | null;
  byteRange: JsonRange | null;
  successReport: 'yes' | 'no' | null;
  failureReport: 'yes' | 'no' | 'partial' | null;
  status: JsonStatus | null;
  contentType: { type: string; subtype: string; mediaType: string; params: JsonParams } | null;
  contentId: string | null;
  contentDescription: string | null;
  contentDisposition: { disposition: string; params: JsonParams } | null;
  expires: number | null;
  minExpires: number | null;
  maxExpires: number | null;
  wwwAuthenticate: { scheme: string | null; params: JsonParams } | null;
  authorization: { scheme: string | null; params: JsonParams } | null;
  authenticationInfo: { scheme: string | null; params: JsonParams } | null;
  useNickname: string | null;
  other: JsonHeader[];
}

export interface JsonRequestPart {
  direction: JsonDirection;
  at: JsonTime;
  lastFrame: number;
  bodyLength: number;
  flag: '$' | '+' | '#' | null;
  truncated: boolean;
  headers: JsonHeader[];
  typed: JsonTypedHeaders;
}

export interface JsonResponsePart {
  direction: JsonDirection;
  status: number;
  comment: string;
  at: JsonTime;
  lastFrame: number;
  truncated: boolean;
  headers: JsonHeader[];
  typed: JsonTypedHeaders;
}

export interface JsonTransaction {
  id: number;
  connection: number;
  transactionId: string;
  method: string | null;
  from: string;
  to: string;
  state: 'answered' | 'unanswered' | 'no-response-expected' | 'orphan-response';
  expects: 'response' | 'none' | 'failure-only';
  request: JsonRequestPart | null;
  response: JsonResponsePart | null;
  extraResponses: number;
  rttMs: number | null;
  toPath: string[];
  fromPath: string[];
  messageId: string | null;
  byteRange: JsonRange | null;
  contentType: string | null;
  status: JsonStatus | null;
  message: number | null;
  session: number | null;
}

export interface JsonAuthAttempt {
  transaction: number;
  at: JsonTime;
  authorization: boolean;
  status: number | null;
  rttMs: number | null;
  expires: number | null;
  minExpires: number | null;
}

export interface JsonAuth {
  id: number;
  connection: number;
  client: string;
  relay: string;
  attempts: JsonAuthAttempt[];
  attemptCount: number;
  result: 'authorized' | 'challenged' | 'rejected' | 'unanswered';
  code: number | null;
  usePath: string[];
  expires: number | null;
  first: JsonTime;
  last: JsonTime;
}

export interface JsonMsrpMedia {
  transport: string;
  proto: string;
  port: number;
  address: string | null;
  path: string[];
  sessionId: string | null;
  acceptTypes: string[];
  acceptWrappedTypes: string[];
  maxSize: number | null;
  setup: string | null;
  connection: string | null;
  cema: boolean;
  direction: string | null;
  fileSelector: JsonFileSelector | null;
  fileTransferId: string | null;
  fileDisposition: string | null;
}

export interface JsonSdpExchange {
  kind: 'request' | 'response';
  method: string | null;
  status: number | null;
  at: JsonTime;
  frames: number[];
  src: string;
  dst: string;
  msrp: JsonMsrpMedia[];
}

export interface JsonSipDialog {
  id: number;
  callId: string;
  transport: string;
  from: string | null;
  to: string | null;
  state: string;
  terminatedBy: string | null;
  byeFrom: string | null;
  messages: number;
  requests: CountMap;
  responses: CountMap;
  invites: number;
  reInvites: number;
  updates: number;
  offer: JsonSdpExchange | null;
  answer: JsonSdpExchange | null;
  msrpSessionIds: string[];
  sessions: number[];
  first: JsonTime;
  last: JsonTime;
}

export interface JsonDiagnostic {
  code: string;
  severity: 'error' | 'warning' | 'note';
  frame: number;
  connection: number;
  offset?: number;
  detail: string;
}

export interface JsonDocument {
  schema: 'msrpscope/1';
  tool: { name: 'msrpscope'; version: string };
  capture: JsonCapture;
  summary: JsonSummary;
  connections: JsonConnection[];
  sessions: JsonSession[];
  messages: JsonMessage[];
  transactions: JsonTransaction[];
  auth: JsonAuth[];
  sip: JsonSipDialog[];
  diagnostics: JsonDiagnostic[];
}
