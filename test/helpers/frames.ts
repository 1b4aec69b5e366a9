/**
 * Builds MsrpFrame objects and feeds them to a Correlator the way the pipeline passes on MsrpTap's output
 * (settle closed connections, head → body slices → frame).
 */
import type { FrameRef } from '../../src/capture/types.js';
import type { Dir, TcpConnection } from '../../src/tcp/types.js';
import type { CutFrame, EndFlag, MsrpFrame, RawHeader } from '../../src/msrp/types.js';
import type { Correlator } from '../../src/model/correlator.js';

const BASE_SEC = 1_800_000_000;

/** Frame `n` at `ms` milliseconds after a fixed base time. */
export function at(frame: number, ms = frame): FrameRef {
  const ns = Math.round(ms * 1e6);
  return { frame, tsSec: BASE_SEC + Math.floor(ns / 1e9), tsNsec: ns % 1e9 };
}

function stats() {
  return { packets: 0, bytes: 0, delivered: 0, retransmissions: 0, outOfOrder: 0, gaps: 0, missingBytes: 0 };
}

export function tcpConn(id: number, client = `10.0.0.${id + 1}:${40000 + id}`, server = '10.1.0.1:2855'): TcpConnection {
  const [ca, cp] = client.split(/:(?=\d+$)/);
  const [sa, sp] = server.split(/:(?=\d+$)/);
  return {
    id,
    client: { address: ca ?? '', port: Number(cp) },
    server: { address: sa ?? '', port: Number(sp) },
    sawSyn: true,
    first: at(1, 0),
    last: at(1, 0),
    stats: [stats(), stats()],
    ended: undefined,
    transport: undefined,
  };
}

export interface RequestSpec {
  tid: string;
  method: string;
  headers: Array<[string, string]>;
  body?: Buffer | string;
  /** How the body is sliced on its way up (lengths; the rest is one last slice). */
  slices?: number[];
  flag?: EndFlag;
  /** A frame without end-line: `flag` is ignored. */
  truncated?: boolean;
  frame: number;
  ms?: number;
  /** Skip msrpHead (as a parser that only reports whole frames would). */
  noHead?: boolean;
  /** Called after the head (step 0) and after each body slice (steps 1, 2 ...). */
  pause?: (step: number) => void;
  /** Stop before the end-line: the frame stays in progress (the next head on that direction replaces it). */
  abandon?: boolean;
}

export interface ResponseSpec {
  tid: string;
  status: number;
  comment?: string;
  headers?: Array<[string, string]>;
  frame: number;
  ms?: number;
  truncated?: boolean;
  /** What the parser knew of a truncated frame. */
  cut?: CutFrame;
}

function frameOf(kind: 'request' | 'response', tid: string, headers: RawHeader[], first: FrameRef): MsrpFrame {
  return {
    kind,
    transactionId: tid,
    method: undefined,
    status: undefined,
    comment: '',
    headers,
    bodyLength: 0,
    hasBody: false,
    bodyPreview: Buffer.alloc(0),
    bodySha256: undefined,
    flag: undefined,
    truncated: false,
    startOffset: 0,
    endOffset: 0,
    firstFrame: first,
    lastFrame: first,
    lfOnly: false,
  };
}

/** Feeds one request; returns the frame object. */
export function feedRequest(store: Correlator, c: TcpConnection, dir: Dir, spec: RequestSpec): MsrpFrame {
  const first = at(spec.frame, spec.ms);
  const m = frameOf(
    'request',
    spec.tid,
    spec.headers.map(([name, value]) => ({ name, value })),
    first,
  );
  m.method = spec.method;
  const body = spec.body === undefined ? undefined : Buffer.isBuffer(spec.body) ? spec.body : Buffer.from(spec.body, 'utf8');
  let step = 0;
  if (spec.noHead !== true) {
    store.settleClosed(c.id);
    store.msrpHead(c, dir, m);
    spec.pause?.(step++);
  }
  let sent = 0;
  if (body !== undefined) {
    m.hasBody = true;
    if (spec.noHead !== true) {
      for (const len of spec.slices ?? []) {
        if (sent >= body.length) break;
        const part = body.subarray(sent, Math.min(body.length, sent + len));
        store.msrpBody(c, dir, part, first);
        sent += part.length;
        spec.pause?.(step++);
      }
      if (sent < body.length) {
        store.msrpBody(c, dir, body.subarray(sent), first);
        sent = body.length;
        spec.pause?.(step++);
      }
    } else sent = body.length;
  }
  if (spec.abandon === true) return m;
  m.bodyLength = sent;
  m.bodyPreview = body === undefined ? Buffer.alloc(0) : Buffer.from(body.subarray(0, 64));
  m.truncated = spec.truncated === true;
  m.flag = spec.truncated === true ? undefined : (spec.flag ?? '$');
  m.lastFrame = first;
  store.settleClosed(c.id);
  store.msrpFrame(c, dir, m);
  return m;
}

export function feedResponse(store: Correlator, c: TcpConnection, dir: Dir, spec: ResponseSpec): MsrpFrame {
  const first = at(spec.frame, spec.ms);
  const m = frameOf('response', spec.tid, (spec.headers ?? []).map(([name, value]) => ({ name, value })), first);
  m.status = spec.status;
  m.comment = spec.comment ?? '';
  m.truncated = spec.truncated === true;
  m.flag = spec.truncated === true ? undefined : '$';
  if (spec.cut !== undefined) m.cut = spec.cut;
  store.settleClosed(c.id);
  store.msrpHead(c, dir, m);
  store.settleClosed(c.id);
  store.msrpFrame(c, dir, m);
  return m;
}

export const ALICE = 'msrp://10.0.0.1:40000/alice123;tcp';
export const BOB = 'msrp://10.0.0.2:2855/bob456;tcp';
export const RELAY_A = 'msrp://relay.example.com:2865/ra;tcp';
export const RELAY_B = 'msrp://relay.example.com:2867/rb;tcp';

/** Headers of a SEND chunk. */
export function sendHeaders(
  opts: { to?: string[]; from?: string[]; id: string; range?: string; type?: string; extra?: Array<[string, string]> },
): Array<[string, string]> {
  const h: Array<[string, string]> = [
    ['To-Path', (opts.to ?? [BOB]).join(' ')],
    ['From-Path', (opts.from ?? [ALICE]).join(' ')],
    ['Message-ID', opts.id],
  ];
  if (opts.range !== undefined) h.push(['Byte-Range', opts.range]);
  for (const e of opts.extra ?? []) h.push(e);
  if (opts.type !== undefined) h.push(['Content-Type', opts.type]);
  return h;
}

/** Headers of a REPORT for message `id` sent back to ALICE. */
export function reportHeaders(opts: {
  id: string;
  range: string;
  status: string;
  to?: string[];
  from?: string[];
}): Array<[string, string]> {
  return [
    ['To-Path', (opts.to ?? [ALICE]).join(' ')],
    ['From-Path', (opts.from ?? [BOB]).join(' ')],
    ['Message-ID', opts.id],
    ['Byte-Range', opts.range],
    ['Status', opts.status],
  ];
}

export function finishStore(store: Correlator): void {
  store.finish({
    files: ['test'],
    info: {
      format: 'pcap',
      timestampDigits: 6,
      compressed: false,
      linkTypes: [1],
      packets: 0,
      bytes: 0,
      first: at(1, 0),
      last: at(1000, 1000),
      truncated: false,
    },
    decode: { tcp: 0, udp: 0, skipped: 0, fragments: 0, reassembled: 0 },
    bytesSkipped: 0,
    tlsConnections: 0,
  });
}
