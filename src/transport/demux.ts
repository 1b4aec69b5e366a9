/*
 * Transport demultiplexer: sits between TCP reassembly (src/tcp) and the MSRP parser (src/msrp).
 *
 * Per connection, the first stream bytes decide what it carries:
 *   - a TLS record header (16 03 0x; when the capture starts mid-connection also 14/15/17 03 0x with a
 *     plausible length, or the reassembler's conn.transport hint) → TLS: conn.transport = 'tls' is set
 *     before anything is passed on; a TlsTracker reads the clear-text records for the facts (version, SNI,
 *     ALPN, cipher, certificate names, alerts, records and bytes per direction). Encrypted bytes are not
 *     passed on: `next` only sees open() and close() of the connection.
 *   - `GET ` with `Upgrade: websocket`, answered by `HTTP/1.1 101` → WebSocket: conn.transport =
 *     'websocket'; both heads are consumed (held, bounded, until the decision), then each direction is
 *     deframed (RFC 6455) and the unmasked payload of data frames goes to next.data() as one continuous
 *     stream per direction, one call per frame piece, `from` = the frame that carried those bytes.
 *   - anything else → plain: every call is passed on unchanged (same buffers, same frames). Bytes held while
 *     deciding (an HTTP head that turns out not to be an upgrade) are replayed as the same calls.
 *
 * Decryption with an NSS key log (--keylog, TLS 1.2 AES-GCM and TLS 1.3) slots in here without touching the
 * MSRP layer (design only, not implemented):
 *   1. The cli reads the key log into a KeyLog: client_random (hex) → secrets of that connection:
 *      CLIENT_RANDOM (TLS 1.2 master secret), CLIENT_/SERVER_HANDSHAKE_TRAFFIC_SECRET and
 *      CLIENT_/SERVER_TRAFFIC_SECRET_0 (TLS 1.3). It arrives as TransportDemuxOptions.keylog.
 *   2. TlsTracker already has what decryption needs: the ClientHello random (facts.clientRandom, the key log
 *      lookup key), the ServerHello random, the negotiated version and cipher suite, and per direction the
 *      record boundaries, content types and the ChangeCipherSpec point. Once the ServerHello is parsed and
 *      the key log knows the client random, a TlsDecryptor per direction derives key and IV (TLS 1.2:
 *      PRF(master_secret, "key expansion", server_random + client_random); TLS 1.3: HKDF-Expand-Label of the
 *      traffic secret with "key" / "iv"), keeps the 64-bit record sequence number and opens each AEAD record
 *      with node:crypto (aes-128-gcm, aes-256-gcm, chacha20-poly1305; nonce = salt + explicit nonce for
 *      TLS 1.2 GCM, iv XOR sequence number for TLS 1.3; additional data = sequence number + type + version +
 *      length for TLS 1.2, the record header for TLS 1.3).
 *   3. AEAD needs whole records: for a direction being decrypted, TlsRecordReader's fragment() pieces are
 *      gathered into one buffer per record (at most TLS_MAX_RECORD bytes, so memory stays bounded).
 *   4. Decrypted application_data is passed on as next.data(conn, dir, plaintext, from) with `from` = the
 *      frame that carried the record's last byte: for `next` a decrypted TLS connection is a plain stream,
 *      and conn.transport stays 'tls' so outputs can say "MSRP over TLS (decrypted)". Decrypted TLS 1.3
 *      handshake records (EncryptedExtensions, Certificate) go to the HandshakeReader, so certificate facts
 *      work for TLS 1.3 too; KeyUpdate switches secrets. A record failing authentication stops decryption
 *      of that direction (a diagnostic); a TCP gap is passed on as next.gap() and stops it too (sequence
 *      numbers are lost).
 *   5. Nothing in src/msrp changes: MsrpTap parses whatever data it is given. (Its own check that skips
 *      connections marked 'tls' is redundant behind this demux, which never passes encrypted bytes on;
 *      it has to go when decrypted bytes start to flow.)
 */
