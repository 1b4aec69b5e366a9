/**
 * The `msrpscope/1` document (see JSON-CONTRACT.md): its sections, and every named record its schema's
 * `$defs` holds. Times are ISO-8601 UTC strings with the capture's precision plus epoch seconds; durations
 * are milliseconds; Byte-Range positions are numbers (null for `*`); status codes are numbers. Map-like
 * objects (`requests`, `responses`, `diagnostics`) are built from Maps with Object.fromEntries.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Auth } from './auth.js';
import { Capture, Summary } from './capture.js';
import { Endpoint, FileSelector, Header, Range, Status, Time } from './common.js';
import { Connection, DirStats } from './connection.js';
import { closed, str, type Def } from './declare.js';
import { Diagnostic } from './diagnostic.js';
import { Cpim, Composing, Delivery, File, Imdn, Leg, Message, Report } from './message.js';
import { Session, Uri } from './session.js';
import { MsrpMedia, SdpExchange, SipDialog } from './sip.js';
import { AuthValue, MsrpUri, Params, Transaction, TypedHeaders } from './transaction.js';
import { Tls, TlsAlert, TlsDecryption, TlsDecryptionDir, TlsDir, WebSocket, WebSocketDir } from './transport.js';

export const Document = closed({
  schema: Type.Literal('msrpscope/1'),
  tool: closed({ name: Type.Literal('msrpscope'), version: str() }),
  capture: Capture,
  summary: Summary,
  connections: Type.Array(Connection.ref),
  sessions: Type.Array(Session.ref),
  messages: Type.Array(Message.ref),
  transactions: Type.Array(Transaction.ref),
  auth: Type.Array(Auth.ref),
  sip: Type.Array(SipDialog.ref),
  diagnostics: Type.Array(Diagnostic.ref),
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
