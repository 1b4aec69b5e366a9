/**
 * Feeding the SIP parsers from the lower layers: UDP segments (one message per datagram) and TCP streams
 * (a TcpSink that recognises SIP connections by content or by port and runs one SipStreamParser per
 * direction). Non-SIP connections are ignored.
 */
import type { FrameRef } from '../capture/types.js';
import type { Segment } from '../net/types.js';
import type { CloseReason, Dir, TcpConnection, TcpSink } from '../tcp/types.js';
import type { DiagnosticSink } from '../util/diagnostics.js';
import type { SipMessage } from './message.js';
import { looksLikeSip, parseSipSegment } from './parser.js';
import { SipStreamParser, type SipMessageSink } from './stream.js';
import { copyBytes as copyBuffer } from '../util/bytes.js';

export interface SipTrafficOptions {
  onDiagnostic?: DiagnosticSink;
  /** TCP/UDP ports treated as SIP even when the data does not begin with a start-line (default [5060]). */
  sipPorts?: Iterable<number>;
  maxHeaderBytes?: number;
  maxBodyBytes?: number;
}

/** Bytes held per direction while deciding whether a connection is SIP (a first segment without a line end). */
const MAX_UNDECIDED = 2048;

interface Pending {
  bytes: Buffer;
  from: FrameRef;
}

interface ConnState {
  /** undefined while undecided. */
  sip: boolean | undefined;
  parsers: [SipStreamParser | undefined, SipStreamParser | undefined];
  pending: Pending[];
  pendingBytes: number;
  pendingDir: Dir;
}

export class SipTraffic implements TcpSink {
  readonly stats = { udpMessages: 0, tcpMessages: 0, tcpConnections: 0 };

  private readonly sink: SipMessageSink;
  private readonly opts: SipTrafficOptions;
  private readonly ports: Set<number>;
  private readonly conns = new Map<number, ConnState>();

  constructor(sink: SipMessageSink, opts: SipTrafficOptions = {}) {
    this.sink = sink;
    this.opts = opts;
    this.ports = new Set(opts.sipPorts ?? [5060]);
  }

  /** Offers a UDP segment; returns the message when it was SIP. */
  udp(seg: Segment): SipMessage | undefined {
    if (seg.proto !== 'udp' || seg.payload.length === 0) return undefined;
    if (!looksLikeSip(seg.payload)) return undefined;
    const msg = parseSipSegment(seg, this.opts.onDiagnostic);
    if (msg !== undefined) {
      this.stats.udpMessages++;
      this.sink(msg);
    }
    return msg;
  }

  /** True when TCP connection `id` was recognised as SIP. */
  isSipConnection(id: number): boolean {
    return this.conns.get(id)?.sip === true;
  }

  open(conn: TcpConnection): void {
    this.state(conn);
  }

  data(conn: TcpConnection, dir: Dir, bytes: Buffer, from: FrameRef): void {
    if (bytes.length === 0) return;
    const st = this.state(conn);
    if (st.sip === false) return;
    if (st.sip === undefined) {
      if (conn.transport === 'websocket') {
        st.sip = false;
        return;
      }
      const decision = this.decide(conn, st, dir, bytes, from);
      if (decision === undefined) return;
      st.sip = decision;
      const held = st.pending;
      st.pending = [];
      st.pendingBytes = 0;
      if (!decision) return;
      this.stats.tcpConnections++;
      for (const p of held) this.parser(conn, st, st.pendingDir).push(p.bytes, p.from);
      if (held.length > 0 && st.pendingDir === dir) return; // `bytes` were the last of the held ones
    }
    this.parser(conn, st, dir).push(bytes, from);
  }

  gap(conn: TcpConnection, dir: Dir, length: number, at: FrameRef): void {
    const st = this.conns.get(conn.id);
    if (st === undefined) return;
    if (st.sip === true) this.parser(conn, st, dir).gap(length, at);
    else if (st.sip === undefined) {
      st.pending = [];
      st.pendingBytes = 0;
    }
  }