import type { FrameRef } from '../capture/types.js';
import type { CloseReason, Dir, TcpConnection, TcpSink } from '../tcp/types.js';
import type { DiagnosticSink } from '../util/diagnostics.js';
import { TRANSPORT_SEVERITY } from './codes.js';
import { TlsTracker } from './tls.js';
import { TLS_MAX_RECORD } from './tls-records.js';
import type { TransportFacts, TransportStats, WebSocketFacts } from './types.js';
import { WsConnection } from './ws-connection.js';
import { expectedAccept, headEnd, MAX_HTTP_HEAD, parseUpgradeRequest, parseUpgradeResponse, type UpgradeRequest } from './ws-handshake.js';

export interface TransportDemuxOptions {
  onDiagnostic?: DiagnosticSink;
  /** Reserved for TLS decryption with an NSS key log (see the design above); ignored today. */
  keylog?: unknown;
  /** Bytes held per connection while an HTTP upgrade is pending (default 64 KiB); beyond it: plain. */
  maxHeldBytes?: number;
  /** Diagnostics of a repeating code (ws-msrp-split ...) per connection before the rest are only counted in the facts (default 10). */
  diagnosticsPerConnection?: number;
}

/** Facts by connection object, for exporters that hold the TcpConnection (see getTransportFacts). */
const registry = new WeakMap<TcpConnection, TransportFacts>();

/** WebSocket or TLS facts of a connection seen by a TransportDemux, undefined for plain connections. */
export function getTransportFacts(conn: TcpConnection): TransportFacts | undefined {
  return registry.get(conn);
}

const SNIFF = 0;
const PLAIN = 1;
/** Plain, but the other direction's first bytes may still show TLS (capture started mid-connection, or a gap came first). */
const PLAIN_WATCH = 2;
const TLS = 3;
const HTTP = 4;
const WS = 5;

/** Held while deciding: a copy of a data call, or a gap. */
interface Held {
  dir: Dir;
  bytes: Buffer | undefined;
  gap: number;
  from: FrameRef;
}

interface HttpState {
  reqDir: Dir;
  heads: [Buffer | undefined, Buffer | undefined];
  headLen: [number, number];
  /** Offset just past each head's blank line, -1 until found. */
  headEnd: [number, number];
  request: UpgradeRequest | undefined;
  facts: WebSocketFacts | undefined;
}

interface Entry {
  conn: TcpConnection;
  kind: number;
  held: Held[];
  heldBytes: number;
  /** PLAIN_WATCH: the direction that decided plain. */
  plainDir: Dir;
  http: HttpState | undefined;
  ws: WsConnection | undefined;
  tls: TlsTracker | undefined;
  /** Diagnostics emitted per limited code. */
  limits: Map<string, number> | undefined;
}

const SNIFF_PLAIN = 0;
const SNIFF_MORE = 1;
const SNIFF_TLS = 2;
const SNIFF_HTTP = 3;

const GET = Buffer.from('GET ', 'latin1');
const HTTP_PREFIX = Buffer.from('HTTP/', 'latin1');

/**
 * What the first bytes of a direction say: b[0..n) are its first n bytes. With `midStream`, a record header of
 * any type 20..23 with a plausible length counts (the handshake was not captured), as the reassembler's hint.
 */
function sniff(b: Buffer, n: number, midStream: boolean): number {
  if (n === 0) return SNIFF_MORE;
  const b0 = b[0]!;
  if (b0 === 0x47) {
    const k = Math.min(n, 4);
    if (b.compare(GET, 0, k, 0, k) !== 0) return SNIFF_PLAIN;
    return n >= 4 ? SNIFF_HTTP : SNIFF_MORE;
  }
  if (b0 < 20 || b0 > 23 || (b0 !== 22 && !midStream)) return SNIFF_PLAIN;
  if (n >= 2 && b[1] !== 0x03) return SNIFF_PLAIN;
  if (n >= 3 && b[2]! > 0x04) return SNIFF_PLAIN;
  if (!midStream) return n >= 3 ? SNIFF_TLS : SNIFF_MORE;
  if (n < 5) return SNIFF_MORE;
  const len = b.readUInt16BE(3);
  return len > 0 && len <= TLS_MAX_RECORD ? SNIFF_TLS : SNIFF_PLAIN;
}

