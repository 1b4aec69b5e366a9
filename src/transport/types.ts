import type { Dir } from '../tcp/types.js';

/** Frames seen per opcode in one direction of a WebSocket connection. Reserved opcodes break the direction. */
export interface WsFrameCounts {
  continuation: number;
  text: number;
  binary: number;
  close: number;
  ping: number;
  pong: number;
}

/** One direction of a WebSocket connection (index 0 = TCP client → server, as TcpConnection.stats). */
export interface WsDirFacts {
  /** Valid frames read (a frame that breaks the protocol is reported, not counted). */
  frames: number;
  byOpcode: WsFrameCounts;
  /** Frames with the MASK bit set. */
  masked: number;
  /** Unmasked payload bytes of data frames forwarded to the MSRP layer. */
  payloadBytes: number;
  /** Data messages completed (a FIN frame of text/binary, or its last continuation). */
  messages: number;
  /** Completed or unfinished messages made of more than one frame (started with FIN=0). */
  fragmentedMessages: number;
  /** At close: a data message (fragmented) or a frame had not ended. */
  unfinishedMessage: boolean;
  /** Close frame sent in this direction: status code (null when the frame had no payload) and reason. */
  close: { code: number | null; reason: string } | null;
  /** WS messages that held exactly one MSRP message (start-line at the start, its end-line at the end). */
  msrpWhole: number;
  /** WS messages that began an MSRP message without its end-line (ws-msrp-split). */
  msrpSplit: number;
  /** WS messages that held more bytes after the end-line of their first MSRP message (ws-msrp-multiple). */
  msrpMultiple: number;
  /** A protocol error or a TCP gap stopped the deframing of this direction. */
  broken: boolean;
  /** Why it broke (one line), null when not broken. */
  brokenReason: string | null;
}

/** Facts of a connection that sent an HTTP/1.1 WebSocket upgrade request (RFC 6455 section 4). */
export interface WebSocketFacts {
  kind: 'websocket';
  /** Direction that sent the upgrade request (0 unless the capture missed the SYN and guessed roles wrongly). */
  clientDir: Dir;
  /** True once the 101 response was seen: the connection then carries frames. */
  upgraded: boolean;
  /** Status code of the response, null when none was seen. */
  status: number | null;
  /** Request-target of the GET (escaped text). */
  path: string;
  host: string | null;
  origin: string | null;
  /** Sec-WebSocket-Protocol values offered by the client, in order (lower-cased). */
  offeredProtocols: string[];
  /** Sec-WebSocket-Protocol chosen by the server (lower-cased), null when absent. `msrp` per RFC 7977. */
  protocol: string | null;
  /** Sec-WebSocket-Extensions of the response, null when absent. */
  extensions: string | null;
  /** Sec-WebSocket-Accept matches the request's key (null when either is missing). */
  acceptValid: boolean | null;
  /** Frame numbers of the request and of the response heads' last bytes. */
  requestFrame: number;
  responseFrame: number | null;
  dirs: [WsDirFacts, WsDirFacts];
}

export interface TlsRecordCounts {
  changeCipherSpec: number;
  alert: number;
  handshake: number;
  applicationData: number;
  heartbeat: number;
}

export interface TlsDirFacts {
  /** Records whose header was read. */
  records: number;
  /** Stream bytes of this direction (record headers included, and bytes that could not be framed). */
  bytes: number;
  byType: TlsRecordCounts;
  /** Bytes of application_data record bodies (encrypted MSRP, for TLS 1.3 also encrypted handshake). */
  applicationDataBytes: number;
  /** Record framing was lost (bad header, TCP gap, capture starting inside a record). */
  unframed: boolean;
}

export interface TlsAlert {
  dir: Dir;
  frame: number;
  /** 1 warning, 2 fatal; null when the alert was encrypted. */
  level: number | null;
  description: number | null;
  /** Name of the description, or 'encrypted'. */
  name: string;
}