  close(conn: TcpConnection, _reason: CloseReason): void {
    const st = this.conns.get(conn.id);
    if (st === undefined) return;
    for (const p of st.parsers) p?.end();
    this.conns.delete(conn.id);
  }

  /** Ends every open SIP stream (capture end). */
  end(): void {
    for (const st of this.conns.values()) for (const p of st.parsers) p?.end();
    this.conns.clear();
  }

  private state(conn: TcpConnection): ConnState {
    let st = this.conns.get(conn.id);
    if (st === undefined) {
      st = { sip: undefined, parsers: [undefined, undefined], pending: [], pendingBytes: 0, pendingDir: 0 };
      this.conns.set(conn.id, st);
    }
    return st;
  }

  /**
   * Decides from the first bytes of the connection: SIP when they begin with a start-line (after CR/LF
   * keep-alives) or a SIP port is involved; not SIP when a full line (or 2 KiB) is there and it is not a
   * start-line; undefined (bytes held) while the first line is incomplete.
   */
  private decide(conn: TcpConnection, st: ConnState, dir: Dir, bytes: Buffer, from: FrameRef): boolean | undefined {
    if (this.ports.has(conn.client.port) || this.ports.has(conn.server.port)) {
      st.pending = [];
      st.pendingBytes = 0;
      return true;
    }
    if (st.pending.length > 0 && st.pendingDir !== dir) {
      // The other direction spoke first with an incomplete line: decide on what it sent. When SIP, the
      // caller flushes the held bytes and then pushes these in their own direction.
      return looksLikeSip(joinedPrefix(st.pending));
    }
    if (st.pending.length === 0) {
      if (looksLikeSip(bytes)) return true;
      if (!onlyLineStart(bytes)) return false;
      st.pendingDir = dir;
    }
    st.pending.push({ bytes: copyBuffer(bytes), from });
    st.pendingBytes += bytes.length;
    const joined = joinedPrefix(st.pending);
    if (looksLikeSip(joined)) return true;
    if (st.pendingBytes >= MAX_UNDECIDED || joined.indexOf(0x0a, skipCrLf(joined)) >= 0) return false;
    return undefined;
  }

  private parser(conn: TcpConnection, st: ConnState, dir: Dir): SipStreamParser {
    let p = st.parsers[dir];
    if (p === undefined) {
      const src = dir === 0 ? conn.client : conn.server;
      const dst = dir === 0 ? conn.server : conn.client;
      p = new SipStreamParser(this.sink, {
        connection: conn.id,
        src,
        dst,
        ...(this.opts.onDiagnostic ? { onDiagnostic: this.opts.onDiagnostic } : {}),
        ...(this.opts.maxHeaderBytes !== undefined ? { maxHeaderBytes: this.opts.maxHeaderBytes } : {}),
        ...(this.opts.maxBodyBytes !== undefined ? { maxBodyBytes: this.opts.maxBodyBytes } : {}),
      });
      st.parsers[dir] = p;
    }
    return p;
  }
}

/** The first MAX_UNDECIDED bytes of the held pieces, as one buffer. */
function joinedPrefix(pending: readonly Pending[]): Buffer {
  let total = 0;
  for (const p of pending) total += p.bytes.length;
  const out = Buffer.alloc(Math.min(total, MAX_UNDECIDED));
  let off = 0;
  for (const p of pending) {
    if (off >= out.length) break;
    const n = Math.min(p.bytes.length, out.length - off);
    out.set(p.bytes.subarray(0, n), off);
    off += n;
  }
  return out;
}

function skipCrLf(b: Buffer): number {
  let p = 0;
  while (p < b.length && (b[p] === 0x0d || b[p] === 0x0a)) p++;
  return p;
}

/**
 * Could these bytes be the beginning of a start-line that continues in the next segment? True when,
 * after CR/LF keep-alives, there is no line end yet and the bytes so far are printable text.
 */
function onlyLineStart(b: Buffer): boolean {
  const p = skipCrLf(b);
  if (b.indexOf(0x0a, p) >= 0) return false;
  const head = b.subarray(p, Math.min(b.length, p + 64));
  for (const ch of head) if (ch < 0x20 || ch > 0x7e) return false;
  return true;
}