/**
 * TcpSink in, TcpSink out: recognises TLS and WebSocket connections on any port (see the comment at the top
 * of this file), deframes WebSocket and keeps per-connection facts; plain connections pass through untouched.
 */
export class TransportDemux implements TcpSink {
  readonly stats: TransportStats = { websocket: 0, tls: 0, wsFrames: 0, brokenWs: 0, tlsRecords: 0, wsPayloadBytes: 0 };
  /** Facts of every TLS and WebSocket (or attempted upgrade) connection, by connection id; kept after close. */
  readonly facts = new Map<number, TransportFacts>();
  private readonly entries = new Map<number, Entry>();
  private readonly onDiagnostic: DiagnosticSink | undefined;
  private readonly maxHeld: number;
  private readonly perConnection: number;

  constructor(
    private readonly next: TcpSink,
    opts: TransportDemuxOptions = {},
  ) {
    this.onDiagnostic = opts.onDiagnostic;
    this.maxHeld = Math.max(MAX_HTTP_HEAD * 2, opts.maxHeldBytes ?? 64 * 1024);
    this.perConnection = Math.max(1, opts.diagnosticsPerConnection ?? 10);
  }

  /** Same as the exported getTransportFacts, by connection id. */
  getTransportFacts(conn: TcpConnection | number): TransportFacts | undefined {
    return this.facts.get(typeof conn === 'number' ? conn : conn.id);
  }

  open(conn: TcpConnection): void {
    this.ensure(conn);
    this.next.open(conn);
  }

  data(conn: TcpConnection, dir: Dir, bytes: Buffer, from: FrameRef): void {
    const e = this.entries.get(conn.id) ?? this.ensure(conn);
    switch (e.kind) {
      case PLAIN:
        this.next.data(conn, dir, bytes, from);
        return;
      case WS:
        e.ws!.push(dir, bytes, from);
        return;
      case TLS:
        e.tls!.push(dir, bytes, from);
        return;
      case HTTP:
        this.httpData(e, dir, bytes, from);
        return;
      case PLAIN_WATCH:
        this.watchData(e, dir, bytes, from);
        return;
      default:
        this.sniffData(e, dir, bytes, from);
    }
  }

  gap(conn: TcpConnection, dir: Dir, length: number, at: FrameRef): void {
    const e = this.entries.get(conn.id) ?? this.ensure(conn);
    switch (e.kind) {
      case PLAIN:
        this.next.gap(conn, dir, length, at);
        return;
      case WS:
        e.ws!.gap(dir, length, at);
        return;
      case TLS:
        e.tls!.gap(dir, length, at);
        return;
      case PLAIN_WATCH:
        if (dir !== e.plainDir && e.held.length > 0) {
          // The watched direction's first bytes were cut: it cannot show TLS any more.
          this.toPlain(e, PLAIN);
        } else if (dir !== e.plainDir) {
          e.kind = PLAIN;
        }
        this.next.gap(conn, dir, length, at);
        return;
      case HTTP:
        this.handshakeIncomplete(e, at, `${length} bytes missing in the handshake`);
        this.toPlain(e, PLAIN);
        this.next.gap(conn, dir, length, at);
        return;
      default:
        // Nothing decided yet: a gap first. Plain, still watching the other direction for TLS.
        this.toPlain(e, PLAIN_WATCH, dir);
        this.next.gap(conn, dir, length, at);
    }
  }

  close(conn: TcpConnection, reason: CloseReason): void {
    const e = this.entries.get(conn.id);
    if (e !== undefined) {
      this.entries.delete(conn.id);
      if (e.kind === HTTP) {
        this.handshakeIncomplete(e, conn.last, 'the connection closed');
        this.toPlain(e, PLAIN);
      } else if (e.kind === SNIFF || e.kind === PLAIN_WATCH) {
        this.toPlain(e, PLAIN);
      } else if (e.kind === TLS) {
        e.tls!.close(conn.last);
      } else if (e.kind === WS) {
        e.ws!.close(conn.last);
      }
    }
    this.next.close(conn, reason);
  }

