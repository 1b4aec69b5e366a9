import type { FrameRef } from '../../src/capture/types.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type Segment } from '../../src/net/types.js';
import { TcpReassembler, type TcpReassemblerOptions } from '../../src/tcp/reassembler.js';
import type { CloseReason, Dir, TcpConnection, TcpSink } from '../../src/tcp/types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';

export { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN };

export const C = { address: '10.0.0.1', port: 40000 };
export const S = { address: '10.0.0.2', port: 2855 };

/** Builds segments of one connection with increasing frame numbers. */
export class SegmentFactory {
  frame = 0;
  constructor(
    readonly client = C,
    readonly server = S,
  ) {}

  /** A segment from the client (dir 0) or the server (dir 1). */
  seg(dir: Dir, seq: number, payload: Buffer | string = '', flags = TCP_ACK, ack = 0, window = 65535): Segment {
    this.frame++;
    const from = dir === 0 ? this.client : this.server;
    const to = dir === 0 ? this.server : this.client;
    return {
      frame: this.frame,
      tsSec: 1_700_000_000,
      tsNsec: this.frame * 1000,
      interfaceId: 0,
      proto: 'tcp',
      ipVersion: 4,
      src: from.address,
      dst: to.address,
      srcPort: from.port,
      dstPort: to.port,
      seq: seq >>> 0,
      ack: ack >>> 0,
      flags,
      window,
      payload: typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload,
    };
  }
}

export interface DataCall {
  conn: number;
  dir: Dir;
  bytes: Buffer;
  from: FrameRef;
  /** Stream offset of bytes[0] (counting gaps). */
  offset: number;
}

export interface GapCall {
  conn: number;
  dir: Dir;
  length: number;
  at: FrameRef;
  offset: number;
}

/** Records every sink call; bytes are kept as the views handed up (the tests' buffers never change). */
export class RecordingSink implements TcpSink {
  readonly conns: TcpConnection[] = [];
  readonly chunks: DataCall[] = [];
  readonly gaps: GapCall[] = [];
  readonly closes: { conn: number; reason: CloseReason }[] = [];
  readonly events: string[] = [];
  private readonly offsets = new Map<string, number>();

  open(conn: TcpConnection): void {
    this.conns.push(conn);
    this.events.push(`open ${conn.id}`);
  }
  data(conn: TcpConnection, dir: Dir, bytes: Buffer, from: FrameRef): void {
    const k = `${conn.id}/${dir}`;
    const offset = this.offsets.get(k) ?? 0;
    this.offsets.set(k, offset + bytes.length);
    this.chunks.push({ conn: conn.id, dir, bytes, from, offset });
    this.events.push(`data ${conn.id}/${dir} ${bytes.length}@${offset} f${from.frame}`);
  }
  gap(conn: TcpConnection, dir: Dir, length: number, at: FrameRef): void {
    const k = `${conn.id}/${dir}`;
    const offset = this.offsets.get(k) ?? 0;
    this.offsets.set(k, offset + length);
    this.gaps.push({ conn: conn.id, dir, length, at, offset });
    this.events.push(`gap ${conn.id}/${dir} ${length}@${offset} f${at.frame}`);
  }
  close(conn: TcpConnection, reason: CloseReason): void {
    this.closes.push({ conn: conn.id, reason });
    this.events.push(`close ${conn.id} ${reason}`);
  }

  /** The delivered bytes of one direction, concatenated (gaps left out). */
  stream(conn: number, dir: Dir): Buffer {
    return Buffer.concat(this.chunks.filter((d) => d.conn === conn && d.dir === dir).map((d) => Uint8Array.from(d.bytes)));
  }

  /** The stream with gap bytes filled by `fill`, so offsets line up with the original. */
  withGaps(conn: number, dir: Dir, fill = 0): Buffer {
    const parts: Uint8Array[] = [];
    const items = [
      ...this.chunks.filter((d) => d.conn === conn && d.dir === dir).map((d) => ({ offset: d.offset, bytes: Uint8Array.from(d.bytes) })),
      ...this.gaps
        .filter((g) => g.conn === conn && g.dir === dir)
        .map((g) => ({ offset: g.offset, bytes: new Uint8Array(g.length).fill(fill) })),
    ].sort((a, b) => a.offset - b.offset);
    for (const it of items) parts.push(it.bytes);
    return Buffer.concat(parts);
  }

  gapList(conn: number, dir: Dir): [number, number][] {
    return this.gaps.filter((g) => g.conn === conn && g.dir === dir).map((g) => [g.offset, g.length]);
  }
}

export interface Harness {
  sink: RecordingSink;
  tcp: TcpReassembler;
  diags: Diagnostic[];
}

export function harness(opts: Omit<TcpReassemblerOptions, 'onDiagnostic'> = {}): Harness {
  const sink = new RecordingSink();
  const diags: Diagnostic[] = [];
  const tcp = new TcpReassembler(sink, { ...opts, onDiagnostic: (d) => diags.push(d) });
  return { sink, tcp, diags };
}

export function codes(diags: Diagnostic[]): string[] {
  return diags.map((d) => d.code);
}

/** Deterministic bytes (an LCG), so tests need no fixtures. */
export function bytesOf(n: number, seed = 1): Buffer {
  const b = Buffer.allocUnsafe(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}
