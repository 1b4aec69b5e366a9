/*
 * Transport demultiplexer: sits between TCP reassembly (src/tcp) and the MSRP and SIP parsers.
 *
 * Each connection gets a stack of stages, all with one sink interface (StreamSink: data, gap, close):
 *
 *   TCP ─► StreamClassifier ─┬─ plain ─────────────────────────────────────────────► parsers
 *                            ├─ HTTP upgrade ─► WebSocket deframer ─────────────────► parsers
 *                            └─ TLS records ─► TlsDecryptor ─► StreamClassifier ─┬─► parsers
 *                                 (facts)        (key log)       (no TLS inside) └─ WebSocket ─► parsers
 *
 * - The classifier (classifier.ts) decides from the first bytes of a direction (sniff.ts, the one sniffer):
 *   a TLS record header, `GET ` with `Upgrade: websocket` answered by `HTTP/1.1 101`, or plain.
 * - TLS (tls.ts, tls-stage.ts): record framing, the clear handshake's facts (version, SNI, ALPN, cipher,
 *   certificate names, alerts, records and bytes per direction). With key material (an NSS key log, pcapng
 *   Decryption Secrets Blocks) the TlsDecryptor (tls-decryptor.ts) opens each record and passes
 *   application_data on as a plain stream per direction, `from` = the frame of the record's last byte; a
 *   decrypted TLS connection keeps conn.transport 'tls' so outputs can say "MSRP over TLS (decrypted)".
 *   Without keys nothing of a TLS connection is passed on: `next` sees only open() and close().
 * - WebSocket (http-upgrade.ts, ws-connection.ts): both heads are consumed, then each direction is deframed
 *   (RFC 6455) and the unmasked payload of data frames goes on as one continuous stream per direction.
 * Facts of every TLS and WebSocket connection are kept in one table (facts.ts), by connection id.
 */
import type { FrameRef } from '../capture/types.js';
import type { CloseReason, Dir, TcpConnection, TcpSink } from '../tcp/types.js';
import type { DiagnosticSink } from '../util/diagnostics.js';
import { DiagnosticLimiter } from '../util/diagnostic-limiter.js';
import { StreamClassifier } from './classifier.js';
import { TRANSPORT_SEVERITY } from './codes.js';
import type { StackContext } from './context.js';
import { TransportFactsTable } from './facts.js';
import { connectionSink } from './stage.js';
import type { KeySource } from './tls-keys.js';
import type { RecordOpener } from './tls-record-opener.js';
import type { TransportStats } from './types.js';
import { MAX_HTTP_HEAD } from './ws-handshake.js';

export interface TransportDemuxOptions {
  onDiagnostic?: DiagnosticSink;
  /**
   * Key material for TLS decryption (a KeyLog), or a function asked when a connection starts (key material may
   * appear in the capture itself: pcapng Decryption Secrets Blocks). Without it TLS connections are only described.
   */
  keys?: KeySource | (() => KeySource | undefined);
  /** Who opens protected TLS records (default: each record's decrypter, at once). */
  opener?: RecordOpener;
  /** Bytes held per connection while an HTTP upgrade is pending (default 64 KiB); beyond it: plain. */
  maxHeldBytes?: number;
  /** Diagnostics of a repeating code (ws-msrp-split ...) per connection before the rest are only counted in the facts (default 10). */
  diagnosticsPerConnection?: number;
}

/**
 * TcpSink in, TcpSink out: recognises TLS and WebSocket connections on any port (see the comment at the top
 * of this file), decrypts TLS when keys are known, deframes WebSocket and keeps per-connection facts; plain
 * connections pass through untouched.
 */
export class TransportDemux implements TcpSink {
  readonly stats: TransportStats = {
    websocket: 0,
    tls: 0,
    wsFrames: 0,
    brokenWs: 0,
    tlsRecords: 0,
    tlsDecrypted: 0,
    tlsRecordsDecrypted: 0,
    wsPayloadBytes: 0,
  };
  /** Facts of every TLS and WebSocket (or attempted upgrade) connection, by connection id; kept after close. */
  readonly facts = new TransportFactsTable();
  private readonly stacks = new Map<number, StreamClassifier>();
  private readonly onDiagnostic: DiagnosticSink | undefined;
  private readonly keys: () => KeySource | undefined;
  private readonly opener: RecordOpener | undefined;
  private readonly maxHeld: number;
  private readonly limiter: DiagnosticLimiter;

  constructor(
    private readonly next: TcpSink,
    opts: TransportDemuxOptions = {},
  ) {
    this.onDiagnostic = opts.onDiagnostic;
    const keys = opts.keys;
    this.keys = typeof keys === 'function' ? keys : () => keys;
    this.opener = opts.opener;
    this.maxHeld = Math.max(MAX_HTTP_HEAD * 2, opts.maxHeldBytes ?? 64 * 1024);
    this.limiter = new DiagnosticLimiter(Math.max(1, opts.diagnosticsPerConnection ?? 10));
  }

  open(conn: TcpConnection): void {
    this.stack(conn);
    this.next.open(conn);
  }

  data(conn: TcpConnection, dir: Dir, bytes: Buffer, from: FrameRef): void {
    (this.stacks.get(conn.id) ?? this.stack(conn)).data(dir, bytes, from);
  }

  gap(conn: TcpConnection, dir: Dir, length: number, at: FrameRef): void {
    (this.stacks.get(conn.id) ?? this.stack(conn)).gap(dir, length, at);
  }

  close(conn: TcpConnection, reason: CloseReason): void {
    const s = this.stacks.get(conn.id);
    if (s !== undefined) {
      this.stacks.delete(conn.id);
      s.close(conn.last);
      this.limiter.forget(conn.id);
    }
    this.next.close(conn, reason);
  }

  private stack(conn: TcpConnection): StreamClassifier {
    let s = this.stacks.get(conn.id);
    if (s === undefined) {
      const ctx: StackContext = {
        conn,
        stats: this.stats,
        facts: () => this.facts.ensure(conn.id),
        keys: this.keys(),
        opener: this.opener,
        maxHeld: this.maxHeld,
        diag: (code, dir, detail, at, offset, limited) => this.diag(conn, code, dir, detail, at, offset, limited),
      };
      s = new StreamClassifier(ctx, connectionSink(this.next, conn), { midStream: !conn.sawSyn });
      this.stacks.set(conn.id, s);
    }
    return s;
  }

  private diag(conn: TcpConnection, code: string, dir: Dir | undefined, detail: string, at: FrameRef, offset?: number, limited = false): void {
    const sink = this.onDiagnostic;
    if (sink === undefined) return;
    let text = detail;
    if (limited) {
      const v = this.limiter.take(conn.id, code);
      if (v === 'drop') return;
      if (v === 'last') text += ' (further ones on this connection are only counted in its facts)';
    }
    const prefix = dir === undefined ? '' : dir === 0 ? 'client->server: ' : 'server->client: ';
    sink({
      code,
      severity: TRANSPORT_SEVERITY.get(code) ?? 'warning',
      frame: at.frame,
      connection: conn.id,
      ...(offset === undefined ? {} : { offset }),
      detail: prefix + text,
    });
  }
}
