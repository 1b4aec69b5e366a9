/**
 * The JSON document (`msrpscope/1`, see docs/json.md) as TypeScript types, each the static type of its
 * TypeBox declaration in ./document/ (the same declarations make the JSON Schema, src/export/schema.ts).
 * Type-only: importing these loads nothing at run time.
 */
export type { JsonAuth, JsonAuthAttempt } from './document/auth.js';
export type { JsonCapture, JsonSummary } from './document/capture.js';
export type {
  JsonDirection,
  JsonEndpoint,
  JsonFileSelector,
  JsonHeader,
  JsonRange,
  JsonStatus,
  JsonTime,
} from './document/common.js';
export type { JsonConnection, JsonDirStats } from './document/connection.js';
export type { CountMap } from './document/declare.js';
export type { JsonDiagnostic } from './document/diagnostic.js';
export type { JsonDocument } from './document/document.js';
export type {
  JsonComposing,
  JsonCpim,
  JsonDelivery,
  JsonFile,
  JsonImdnNotification,
  JsonLeg,
  JsonMessage,
  JsonReport,
  JsonRtt,
} from './document/message.js';
export type { JsonSession, JsonUri } from './document/session.js';
export type { JsonMsrpMedia, JsonSdpExchange, JsonSipDialog } from './document/sip.js';
export type {
  JsonMsrpUri,
  JsonParams,
  JsonRequestPart,
  JsonResponsePart,
  JsonTransaction,
  JsonTypedHeaders,
} from './document/transaction.js';
export type { JsonTls, JsonWebSocket } from './document/transport.js';
