import type { FrameRef } from '../../src/capture/types.js';
import type { CloseReason, Dir, TcpConnection, TcpSink } from '../../src/tcp/types.js';

export function ref(frame: number): FrameRef {
  return { frame, tsSec: 1_700_000_000 + frame, tsNsec: 0 };
}

/** A WebSocket upgrade request offering `msrp` (RFC 7977), and the 101 that accepts it (RFC 6455's sample key). */
export const UPGRADE =
  'GET /msrp HTTP/1.1\r\nHost: relay.example.net:8088\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: msrp\r\n\r\n';
export const SWITCH =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: msrp\r\n\r\n';

export interface FrameSpec {
  fin?: boolean;
  rsv?: number;
  opcode: number;
  payload?: Buffer | string;
  /** Masking key (4 bytes); no mask when absent. */
  mask?: Buffer;
  /** Force a length encoding: 7, 16 or 64 bits (default: the minimal one). */
  lengthBits?: 7 | 16 | 64;
  /** Override the announced length (hostile frames); the payload is still appended as given. */
  announced?: bigint;
}

/** Encodes one RFC 6455 frame. */
export function wsFrame(s: FrameSpec): Buffer {
  const payload = typeof s.payload === 'string' ? Buffer.from(s.payload, 'latin1') : (s.payload ?? Buffer.alloc(0));
  const len = s.announced ?? BigInt(payload.length);
  const bits = s.lengthBits ?? (len < 126n ? 7 : len < 65536n ? 16 : 64);
  const b0 = ((s.fin ?? true) ? 0x80 : 0) | (((s.rsv ?? 0) & 7) << 4) | (s.opcode & 0x0f);
  const maskBit = s.mask !== undefined ? 0x80 : 0;
  const parts: Buffer[] = [];
  if (bits === 7) {
    parts.push(Buffer.from([b0, maskBit | Number(len)]));
  } else if (bits === 16) {
    const h = Buffer.alloc(4);
    h[0] = b0;
    h[1] = maskBit | 126;
    h.writeUInt16BE(Number(len), 2);
    parts.push(h);
  } else {
    const h = Buffer.alloc(10);
    h[0] = b0;
    h[1] = maskBit | 127;
    h.writeBigUInt64BE(len, 2);
    parts.push(h);
  }
  if (s.mask !== undefined) {
    parts.push(s.mask);
    const m = Buffer.from(payload);
    for (let i = 0; i < m.length; i++) m[i] = m[i]! ^ s.mask[i & 3]!;
    parts.push(m);
  } else {
    parts.push(payload);
  }
  return Buffer.concat(parts);
}

/** Cuts `data` at the given offsets (any order, duplicates allowed) into pieces. */
export function cut(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.max(0, Math.min(data.length, c))))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of [...points, data.length]) {
    if (c > prev || (c === data.length && out.length === 0)) out.push(data.subarray(prev, c));
    prev = Math.max(prev, c);
  }
  return out.filter((p) => p.length > 0);
}

export function conn(id = 0, sawSyn = true, serverPort = 8088): TcpConnection {
  const stats = () => ({ packets: 0, bytes: 0, delivered: 0, retransmissions: 0, outOfOrder: 0, gaps: 0, missingBytes: 0 });
  return {
    id,
    client: { address: '127.0.0.1', port: 40000 + id },
    server: { address: '127.0.0.1', port: serverPort },
    sawSyn,
    first: ref(1),
    last: ref(1),
    stats: [stats(), stats()],
    ended: undefined,
    transport: undefined,
  };
}

export type SinkCall =
  | { kind: 'open'; conn: number }
  | { kind: 'data'; conn: number; dir: Dir; bytes: Buffer; from: FrameRef; transport: TcpConnection['transport'] }
  | { kind: 'gap'; conn: number; dir: Dir; length: number; at: FrameRef }
  | { kind: 'close'; conn: number; reason: CloseReason };

/** Records every call (data bytes as the very objects passed, and a copy). */
export class RecordingSink implements TcpSink {
  readonly calls: SinkCall[] = [];
  readonly copies: Buffer[] = [];
  open(conn: TcpConnection): void {
    this.calls.push({ kind: 'open', conn: conn.id });
  }
  data(conn: TcpConnection, dir: Dir, bytes: Buffer, from: FrameRef): void {
    this.calls.push({ kind: 'data', conn: conn.id, dir, bytes, from, transport: conn.transport });
    this.copies.push(Buffer.from(bytes));
  }
  gap(conn: TcpConnection, dir: Dir, length: number, at: FrameRef): void {
    this.calls.push({ kind: 'gap', conn: conn.id, dir, length, at });
  }
  close(conn: TcpConnection, reason: CloseReason): void {
    this.calls.push({ kind: 'close', conn: conn.id, reason });
  }

  /** Concatenated data of one direction (copies, so later mutation of inputs cannot matter). */
  stream(dir: Dir, connId = 0): Buffer {
    const parts: Buffer[] = [];
    for (const c of this.calls) if (c.kind === 'data' && c.dir === dir && c.conn === connId) parts.push(Buffer.from(c.bytes));
    return Buffer.concat(parts);
  }

  dataCalls(): number {
    return this.calls.filter((c) => c.kind === 'data').length;
  }
}

/** A test-only MSRP counter over a byte stream: complete messages (start-line … its end-line) and unfinished ones. */
export interface MsrpCount {
  requests: Map<string, number>;
  responses: Map<string, number>;
  unfinished: number;
}

const START = /MSRP ([A-Za-z0-9][A-Za-z0-9.+%=-]{0,63}) ([A-Z][A-Z0-9_-]*|\d{3})(?:[ \r])/g;

export function countMsrp(stream: Buffer, into?: MsrpCount): MsrpCount {
  const out = into ?? { requests: new Map(), responses: new Map(), unfinished: 0 };
  const s = stream.toString('latin1');
  START.lastIndex = 0;
  for (;;) {
    const m = START.exec(s);
    if (m === null) break;
    const txid = m[1]!;
    const what = m[2]!;
    const endRe = new RegExp(`-------${txid.replace(/[.+]/g, '\\$&')}[$+#]\\r\\n`, 'g');
    endRe.lastIndex = m.index;
    const end = endRe.exec(s);
    if (end === null) {
      out.unfinished++;
      continue;
    }
    const map = /^\d{3}$/.test(what) ? out.responses : out.requests;
    map.set(what, (map.get(what) ?? 0) + 1);
    START.lastIndex = end.index + end[0].length;
  }
  return out;
}
