import type { FrameRef } from '../capture/types.js';
import type { CloseReason, Dir, TcpConnection, TcpSink } from '../tcp/types.js';
import type { Diagnostic } from '../util/diagnostics.js';
import { MsrpParser } from './parser.js';
import type { MsrpFrame } from './types.js';

/** Where the tap sends what it finds, with the connection and direction attached. */
export interface MsrpTapSink {
  frame(conn: TcpConnection, dir: Dir, m: MsrpFrame): void;
  head?(conn: TcpConnection, dir: Dir, m: MsrpFrame): void;
  body?(conn: TcpConnection, dir: Dir, slice: Buffer, from: FrameRef): void;
  diagnostic(d: Diagnostic): void;
  /** A connection was recognised as MSRP (called once, before its first frame). */
  msrpConnection?(conn: TcpConnection): void;
}

export interface MsrpTapOptions {
  /** TCP ports whose connections are MSRP from their first byte (decode-as). */
  ports?: number[];
  hashBodies?: boolean;
  previewBytes?: number;
  /** Bytes (both directions together) after which a connection without any start-line is dropped. */
  giveUpAfter?: number;
  /** Passed to each parser: run conformance checks (default true). */
  conformance?: boolean;
}

export interface MsrpTapStats {
  /** Bytes passed over while resynchronising, on MSRP connections only. */
  bytesSkipped: number;
}

const DEFAULT_GIVE_UP = 256 * 1024;
/** Diagnostics held for a connection not yet known to be MSRP. */
const MAX_PENDING_DIAGNOSTICS = 32;

const PENDING = 0;
const MSRP = 1;
const DROPPED = 2;

interface ConnTap {
  conn: TcpConnection;
  mode: number;
  /** The first data or gap was seen and the port rules applied. */
  decided: boolean;
  parsers: [MsrpParser | undefined, MsrpParser | undefined];
  /** Bytes seen while pending (both directions). */
  seen: number;
  pendingDiagnostics: Diagnostic[];
}

/** Endpoints learned from SDP that are remembered (a bound against hostile SIP traffic). */
const MAX_EXPECTED = 10_000;

/**
 * Finds MSRP in reassembled TCP streams: one MsrpParser per direction of each connection. A connection
 * becomes MSRP when either direction shows a plausible start-line (any port), or at once when one of
 * its ports is in `ports` or one of its endpoints was announced in SDP (`expectMsrp`). TLS is not seen
 * here: the transport layer passes on decrypted bytes only. Connections without a start-line in their
 * first `giveUpAfter` bytes are dropped, and what their parsers skipped is not counted.
 */
export class MsrpTap implements TcpSink {
  private readonly conns = new Map<number, ConnTap>();
  private readonly ports: ReadonlySet<number>;
  /** `address port` of MSRP endpoints announced elsewhere (SDP): their connections are MSRP from the first byte. */
  private readonly expected = new Set<string>();
  private readonly giveUpAfter: number;
  /** Bytes skipped by the parsers of closed MSRP connections. */
  private closedSkipped = 0;

  constructor(
    private readonly out: MsrpTapSink,
    private readonly opts: MsrpTapOptions = {},
  ) {
    this.ports = new Set(opts.ports ?? []);
    this.giveUpAfter = opts.giveUpAfter ?? DEFAULT_GIVE_UP;
  }

  /** bytesSkipped includes connections still open. */
  get stats(): MsrpTapStats {
    let open = 0;
    for (const t of this.conns.values()) if (t.mode === MSRP) open += skippedOf(t);
    return { bytesSkipped: this.closedSkipped + open };
  }

  open(conn: TcpConnection): void {
    this.ensure(conn);
  }

  /**
   * An MSRP endpoint learned from SDP (c= / m= / a=path): connections to or from it are parsed as MSRP even
   * when no start-line was seen yet (a capture that starts inside a long body), and are never given up on.
   */
  expectMsrp(address: string, port: number): void {
    if (this.expected.size >= MAX_EXPECTED) return;
    this.expected.add(`${address} ${port}`);
    for (const t of this.conns.values()) if (t.mode === PENDING && this.isExpected(t.conn)) this.toMsrp(t);
  }

