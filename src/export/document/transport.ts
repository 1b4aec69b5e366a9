/**
 * The WebSocket and TLS facts of a connection (`connections[].websocket`, `connections[].tls`), as
 * src/transport/types.ts defines them and records.ts copies them. The type checks at the bottom keep the
 * two in step: a field added to the transport facts without being declared here does not compile.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { TlsFacts, WebSocketFacts } from '../../transport/types.js';
import { bool, closed, count, def, enumOf, nullable, pairOf, str, strings } from './declare.js';

/** Direction index: 0 = TCP client → server, as connection stats. */
const dirIndex = enumOf([0, 1]);

const wsFrameCounts = closed({ continuation: count(), text: count(), binary: count(), close: count(), ping: count(), pong: count() });

export const WebSocketDir = def(
  'webSocketDir',
  closed({
    frames: count('Valid frames read (a frame that breaks the protocol is reported, not counted).'),
    byOpcode: wsFrameCounts,
    masked: count('Frames with the MASK bit set.'),
    payloadBytes: count('Unmasked payload bytes of data frames forwarded to the MSRP layer.'),
    messages: count('Data messages completed (a FIN frame of text/binary, or its last continuation).'),
    fragmentedMessages: count('Completed or unfinished messages made of more than one frame (started with FIN=0).'),
    unfinishedMessage: bool('At close: a data message (fragmented) or a frame had not ended.'),
    close: nullable(
      closed({ code: nullable(count()), reason: str() }),
      'Close frame sent in this direction: status code (null when the frame had no payload) and reason.',
    ),
    msrpWhole: count('WS messages that held exactly one MSRP message.'),
    msrpSplit: count('WS messages that began an MSRP message without its end-line (ws-msrp-split).'),
    msrpMultiple: count('WS messages that held more bytes after the end-line of their first MSRP message (ws-msrp-multiple).'),
    broken: bool('A protocol error or a TCP gap stopped the deframing of this direction.'),
    brokenReason: nullable(str()),
  }),
);

export const WebSocket = def(
  'webSocket',
  closed(
    {
      kind: Type.Literal('websocket'),
      clientDir: dirIndex,
      upgraded: bool('True once the 101 response was seen: the connection then carries frames.'),
      status: nullable(count()),
      path: str('Request-target of the GET (escaped text).'),
      host: nullable(str()),
      origin: nullable(str()),
      offeredProtocols: strings('Sec-WebSocket-Protocol values offered by the client, in order (lower-cased).'),
      protocol: nullable(str()),
      extensions: nullable(str()),
      acceptValid: nullable(bool(), 'Sec-WebSocket-Accept matches the request key (null when either is missing).'),
      requestFrame: count(),
      responseFrame: nullable(count()),
      dirs: pairOf(WebSocketDir.ref, 'Index 0 = TCP client → server.'),
    },
    'Facts of a connection that sent an HTTP/1.1 WebSocket upgrade request (RFC 6455 section 4).',
  ),
);
export type JsonWebSocket = Static<typeof WebSocket.schema>;

export const decryptionState = enumOf([
  'decrypted',
  'partial',
  'none',
  'no-keylog',
  'no-keys',
  'no-handshake',
  'unsupported',
  'auth-failed',
  'gap',
  'bad-record',
]);

export const TlsDecryptionDir = def(
  'tlsDecryptionDir',
  closed({
    state: decryptionState,
    reason: nullable(str(), 'Why it is not `decrypted`, in words; null when it is.'),
    records: count(),
    bytes: count(),
    applicationBytes: count('Plaintext application_data bytes passed on to the next stage.'),
    keyUpdates: count('TLS 1.3 KeyUpdates applied.'),
  }),
);

export const TlsDecryption = def(
  'tlsDecryption',
  closed(
    { state: decryptionState, reason: nullable(str()), records: count(), bytes: count(), dirs: pairOf(TlsDecryptionDir.ref) },
    'What decryption with a key log made of the connection.',
  ),
);

export const TlsDir = def(
  'tlsDir',
  closed({
    records: count('Records whose header was read.'),
    bytes: count('Stream bytes of this direction (record headers included, and bytes that could not be framed).'),
    byType: closed({ changeCipherSpec: count(), alert: count(), handshake: count(), applicationData: count(), heartbeat: count() }),
    applicationDataBytes: count('Bytes of application_data record bodies.'),
    unframed: bool('Record framing was lost (bad header, TCP gap, capture starting inside a record).'),
  }),
);

export const TlsAlert = def(
  'tlsAlert',
  closed({
    dir: dirIndex,
    frame: count(),
    level: nullable(count(), '1 warning, 2 fatal; null when the alert was encrypted.'),
    description: nullable(count()),
    name: str("Name of the description, or 'encrypted'."),
  }),
);

export const Tls = def(
  'tls',
  closed(
    {
      kind: Type.Literal('tls'),
      handshakeSeen: bool('A ClientHello or ServerHello was seen.'),
      midStream: bool('The capture starts after the handshake.'),
      recordVersion: nullable(str(), 'Version in the first record header seen.'),
      offeredVersions: strings(),
      version: nullable(str(), 'Negotiated version.'),
      sni: nullable(str()),
      alpnOffered: strings(),
      alpn: nullable(str()),
      cipherSuite: nullable(count()),
      cipher: nullable(str()),
      clientRandom: nullable(str(), 'ClientHello random as hex: the key of an NSS key log line.'),
      certSubject: nullable(str()),
      certIssuer: nullable(str()),
      handshakeMessages: strings('Handshake message types seen in clear, in order (bounded).'),
      alerts: Type.Array(TlsAlert.ref),
      dirs: pairOf(TlsDir.ref, 'Index 0 = TCP client → server.'),
      decryption: TlsDecryption.ref,
    },
    'Facts of a TLS connection, from its clear-text records only.',
  ),
);
export type JsonTls = Static<typeof Tls.schema>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
/** Compile-time: the declarations above are exactly the transport layer's facts. */
export type TransportFactsDeclared = [Holds<Same<JsonWebSocket, WebSocketFacts>>, Holds<Same<JsonTls, TlsFacts>>];