  private ensure(conn: TcpConnection): Entry {
    let e = this.entries.get(conn.id);
    if (e === undefined) {
      e = {
        conn,
        kind: SNIFF,
        held: [],
        heldBytes: 0,
        plainDir: 0,
        http: undefined,
        ws: undefined,
        tls: undefined,
        limits: undefined,
      };
      this.entries.set(conn.id, e);
    }
    return e;
  }

  // ---- deciding -------------------------------------------------------------------------------------

  private sniffData(e: Entry, dir: Dir, bytes: Buffer, from: FrameRef): void {
    const conn = e.conn;
    if (conn.transport === 'tls') {
      this.hold(e, dir, bytes, from);
      this.toTls(e);
      return;
    }
    const verdict = this.sniffDir(e, dir, bytes);
    if (verdict === SNIFF_PLAIN) {
      this.toPlain(e, conn.sawSyn ? PLAIN : PLAIN_WATCH, dir);
      this.next.data(conn, dir, bytes, from);
      return;
    }
    this.hold(e, dir, bytes, from);
    if (verdict === SNIFF_TLS) this.toTls(e);
    else if (verdict === SNIFF_HTTP) this.toHttp(e, dir, from);
    else if (e.heldBytes > this.maxHeld) this.toPlain(e, PLAIN);
  }

  /** PLAIN_WATCH: the deciding direction flows; the other one's first bytes are checked for a TLS record. */
  private watchData(e: Entry, dir: Dir, bytes: Buffer, from: FrameRef): void {
    const conn = e.conn;
    if (dir === e.plainDir && conn.transport !== 'tls') {
      this.next.data(conn, dir, bytes, from);
      return;
    }
    if (conn.transport === 'tls') {
      this.hold(e, dir, bytes, from);
      this.toTls(e);
      return;
    }
    const verdict = this.sniffDir(e, dir, bytes);
    if (verdict === SNIFF_TLS) {
      this.hold(e, dir, bytes, from);
      this.toTls(e);
    } else if (verdict === SNIFF_MORE) {
      this.hold(e, dir, bytes, from);
    } else {
      this.toPlain(e, PLAIN);
      this.next.data(conn, dir, bytes, from);
    }
  }

  /** Sniffs the first bytes of `dir`: the held ones of that direction, then `bytes`. */
  private sniffDir(e: Entry, dir: Dir, bytes: Buffer): number {
    const midStream = !e.conn.sawSyn;
    let heldN = 0;
    for (const h of e.held) if (h.dir === dir && h.bytes !== undefined) heldN += h.bytes.length;
    if (heldN === 0) return sniff(bytes, Math.min(bytes.length, 5), midStream);
    const first = Buffer.alloc(5);
    let n = 0;
    for (const h of e.held) {
      if (h.dir !== dir || h.bytes === undefined || n >= 5) continue;
      n += h.bytes.copy(first, n, 0, Math.min(h.bytes.length, 5 - n));
    }
    if (n < 5) n += bytes.copy(first, n, 0, Math.min(bytes.length, 5 - n));
    return sniff(first, n, midStream);
  }

  private hold(e: Entry, dir: Dir, bytes: Buffer, from: FrameRef): void {
    e.held.push({ dir, bytes: Buffer.from(bytes), gap: 0, from });
    e.heldBytes += bytes.length;
  }

  /** Plain from now on; held calls are replayed unchanged, in order. */
  private toPlain(e: Entry, kind: number, decidedBy: Dir = 0): void {
    e.kind = kind;
    e.plainDir = decidedBy;
    e.http = undefined;
    const held = e.held;
    if (kind === PLAIN_WATCH) {
      // Keep only what the watched direction sent; the deciding direction's calls go on now.
      e.held = [];
      e.heldBytes = 0;
      for (const h of held) {
        if (h.dir !== decidedBy) {
          e.held.push(h);
          e.heldBytes += h.bytes?.length ?? 0;
        } else this.replay(e, h);
      }
      return;
    }
    e.held = [];
    e.heldBytes = 0;
    for (const h of held) this.replay(e, h);
  }

  private replay(e: Entry, h: Held): void {
    if (h.bytes !== undefined) this.next.data(e.conn, h.dir, h.bytes, h.from);
    else this.next.gap(e.conn, h.dir, h.gap, h.from);
  }

