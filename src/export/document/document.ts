/**
 * The `msrpscope/1` document (see docs/json.md): its sections, and every named record its schema's
 * `$defs` holds. Times are ISO-8601 UTC strings with the capture's precision plus epoch seconds; durations
 * are milliseconds; Byte-Range positions are numbers (null for `*`); status codes are numbers. Map-like
 * objects (`requests`, `responses`, `diagnostics`) are built from Maps with Object.fromEntries.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Auth } from './auth.js';
import { Capture, Summary } from './capture.js';
import { Endpoint, FileSelector, Header, Range, Status, Time } from './common.js';
import { Connection, DirStats } from './connection.js';
import { closed, described, str, type Def } from './declare.js';
import { Diagnostic } from './diagnostic.js';
import { Cpim, Composing, Delivery, File, Imdn, Leg, Message, Report } from './message.js';
import { Session, Uri } from './session.js';
import { MsrpMedia, SdpExchange, SipDialog } from './sip.js';
import { AuthValue, MsrpUri, Params, Transaction, TypedHeaders } from './transaction.js';
import { Tls, TlsAlert, TlsDecryption, TlsDecryptionDir, TlsDir, WebSocket, WebSocketDir } from './transport.js';

export const Document = closed({
  schema: described(Type.Literal('msrpscope/1'), 'The document format; a new key may be added, none changes meaning.'),
  tool: closed({ name: Type.Literal('msrpscope'), version: str() }, 'The program that wrote it.'),
  capture: described(Capture, 'The files read.'),
  summary: described(Summary, 'The counts (recounted from what is kept when the output is filtered).'),
  connections: described(Type.Array(Connection.ref), 'TCP connections, in order of first packet (index = id).'),
  sessions: described(Type.Array(Session.ref), 'MSRP sessions (a pair of endpoint URIs) across their connections.'),
  messages: described(Type.Array(Message.ref), 'MSRP messages: chunks joined by Message-ID and Byte-Range, one leg per hop, REPORTs, delivery, decoded body.'),
  transactions: described(Type.Array(Transaction.ref), 'MSRP requests with their responses, in order of the request (or orphan response).'),
  auth: described(Type.Array(Auth.ref), 'AUTH exchanges with relays (RFC 4976).'),
  sip: described(Type.Array(SipDialog.ref), 'SIP dialogs whose SDP offered MSRP media.'),
  diagnostics: described(Type.Array(Diagnostic.ref), 'Findings about the capture: gaps, malformed frames, protocol violations (rate-limited per code).'),
});
export type JsonDocument = Static<typeof Document>;

/** Every named record, in the order the schema lists them under `$defs`. */
export const DEFS: ReadonlyArray<Def<TSchema>> = [
  Time,
  Endpoint,
  Range,
  Status,
  Header,
  FileSelector,
  DirStats,
  Connection,
  WebSocket,
  WebSocketDir,
  Tls,
  TlsDir,
  TlsAlert,
  TlsDecryption,
  TlsDecryptionDir,
  Uri,
  Params,
  MsrpUri,
  AuthValue,
  TypedHeaders,
  Session,
  Leg,
  Report,
  Delivery,
  Cpim,
  Imdn,
  Composing,
  File,
  Message,
  Transaction,
  Auth,
  MsrpMedia,
  SdpExchange,
  SipDialog,
  Diagnostic,
];
