/** Runs capture → net → tcp over a file for the corpus and generator tests. */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { openCapture } from '../../src/capture/reader.js';
import type { FrameRef } from '../../src/capture/types.js';
import { PacketDecoder } from '../../src/net/decoder.js';
import { TcpReassembler, type TcpReassemblerOptions } from '../../src/tcp/reassembler.js';
import type { CloseReason, Dir, TcpConnection, TcpSink } from '../../src/tcp/types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';

export const SHARED = fileURLToPath(new URL('../../../shared', import.meta.url));
export const CORPUS = join(SHARED, 'corpus');
export const HAS_CORPUS = existsSync(CORPUS);
export const GENMSRP = join(SHARED, 'tools', 'genmsrp.py');

export function corpusCaptures(): string[] {
  if (!HAS_CORPUS) return [];
  return readdirSync(CORPUS)
    .filter((f) => /\.(pcap|pcapng)$/.test(f))
    .sort()
    .map((f) => join(CORPUS, f));
}

function has(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
export const HAS_TSHARK = has('tshark', ['-v']);
export const HAS_PYTHON = has('python3', ['--version']);

export interface GapRecord {
  conn: number;
  dir: Dir;
  length: number;
  at: number;
  /** Stream offset of the first missing byte. */
  offset: number;
}

/** Totals per connection and direction; optionally the byte streams themselves (copied). */
export class TotalsSink implements TcpSink {
  readonly conns: TcpConnection[] = [];
  readonly gapList: GapRecord[] = [];
  readonly closes = new Map<number, CloseReason>();
  /** Delivered bytes per connection id, [client->server, server->client]. */
  readonly delivered: [number, number][] = [];
  readonly missing: [number, number][] = [];
  readonly kept: Buffer[][][] = [];
  dataCalls = 0;

  constructor(private readonly keep = false) {}

  open(conn: TcpConnection): void {
    this.conns.push(conn);
    this.delivered.push([0, 0]);
    this.missing.push([0, 0]);
    this.kept.push([[], []]);
  }
  data(conn: TcpConnection, dir: Dir, bytes: Buffer, _from: FrameRef): void {
    this.dataCalls++;
    this.delivered[conn.id]![dir] += bytes.length;
    if (this.keep) this.kept[conn.id]![dir]!.push(Buffer.from(Uint8Array.prototype.slice.call(bytes)));
  }
  gap(conn: TcpConnection, dir: Dir, length: number, at: FrameRef): void {
    const offset = this.delivered[conn.id]![dir] + this.missing[conn.id]![dir];
    this.missing[conn.id]![dir] += length;
    this.gapList.push({ conn: conn.id, dir, length, at: at.frame, offset });
  }
  close(conn: TcpConnection, reason: CloseReason): void {
    this.closes.set(conn.id, reason);
  }
  stream(conn: number, dir: Dir): Buffer {
    return Buffer.concat(this.kept[conn]![dir]!);
  }
}

export interface Reassembled {
  sink: TotalsSink;
  tcp: TcpReassembler;
  diags: Diagnostic[];
  capturedBytes: number;
}

export async function reassembleFile(path: string, keep = false, opts: Omit<TcpReassemblerOptions, 'onDiagnostic'> = {}): Promise<Reassembled> {
  const diags: Diagnostic[] = [];
  const sink = new TotalsSink(keep);
  const onDiagnostic = (d: Diagnostic): void => {
    diags.push(d);
  };
  const tcp = new TcpReassembler(sink, { ...opts, onDiagnostic });
  const decoder = new PacketDecoder({ onDiagnostic });
  const reader = await openCapture(path, { onDiagnostic });
  for await (const batch of reader) {
    for (const rec of batch) {
      const seg = decoder.decode(rec);
      if (seg !== undefined) tcp.push(seg);
    }
  }
  tcp.end();
  return { sink, tcp, diags, capturedBytes: reader.info.bytes };
}

export interface FollowStream {
  stream: number;
  /** Node 0 endpoint as tshark prints it (address without brackets, port). */
  node0: { address: string; port: number };
  /** Payload bytes from node 0 and from node 1 (tshark's gap markers left out). */
  bytes: [number, number];
  /** Lengths of the `[N bytes missing in capture file]` markers tshark writes into each direction. */
  missing: [number[], number[]];
}

/** tshark 4.0 writes the marker with its C string terminator. */
const MISSING_MARKER = /\[(\d+) bytes missing in capture file\]\x00?/g;

/** One tshark call: `-z follow,tcp,raw,N` for every N in `streams`; byte counts per direction. */
const run = promisify(execFile);

export async function tsharkFollow(path: string, streams: number[]): Promise<FollowStream[]> {
  if (streams.length === 0) return [];
  const args = ['-n', '-q', '-r', path];
  for (const n of streams) args.push('-z', `follow,tcp,raw,${n}`);
  const out = (await run('tshark', args, { maxBuffer: 1 << 30, encoding: 'latin1' })).stdout;
  const result: FollowStream[] = [];
  let cur: FollowStream | undefined;
  for (const line of out.split('\n')) {
    const filter = /^Filter: tcp\.stream eq (\d+)/.exec(line);
    if (filter !== null) {
      cur = { stream: Number(filter[1]), node0: { address: '', port: 0 }, bytes: [0, 0], missing: [[], []] };
      result.push(cur);
      continue;
    }
    if (cur === undefined) continue;
    const node = /^Node 0: \[?(.*?)\]?:(\d+)$/.exec(line);
    if (node !== null) {
      cur.node0 = { address: node[1]!, port: Number(node[2]) };
      continue;
    }
    const hex = /^(\t?)([0-9a-f]+)$/.exec(line);
    if (hex !== null) {
      const side = hex[1] === '' ? 0 : 1;
      const text = Buffer.from(hex[2]!, 'hex').toString('latin1');
      let n = text.length;
      for (const m of text.matchAll(MISSING_MARKER)) {
        n -= m[0].length;
        cur.missing[side].push(Number(m[1]));
      }
      cur.bytes[side] += n;
    }
  }
  return result.sort((a, b) => a.stream - b.stream);
}

/** Highest tcp.stream index tshark assigns in a file, + 1. */
export async function tsharkStreamCount(path: string): Promise<number> {
  const out = (await run('tshark', ['-n', '-r', path, '-Y', 'tcp', '-T', 'fields', '-e', 'tcp.stream'], { maxBuffer: 1 << 30 })).stdout;
  let max = -1;
  for (const l of out.split('\n')) if (l !== '') max = Math.max(max, Number(l));
  return max + 1;
}

/** Same connections as tshark's tcp.stream, and per direction the same delivered byte count and gap lengths. */
export async function expectTsharkAgrees(file: string, r: Reassembled): Promise<void> {
  const { sink } = r;
  const count = await tsharkStreamCount(file);
  expect(sink.conns.length).toBe(count);
  const follow = await tsharkFollow(file, [...Array(count).keys()]);
  expect(follow.map((f) => f.stream)).toEqual([...Array(count).keys()]);
  for (const f of follow) {
    const conn = sink.conns[f.stream]!;
    const node0IsClient = conn.client.address === f.node0.address && conn.client.port === f.node0.port;
    const bytes = node0IsClient ? f.bytes : [f.bytes[1], f.bytes[0]];
    const gaps = node0IsClient ? f.missing : [f.missing[1], f.missing[0]];
    const ours = [0, 1].map((d) => sink.gapList.filter((g) => g.conn === f.stream && g.dir === d).map((g) => g.length));
    expect({ stream: f.stream, bytes: sink.delivered[f.stream], gaps: ours }).toEqual({ stream: f.stream, bytes, gaps });
    expect(conn.stats.map((s) => s.delivered)).toEqual(bytes);
  }
}