  private toTls(e: Entry): void {
    const conn = e.conn;
    const wasWatching = e.kind === PLAIN_WATCH;
    conn.transport = 'tls';
    e.kind = TLS;
    const tls = new TlsTracker(
      (code, dir, detail, at, offset) => this.diag(e, code, dir, detail, at, offset),
      !conn.sawSyn,
      this.stats,
    );
    e.tls = tls;
    this.stats.tls++;
    this.register(conn, tls.facts);
    // Bytes of the direction that looked plain already went on: the rest of it starts at no known record boundary.
    if (wasWatching) tls.unframe(e.plainDir);
    const held = e.held;
    e.held = [];
    e.heldBytes = 0;
    for (const h of held) {
      if (h.bytes !== undefined) tls.push(h.dir, h.bytes, h.from);
      else tls.gap(h.dir, h.gap, h.from);
    }
  }

  // ---- WebSocket opening handshake ------------------------------------------------------------------

  private toHttp(e: Entry, reqDir: Dir, from: FrameRef): void {
    e.kind = HTTP;
    const http: HttpState = {
      reqDir,
      heads: [undefined, undefined],
      headLen: [0, 0],
      headEnd: [-1, -1],
      request: undefined,
      facts: undefined,
    };
    e.http = http;
    for (const h of e.held) if (h.bytes !== undefined) this.gatherHead(http, h.dir, h.bytes);
    this.decideHttp(e, from);
  }

  private httpData(e: Entry, dir: Dir, bytes: Buffer, from: FrameRef): void {
    this.hold(e, dir, bytes, from);
    this.gatherHead(e.http!, dir, bytes);
    this.decideHttp(e, from);
  }

  /** Copies the first bytes of a direction into its head buffer until the blank line. */
  private gatherHead(http: HttpState, dir: Dir, bytes: Buffer): void {
    if (http.headEnd[dir] !== -1) return;
    let head = http.heads[dir];
    if (head === undefined) head = http.heads[dir] = Buffer.alloc(MAX_HTTP_HEAD);
    const had = http.headLen[dir];
    const take = Math.min(MAX_HTTP_HEAD - had, bytes.length);
    bytes.copy(head, had, 0, take);
    const n = had + take;
    http.headLen[dir] = n;
    // Only the new bytes (and the 3 before them) can complete the blank line.
    const from = Math.max(0, had - 3);
    const end = headEnd(head.subarray(from), n - from);
    if (end !== -1) http.headEnd[dir] = from + end;
  }

  private decideHttp(e: Entry, at: FrameRef): void {
    const http = e.http!;
    const conn = e.conn;
    const req = http.reqDir;
    const resp: Dir = req === 0 ? 1 : 0;
    if (http.request === undefined) {
      if (http.headEnd[req] === -1) {
        if (http.headLen[req] >= MAX_HTTP_HEAD || e.heldBytes > this.maxHeld) this.toPlain(e, PLAIN);
        return;
      }
      const request = parseUpgradeRequest(http.heads[req]!.subarray(0, http.headEnd[req]));
      if (!request.upgrade || request.method !== 'GET') {
        this.toPlain(e, PLAIN);
        return;
      }
      http.request = request;
      const facts: WebSocketFacts = {
        kind: 'websocket',
        clientDir: req,
        upgraded: false,
        status: null,
        path: request.target,
        host: request.host,
        origin: request.origin,
        offeredProtocols: request.protocols,
        protocol: null,
        extensions: null,
        acceptValid: null,
        requestFrame: at.frame,
        responseFrame: null,
        dirs: [WsConnection.newDirFacts(), WsConnection.newDirFacts()],
      };
      http.facts = facts;
      this.register(conn, facts);
    }
    const respHead = http.heads[resp];
    const seen = Math.min(http.headLen[resp], HTTP_PREFIX.length);
    if (respHead !== undefined && respHead.compare(HTTP_PREFIX, 0, seen, 0, seen) !== 0) {
      // The answer is not an HTTP/1.x response at all.
      http.facts!.responseFrame = at.frame;
      this.diag(e, 'ws-upgrade-refused', undefined, `upgrade request for ${http.facts!.path} answered with a response that is not HTTP/1.x`, at);
      this.toPlain(e, PLAIN);
      return;
    }
    if (http.headEnd[resp] === -1) {
      if (http.headLen[resp] >= MAX_HTTP_HEAD || e.heldBytes > this.maxHeld) {
        this.handshakeIncomplete(e, at, http.headLen[resp] >= MAX_HTTP_HEAD ? 'response head too long' : 'too many bytes before the response');
        this.toPlain(e, PLAIN);
      }
      return;
    }
    const response = parseUpgradeResponse(http.heads[resp]!.subarray(0, http.headEnd[resp]));
    const facts = http.facts!;
    facts.status = response.status;
    facts.responseFrame = at.frame;
    if (response.status !== 101) {
      const what = response.status === null ? 'a response that is not HTTP/1.x' : `status ${response.status}`;
      this.diag(e, 'ws-upgrade-refused', undefined, `upgrade request for ${facts.path} answered with ${what}`, at);
      this.toPlain(e, PLAIN);
      return;
    }
    facts.upgraded = true;
    facts.protocol = response.protocol;
    facts.extensions = response.extensions;
    const key = http.request!.key;
    if (key !== null && response.accept !== null) {
      facts.acceptValid = expectedAccept(key) === response.accept.trim();
      if (!facts.acceptValid) this.diag(e, 'ws-bad-accept', resp, 'Sec-WebSocket-Accept does not match the request key', at);
    }
    this.toWs(e, http, facts);
  }