  private isExpected(conn: TcpConnection): boolean {
    if (this.expected.size === 0) return false;
    return this.expected.has(`${conn.server.address} ${conn.server.port}`) || this.expected.has(`${conn.client.address} ${conn.client.port}`);
  }

  data(conn: TcpConnection, dir: Dir, bytes: Buffer, from: FrameRef): void {
    const t = this.ensure(conn);
    if (t.mode === DROPPED) return;
    if (!t.decided) this.decide(t);
    const p = t.parsers[dir] ?? this.makeParser(t, dir);
    p.push(bytes, from);
    if (t.mode === PENDING) {
      t.seen += bytes.length;
      if (t.seen >= this.giveUpAfter) this.drop(t);
    }
  }

  gap(conn: TcpConnection, dir: Dir, length: number, at: FrameRef): void {
    const t = this.conns.get(conn.id);
    if (t === undefined || t.mode === DROPPED) return;
    if (!t.decided) this.decide(t);
    const p = t.parsers[dir] ?? this.makeParser(t, dir);
    p.gap(length, at);
  }

  close(conn: TcpConnection, reason: CloseReason): void {
    void reason;
    const t = this.conns.get(conn.id);
    if (t === undefined) return;
    this.conns.delete(conn.id);
    if (t.mode === MSRP) {
      for (const p of t.parsers) p?.end();
      this.closedSkipped += skippedOf(t);
    }
  }

  private ensure(conn: TcpConnection): ConnTap {
    let t = this.conns.get(conn.id);
    if (t === undefined) {
      t = { conn, mode: PENDING, decided: false, parsers: [undefined, undefined], seen: 0, pendingDiagnostics: [] };
      this.conns.set(conn.id, t);
    }
    return t;
  }

  /** At the first data or gap: MSRP by port (or an SDP endpoint); else content detection decides later. */
  private decide(t: ConnTap): void {
    t.decided = true;
    const conn = t.conn;
    if (this.ports.has(conn.server.port) || this.ports.has(conn.client.port) || this.isExpected(conn)) this.toMsrp(t);
  }

  private makeParser(t: ConnTap, dir: Dir): MsrpParser {
    const conn = t.conn;
    const p = new MsrpParser(
      {
        message: (m) => this.out.frame(conn, dir, m),
        head: this.out.head ? (m) => this.out.head!(conn, dir, m) : undefined,
        body: this.out.body ? (slice, from) => this.out.body!(conn, dir, slice, from) : undefined,
        diagnostic: (d) => {
          if (t.mode === MSRP) this.out.diagnostic(d);
          else if (t.mode === PENDING && t.pendingDiagnostics.length < MAX_PENDING_DIAGNOSTICS) t.pendingDiagnostics.push(d);
        },
        sync: () => {
          if (t.mode === PENDING) this.toMsrp(t);
        },
      },
      {
        connection: conn.id,
        dir,
        previewBytes: this.opts.previewBytes,
        hashBodies: this.opts.hashBodies,
        startInSync: t.mode === MSRP,
        conformance: this.opts.conformance,
      },
    );
    t.parsers[dir] = p;
    return p;
  }

  private toMsrp(t: ConnTap): void {
    t.mode = MSRP;
    this.out.msrpConnection?.(t.conn);
    for (const d of t.pendingDiagnostics) this.out.diagnostic(d);
    t.pendingDiagnostics = [];
  }

  private drop(t: ConnTap): void {
    t.mode = DROPPED;
    t.parsers = [undefined, undefined];
    t.pendingDiagnostics = [];
  }
}

function skippedOf(t: ConnTap): number {
  return (t.parsers[0]?.bytesSkipped ?? 0) + (t.parsers[1]?.bytesSkipped ?? 0);
}