/** Facts of a TLS connection, from its clear-text records only. */
export interface TlsFacts {
  kind: 'tls';
  /** A ClientHello or ServerHello was seen. */
  handshakeSeen: boolean;
  /** The capture starts after the handshake (no hello seen, first record not a handshake). */
  midStream: boolean;
  /** Version in the first record header seen ('TLS 1.2' ...). */
  recordVersion: string | null;
  /** Versions the client offered (supported_versions, else the legacy version). */
  offeredVersions: string[];
  /** Negotiated version (ServerHello supported_versions for TLS 1.3, else its legacy version). */
  version: string | null;
  sni: string | null;
  alpnOffered: string[];
  alpn: string | null;
  cipherSuite: number | null;
  cipher: string | null;
  /** ClientHello random as hex: the key of the CLIENT_RANDOM / *_TRAFFIC_SECRET lines of an NSS key log. */
  clientRandom: string | null;
  /** First certificate of the server (TLS <= 1.2 only; TLS 1.3 encrypts it): 'CN=..., O=...'. */
  certSubject: string | null;
  certIssuer: string | null;
  /** Handshake message types seen in clear, in order (bounded). */
  handshakeMessages: string[];
  alerts: TlsAlert[];
  dirs: [TlsDirFacts, TlsDirFacts];
  /** What decryption with a key log made of the connection. */
  decryption: TlsDecryptionFacts;
}

/**
 * Decryption of one direction, or of the connection:
 * - `decrypted`: every encrypted record read was decrypted (`none` for a direction that sent none);
 * - `partial` (connection only): one direction, or the start of one, was decrypted and the rest not;
 * - `no-keylog`: no key material was given (no --keylog, no pcapng secrets);
 * - `no-keys`: the key log has no secrets for this connection's client random (or not for this direction);
 * - `no-handshake`: the handshake is not in the capture (no client random to look the keys up by);
 * - `unsupported`: the cipher suite (or protocol version) is one msrpscope does not decrypt;
 * - `auth-failed`: a record failed authentication (wrong key, or damaged bytes);
 * - `gap`: bytes missing inside the stream, record sequence lost;
 * - `bad-record`: a record too long, or record framing lost.
 */
export type TlsDecryptionState =
  | 'decrypted'
  | 'partial'
  | 'none'
  | 'no-keylog'
  | 'no-keys'
  | 'no-handshake'
  | 'unsupported'
  | 'auth-failed'
  | 'gap'
  | 'bad-record';

export interface TlsDecryptionDirFacts {
  state: TlsDecryptionState;
  /** Why it is not `decrypted`, in words ("record failed authentication at frame 12"); null when it is. */
  reason: string | null;
  /** Records decrypted, and plaintext bytes they held (all content types). */
  records: number;
  bytes: number;
  /** Plaintext application_data bytes passed on to the next stage. */
  applicationBytes: number;
  /** TLS 1.3 KeyUpdates applied. */
  keyUpdates: number;
}

export interface TlsDecryptionFacts {
  state: TlsDecryptionState;
  reason: string | null;
  /** Both directions' records and bytes together. */
  records: number;
  bytes: number;
  dirs: [TlsDecryptionDirFacts, TlsDecryptionDirFacts];
}

/** Transport facts of one connection: TLS, WebSocket, or both (WebSocket inside decrypted TLS). */
export interface ConnectionTransportFacts {
  tls: TlsFacts | null;
  websocket: WebSocketFacts | null;
}

export interface TransportStats {
  /** Connections upgraded to WebSocket (101 seen). */
  websocket: number;
  /** Connections carrying TLS records. */
  tls: number;
  /** WebSocket frames read (both directions, all connections). */
  wsFrames: number;
  /** WebSocket connections with at least one broken direction (protocol error or gap). */
  brokenWs: number;
  /** TLS records read. */
  tlsRecords: number;
  /** TLS connections with at least one record decrypted, and TLS records decrypted. */
  tlsDecrypted: number;
  tlsRecordsDecrypted: number;
  /** WebSocket data payload bytes forwarded to the next stage. */
  wsPayloadBytes: number;
}