  private toWs(e: Entry, http: HttpState, facts: WebSocketFacts): void {
    const conn = e.conn;
    conn.transport = 'websocket';
    e.kind = WS;
    this.stats.websocket++;
    const base: [number, number] = [http.headEnd[0] === -1 ? 0 : http.headEnd[0], http.headEnd[1] === -1 ? 0 : http.headEnd[1]];
    let brokenCounted = false;
    const ws = new WsConnection(conn, facts, this.next, this.stats, base, {
      diag: (code, dir, detail, at, offset, limited) => this.diag(e, code, dir, detail, at, offset, limited),
      broken: () => {
        if (brokenCounted) return;
        brokenCounted = true;
        this.stats.brokenWs++;
      },
    });
    e.ws = ws;
    e.http = undefined;
    const held = e.held;
    e.held = [];
    e.heldBytes = 0;
    // Replay what followed each head (the heads themselves are consumed).
    const pos: [number, number] = [0, 0];
    for (const h of held) {
      if (h.bytes === undefined) {
        ws.gap(h.dir, h.gap, h.from);
        continue;
      }
      const start = pos[h.dir];
      pos[h.dir] = start + h.bytes.length;
      const skip = Math.max(0, base[h.dir] - start);
      if (skip < h.bytes.length) ws.push(h.dir, h.bytes.subarray(skip), h.from);
    }
  }

  private handshakeIncomplete(e: Entry, at: FrameRef, why: string): void {
    const http = e.http;
    if (http?.request === undefined) return;
    this.diag(e, 'ws-handshake-incomplete', undefined, `upgrade request for ${http.facts?.path ?? ''} without a complete response: ${why}`, at);
  }

  // ---- shared -----------------------------------------------------------------------------------------

  private register(conn: TcpConnection, facts: TransportFacts): void {
    this.facts.set(conn.id, facts);
    registry.set(conn, facts);
  }

  private diag(e: Entry, code: string, dir: Dir | undefined, detail: string, at: FrameRef, offset?: number, limited = false): void {
    const sink = this.onDiagnostic;
    if (sink === undefined) return;
    let text = detail;
    if (limited) {
      const limits = (e.limits ??= new Map());
      const n = (limits.get(code) ?? 0) + 1;
      limits.set(code, n);
      if (n > this.perConnection) return;
      if (n === this.perConnection) text += ' (further ones on this connection are only counted in its facts)';
    }
    const prefix = dir === undefined ? '' : dir === 0 ? 'client->server: ' : 'server->client: ';
    sink({
      code,
      severity: TRANSPORT_SEVERITY.get(code) ?? 'warning',
      frame: at.frame,
      connection: e.conn.id,
      ...(offset === undefined ? {} : { offset }),
      detail: prefix + text,
    });
  }
}
