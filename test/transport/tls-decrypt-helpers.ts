/**
 * Helpers of the TLS decryption tests (tls-decrypt-*.test.ts, test/cli/keylog.test.ts):
 * - running a capture through the CLI's pipeline with key logs (a KeyRing, as `--keylog` does) into a JSON document;
 * - an independent oracle: tshark's own decryption (`-z follow,tls,raw,N`, one line per decrypted record), a tiny
 *   WebSocket deframer and a tiny MSRP scanner written here, sharing no code with src/;
 * - capture surgery: a capture as a list of TCP segments that can be re-cut, dropped, altered and written back
 *   (src/net/build.ts + src/capture/writer.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { readAllRecords } from '../../src/capture/reader.js';
import { writePcap, type WriteRecord } from '../../src/capture/writer.js';
import { KeyRing } from '../../src/cli/keylog.js';
import { runPipeline } from '../../src/cli/pipeline.js';
import { buildJsonDocument } from '../../src/export/json.js';
import type { JsonConnection, JsonDocument } from '../../src/export/json-types.js';
import { Correlator } from '../../src/model/correlator.js';
import { buildTcp, LINKTYPE_EN10MB } from '../../src/net/build.js';
import { PacketDecoder } from '../../src/net/decoder.js';
import type { Segment } from '../../src/net/types.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '../..');
export const CORPUS = path.resolve(ROOT, '../shared/corpus');
export const TLS_CORPUS = path.join(CORPUS, 'tls');
export const SAMPLES_TLS = path.join(ROOT, 'samples/tls');
export const HAVE_TLS_CORPUS = existsSync(path.join(TLS_CORPUS, 'tls13_aes128.pcap'));
export const HAVE_CORPUS_TLS_LEGS = existsSync(path.join(CORPUS, 'relay_tls_mixed.pcap.keys.txt'));
export const HAVE_TSHARK = spawnSync('which', ['tshark'], { stdio: 'ignore' }).status === 0;
export const BIN = path.join(ROOT, 'bin/msrpscope');

// ---- temporary files ----------------------------------------------------------------------------------

let tmp: string | undefined;
/** A directory for this test process, removed at exit. */
export function tmpDir(): string {
  if (tmp === undefined) {
    const dir = mkdtempSync(path.join(tmpdir(), 'msrpscope-tls-'));
    tmp = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return tmp;
}

let tmpN = 0;
export function tmpFile(name: string, content: string | Buffer): string {
  const p = path.join(tmpDir(), `${tmpN++}-${name}`);
  writeFileSync(p, content);
  return p;
}

// ---- the pipeline ---------------------------------------------------------------------------------------

export interface Analysis {
  doc: JsonDocument;
  store: Correlator;
}

/** capture → the CLI's pipeline (with --keylog files, as src/cli/analyze.ts does) → the JSON document. */
export async function analyze(input: string | Buffer | Readable, keylogs: string[] = []): Promise<Analysis> {
  const store = new Correlator({ hashBodies: true });
  const keys = new KeyRing((d) => store.diagnostic(d));
  for (const k of keylogs) keys.addFile(k, false);
  const src = Buffer.isBuffer(input) ? Readable.from([input]) : input;
  try {
    await runPipeline({ sources: [{ name: typeof input === 'string' ? input : '-', input: src }], model: store, keys });
  } finally {
    keys.close();
  }
  return { doc: buildJsonDocument(store.view()), store };
}

/** Object → sorted entries (count maps compare regardless of key order). */
export function entries(m: Record<string, number> | Map<string, number>): [string, number][] {
  const e = m instanceof Map ? [...m] : Object.entries(m);
  return e.filter(([, v]) => v !== 0).sort((a, b) => a[0].localeCompare(b[0]));
}

export function add(a: Record<string, number>, b: Record<string, number> | Map<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of b instanceof Map ? b : Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

export function diagCount(doc: JsonDocument, code: string): number {
  return doc.summary.diagnostics[code] ?? 0;
}

export function tlsConns(doc: JsonDocument): JsonConnection[] {
  return doc.connections.filter((c) => c.tls !== null);
}

export interface TlsTruth {
  requests: Record<string, number>;
  responses: Record<string, number>;
  messages: number;
  tls_streams?: number;
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

// ---- independent MSRP scanner and WebSocket deframer --------------------------------------------------

export interface ScannedSend {
  txid: string;
  messageId: string | null;
  start: number;
  total: number | null;
  flag: string;
  body: Buffer;
}

export interface Scan {
  requests: Map<string, number>;
  responses: Map<string, number>;
  sends: ScannedSend[];
  /** Start-lines whose end-line never came. */
  unfinished: number;
}

const START_LINE = /MSRP ([A-Za-z0-9][A-Za-z0-9.+%=-]{3,31}) ([A-Z][A-Z0-9_-]*|\d{3})(?: [^\r\n]*)?\r\n/g;

function header(head: string, name: string): string | null {
  const m = new RegExp(`(?:^|\\r\\n)${name}:[ \\t]*([^\\r\\n]*)`, 'i').exec(head);
  return m === null ? null : m[1]!.trim();
}

/**
 * Counts complete MSRP requests (by method) and responses (by code) in one direction's byte stream, and
 * returns each SEND chunk's Message-ID, Byte-Range start/total and body. RFC 4975 framing only: start-line,
 * headers, an optional body after an empty line, `-------txid` + flag. No code shared with src/msrp.
 */
export function scanMsrp(stream: Buffer, into?: Scan): Scan {
  const out: Scan = into ?? { requests: new Map(), responses: new Map(), sends: [], unfinished: 0 };
  const s = stream.toString('latin1');
  START_LINE.lastIndex = 0;
  for (;;) {
    const m = START_LINE.exec(s);
    if (m === null) break;
    const txid = m[1]!;
    const what = m[2]!;
    const afterStart = m.index + m[0].length;
    const endRe = new RegExp(`\\r\\n-------${txid.replace(/[.+]/g, '\\$&')}([$+#])\\r\\n`, 'g');
    // A message without headers/body has its end-line right after the start-line (no leading CRLF to match).
    endRe.lastIndex = afterStart - 2;
    const end = endRe.exec(s);
    if (end === null) {
      out.unfinished++;
      continue;
    }
    const blank = s.indexOf('\r\n\r\n', afterStart - 2);
    const hasBody = blank >= 0 && blank + 4 <= end.index + 2 && blank < end.index;
    const head = s.slice(afterStart - 2, hasBody ? blank : end.index);
    const map = /^\d{3}$/.test(what) ? out.responses : out.requests;
    map.set(what, (map.get(what) ?? 0) + 1);
    if (what === 'SEND') {
      const range = /^(\d+)-(\d+|\*)\/(\d+|\*)$/.exec(header(head, 'Byte-Range') ?? '1-*/*');
      out.sends.push({
        txid,
        messageId: header(head, 'Message-ID'),
        start: range === null ? 1 : Number(range[1]),
        total: range === null || range[3] === '*' ? null : Number(range[3]),
        flag: end[1]!,
        body: hasBody ? stream.subarray(blank + 4, end.index) : Buffer.alloc(0),
      });
    }
    START_LINE.lastIndex = end.index + end[0].length;
  }
  return out;
}

export interface OracleMessage {
  messageId: string;
  size: number;
  sha256: string;
}

/** Distinct messages of SEND chunks: bodies placed by Byte-Range, size = the total, sha256 of the whole. */
export function messagesOf(sends: ScannedSend[]): OracleMessage[] {
  const byId = new Map<string, { total: number | null; parts: { start: number; body: Buffer }[] }>();
  for (const c of sends) {
    if (c.messageId === null) continue;
    const m = byId.get(c.messageId) ?? { total: c.total, parts: [] };
    m.parts.push({ start: c.start, body: c.body });
    byId.set(c.messageId, m);
  }
  const out: OracleMessage[] = [];
  for (const [messageId, m] of byId) {
    const size = m.total ?? Math.max(...m.parts.map((p) => p.start - 1 + p.body.length));
    const whole = Buffer.alloc(size);
    for (const p of m.parts) p.body.copy(whole, p.start - 1);
    out.push({ messageId, size, sha256: createHash('sha256').update(whole).digest('hex') });
  }
  return out.sort((a, b) => a.messageId.localeCompare(b.messageId));
}

/** The payload of the data frames of one direction of a WebSocket connection (after its HTTP head). RFC 6455. */
export function wsPayload(stream: Buffer): Buffer {
  const headEnd = stream.indexOf('\r\n\r\n');
  let p = headEnd < 0 ? 0 : headEnd + 4;
  const out: Buffer[] = [];
  while (p + 2 <= stream.length) {
    const opcode = stream[p]! & 0x0f;
    const masked = (stream[p + 1]! & 0x80) !== 0;
    let len = stream[p + 1]! & 0x7f;
    p += 2;
    if (len === 126) {
      len = stream.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      len = Number(stream.readBigUInt64BE(p));
      p += 8;
    }
    const mask = masked ? stream.subarray(p, p + 4) : undefined;
    if (masked) p += 4;
    const payload = Buffer.from(stream.subarray(p, p + len));
    if (mask !== undefined) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
    if (opcode <= 2) out.push(payload);
    p += len;
  }
  return Buffer.concat(out);
}

// ---- tshark's decryption ------------------------------------------------------------------------------

export interface TsharkStream {
  stream: number;
  /** `address:port` of the first packet's sender (the SYN's, in these captures). */
  client: string;
  /** Decrypted application data per record, client → server and server → client. */
  c2s: Buffer[];
  s2c: Buffer[];
}

function tshark(args: string[]): string {
  return execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
}

/**
 * tshark's decryption of every TCP stream of a capture: `tshark -r F [-o tls.keylog_file:K] -q -z follow,tls,raw,N`
 * for each stream N, hex → bytes, one entry per decrypted record (lines starting with a tab are the second node's).
 */
export function tsharkDecrypt(file: string, keylog: string | undefined): TsharkStream[] {
  const first = new Map<number, string>();
  for (const line of tshark(['-r', file, '-T', 'fields', '-E', 'separator=,', '-e', 'tcp.stream', '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'tcp.srcport', '-Y', 'tcp']).split('\n')) {
    const [st, v4, v6, port] = line.split(',');
    if (st === undefined || st === '' || first.has(Number(st))) continue;
    first.set(Number(st), `${v4 || v6}:${port}`);
  }
  const ids = [...first.keys()].sort((a, b) => a - b);
  const args = ['-r', file, ...(keylog === undefined ? [] : ['-o', `tls.keylog_file:${keylog}`]), '-q'];
  for (const id of ids) args.push('-z', `follow,tls,raw,${id}`);
  const text = tshark(args);
  // tshark prints the -z outputs in its own order: each block names its stream (`Filter: tcp.stream eq N`).
  const blocks = new Map<number, string>();
  for (const b of text.split(/^={10,}$/m)) {
    const m = /^Filter: tcp\.stream eq (\d+)$/m.exec(b);
    if (/Follow: tls,raw/.test(b) && m !== null) blocks.set(Number(m[1]), b);
  }
  if (blocks.size !== ids.length) throw new Error(`tshark: ${blocks.size} follow blocks for ${ids.length} streams`);
  return ids.map((id) => {
    const block = blocks.get(id)!;
    const node0 = /^Node 0: (.*)$/m.exec(block)?.[1]?.trim() ?? '';
    const client = first.get(id)!;
    const a: Buffer[] = [];
    const b: Buffer[] = [];
    for (const line of block.split('\n')) {
      if (!/^\t?[0-9a-f]+$/.test(line)) continue;
      (line.startsWith('\t') ? b : a).push(Buffer.from(line.trim(), 'hex'));
    }
    const node0IsClient = node0 === client || a.length + b.length === 0;
    return { stream: id, client, c2s: node0IsClient ? a : b, s2c: node0IsClient ? b : a };
  });
}

/** MSRP found in tshark's decryption of a capture (WebSocket streams de-framed first). */
export function tsharkMsrp(file: string, keylog: string | undefined): { scan: Scan; messages: OracleMessage[]; streams: TsharkStream[] } {
  const streams = tsharkDecrypt(file, keylog);
  const scan: Scan = { requests: new Map(), responses: new Map(), sends: [], unfinished: 0 };
  for (const s of streams) {
    for (const dir of [s.c2s, s.s2c]) {
      let bytes: Buffer = Buffer.concat(dir);
      if (bytes.subarray(0, 4).toString('latin1') === 'GET ' || bytes.subarray(0, 9).toString('latin1') === 'HTTP/1.1 ') bytes = wsPayload(bytes);
      scanMsrp(bytes, scan);
    }
  }
  return { scan, messages: messagesOf(scan.sends), streams };
}

// ---- capture surgery ----------------------------------------------------------------------------------

/** A TCP segment as the decoder gives it, with what writing it back needs (an owned payload). */
export type Seg = Pick<Segment, 'tsSec' | 'tsNsec' | 'src' | 'dst' | 'srcPort' | 'dstPort' | 'seq' | 'ack' | 'flags' | 'window' | 'payload'>;

/** The TCP segments of an Ethernet capture, in capture order (every record must be TCP over IP over Ethernet). */
export async function readSegments(file: string): Promise<Seg[]> {
  const { records } = await readAllRecords(file);
  const decoder = new PacketDecoder();
  return records.map((r) => {
    if (r.linkType !== LINKTYPE_EN10MB) throw new Error(`link type ${r.linkType}`);
    const s = decoder.decode(r);
    if (s === undefined || s.proto !== 'tcp') throw new Error(`frame ${r.frame} is not TCP`);
    return {
      tsSec: r.tsSec,
      tsNsec: r.tsNsec,
      src: s.src,
      dst: s.dst,
      srcPort: s.srcPort,
      dstPort: s.dstPort,
      seq: s.seq,
      ack: s.ack,
      flags: s.flags,
      window: s.window,
      payload: Buffer.from(s.payload),
    };
  });
}

/** Cuts every segment's payload into pieces of at most `mss` bytes (one frame each, sequence numbers following). */
export function resegment(segs: Seg[], mss: number): Seg[] {
  const out: Seg[] = [];
  for (const s of segs) {
    if (s.payload.length <= mss) {
      out.push(s);
      continue;
    }
    for (let off = 0; off < s.payload.length; off += mss) {
      const last = off + mss >= s.payload.length;
      out.push({
        ...s,
        seq: (s.seq + off) >>> 0,
        // PSH/FIN only on the last piece.
        flags: last ? s.flags : s.flags & ~0x09,
        payload: s.payload.subarray(off, off + mss),
      });
    }
  }
  return out;
}

export function writeSegments(segs: Seg[]): Buffer {
  const records: WriteRecord[] = segs.map((s) => ({
    tsSec: s.tsSec,
    tsNsec: s.tsNsec,
    data: buildTcp({ src: s.src, dst: s.dst, srcPort: s.srcPort, dstPort: s.dstPort, seq: s.seq, ack: s.ack, flags: s.flags, window: s.window, payload: s.payload }, 'ether'),
  }));
  return writePcap(records, { linkType: LINKTYPE_EN10MB, nanosecond: true });
}

export interface RecordPos {
  /** Index of the segment (0-based; frame = index + 1) holding the record's first header byte, and its last byte. */
  firstSeg: number;
  lastSeg: number;
  /** Offset of the header within the first segment's payload. */
  headerAt: number;
  type: number;
  length: number;
}

/**
 * TLS records of one direction (by source port), read from the segments' payloads in order (no retransmissions
 * or reordering in these captures): where each record starts and ends.
 */
export function recordsOf(segs: Seg[], srcPort: number, dstPort: number): RecordPos[] {
  const dirSegs = segs.map((s, i) => ({ s, i })).filter((x) => x.s.srcPort === srcPort && x.s.dstPort === dstPort && x.s.payload.length > 0);
  const stream = Buffer.concat(dirSegs.map((x) => x.s.payload));
  const segAt: { start: number; idx: number }[] = [];
  let off = 0;
  for (const x of dirSegs) {
    segAt.push({ start: off, idx: x.i });
    off += x.s.payload.length;
  }
  const segOf = (pos: number): { idx: number; at: number } => {
    let k = segAt.length - 1;
    while (segAt[k]!.start > pos) k--;
    return { idx: segAt[k]!.idx, at: pos - segAt[k]!.start };
  };
  const out: RecordPos[] = [];
  for (let p = 0; p + 5 <= stream.length; ) {
    const length = stream.readUInt16BE(p + 3);
    const first = segOf(p);
    out.push({ firstSeg: first.idx, lastSeg: segOf(Math.min(stream.length, p + 5 + length) - 1).idx, headerAt: first.at, type: stream[p]!, length });
    p += 5 + length;
  }
  return out;
}

/** Flips one bit of the secret on every key log line of `label` (all when label is undefined). */
export function damageKeylog(text: string, label?: string): string {
  return text
    .split('\n')
    .map((line) => {
      const f = line.trim().split(/\s+/);
      if (f.length !== 3 || line.startsWith('#') || (label !== undefined && f[0] !== label)) return line;
      const secret = Buffer.from(f[2]!, 'hex');
      secret[0]! ^= 0x01;
      return `${f[0]} ${f[1]} ${secret.toString('hex')}`;
    })
    .join('\n');
}

// ---- a synthetic TLS 1.2 connection (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) ------------------------------

/** TLS 1.2 PRF with SHA-256 (RFC 5246 section 5), written here from the RFC. */
function prf256(secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  const s = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const out: Buffer[] = [];
  let a = s;
  let n = 0;
  while (n < length) {
    a = createHmac('sha256', secret).update(a).digest();
    const b = createHmac('sha256', secret).update(a).update(s).digest();
    out.push(b);
    n += b.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

function tlsRecord(type: number, body: Buffer): Buffer {
  const h = Buffer.from([type, 3, 3, 0, 0]);
  h.writeUInt16BE(body.length, 3);
  return Buffer.concat([h, body]);
}

function handshake(type: number, body: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h[0] = type;
  h.writeUIntBE(body.length, 1, 3);
  return Buffer.concat([h, body]);
}

export interface SynthTls12 {
  keylog: string;
  clientRandom: Buffer;
  /** Each direction's byte stream: ClientHello / ServerHello, ChangeCipherSpec, then the sealed records. */
  c2s: Buffer;
  s2c: Buffer;
  /** Where each direction's sealed records start and end in its stream (after the clear part). */
  c2sRecords: { start: number; end: number }[];
  s2cRecords: { start: number; end: number }[];
  /** Length of each stream's hello record: send it (client, then server) before the rest, as TLS 1.2 does. */
  helloLen: [number, number];
}

/**
 * A TLS 1.2 AES-128-GCM connection sealed here with node:crypto (PRF, key block split and AEAD from RFC 5246 /
 * RFC 5288, not src/): each side sends its hello, a ChangeCipherSpec, an encrypted Finished-shaped handshake
 * record, then one application_data record per plaintext given. Its key log line is in `keylog`.
 */
export function synthTls12(c2sPlain: Buffer[], s2cPlain: Buffer[]): SynthTls12 {
  const cr = randomBytes(32);
  const sr = randomBytes(32);
  const master = randomBytes(48);
  const kb = prf256(master, 'key expansion', Buffer.concat([sr, cr]), 2 * (16 + 4));
  const keys = [
    { key: kb.subarray(0, 16), salt: kb.subarray(32, 36) },
    { key: kb.subarray(16, 32), salt: kb.subarray(36, 40) },
  ];
  const seal = (dir: 0 | 1, seq: number, type: number, pt: Buffer): Buffer => {
    const explicit = randomBytes(8);
    const aad = Buffer.alloc(13);
    aad.writeBigUInt64BE(BigInt(seq), 0);
    aad[8] = type;
    aad.writeUInt16BE(0x0303, 9);
    aad.writeUInt16BE(pt.length, 11);
    const c = createCipheriv('aes-128-gcm', keys[dir]!.key, Buffer.concat([keys[dir]!.salt, explicit]), { authTagLength: 16 });
    c.setAAD(aad, { plaintextLength: pt.length });
    return tlsRecord(type, Buffer.concat([explicit, c.update(pt), c.final(), c.getAuthTag()]));
  };
  const clientHello = handshake(1, Buffer.concat([Buffer.from([3, 3]), cr, Buffer.from([0, 0, 2, 0xc0, 0x2f, 1, 0])]));
  const serverHello = handshake(2, Buffer.concat([Buffer.from([3, 3]), sr, Buffer.from([0, 0xc0, 0x2f, 0])]));
  const finished = handshake(20, randomBytes(12));
  const side = (dir: 0 | 1, hello: Buffer, plain: Buffer[]): { stream: Buffer; records: { start: number; end: number }[] } => {
    const parts = [tlsRecord(22, hello), tlsRecord(20, Buffer.from([1])), seal(dir, 0, 22, finished)];
    const records: { start: number; end: number }[] = [];
    let off = parts.reduce((a, b) => a + b.length, 0) - parts[2]!.length;
    records.push({ start: off, end: off + parts[2]!.length });
    off += parts[2]!.length;
    plain.forEach((pt, i) => {
      const r = seal(dir, i + 1, 23, pt);
      parts.push(r);
      records.push({ start: off, end: off + r.length });
      off += r.length;
    });
    return { stream: Buffer.concat(parts), records };
  };
  const c = side(0, clientHello, c2sPlain);
  const s = side(1, serverHello, s2cPlain);
  return {
    keylog: `CLIENT_RANDOM ${cr.toString('hex')} ${master.toString('hex')}\n`,
    clientRandom: cr,
    c2s: c.stream,
    s2c: s.stream,
    c2sRecords: c.records,
    s2cRecords: s.records,
    helloLen: [5 + clientHello.length, 5 + serverHello.length],
  };
}

/** An MSRP request or response of exactly `total` bytes (a SEND's body padded to fit). */
export function msrpSend(txid: string, messageId: string, total: number): Buffer {
  const head = `MSRP ${txid} SEND\r\nTo-Path: msrps://127.0.0.1:2855/bob;tcp\r\nFrom-Path: msrps://127.0.0.1:40000/alice;tcp\r\nMessage-ID: ${messageId}\r\n`;
  const fixed = (n: number): string => `Byte-Range: 1-${n}/${n}\r\nContent-Type: application/octet-stream\r\n\r\n`;
  const end = `\r\n-------${txid}$\r\n`;
  let n = total - head.length - end.length - fixed(1).length;
  while (head.length + fixed(n).length + n + end.length > total) n--;
  const body = Buffer.alloc(n);
  for (let i = 0; i < n; i++) body[i] = 0x41 + ((i * 7) % 26);
  const out = Buffer.concat([Buffer.from(head + fixed(n), 'latin1'), body, Buffer.from(end, 'latin1')]);
  if (out.length !== total) throw new Error(`msrpSend: ${out.length} bytes, wanted ${total}`);
  return out;
}

export function msrpOk(txid: string): Buffer {
  return Buffer.from(`MSRP ${txid} 200 OK\r\nTo-Path: msrps://127.0.0.1:40000/alice;tcp\r\nFrom-Path: msrps://127.0.0.1:2855/bob;tcp\r\n-------${txid}$\r\n`, 'latin1');
}

/**
 * TCP segments of one connection 127.0.0.1:40000 → 127.0.0.1:2855: SYN, SYN-ACK, ACK, one segment per payload of
 * `flow` (direction 0 = client → server) in that order, then FINs.
 */
export function connectionSegments(flow: [0 | 1, Buffer][]): Seg[] {
  const out: Seg[] = [];
  let t = 0;
  const ts = (): { tsSec: number; tsNsec: number } => {
    t++;
    return { tsSec: 1_800_000_000 + Math.floor(t / 1000), tsNsec: (t % 1000) * 1_000_000 };
  };
  const C = { src: '127.0.0.1', dst: '127.0.0.1', srcPort: 40000, dstPort: 2855, window: 65535 };
  const S = { src: '127.0.0.1', dst: '127.0.0.1', srcPort: 2855, dstPort: 40000, window: 65535 };
  let cs = 1000;
  let ss = 5000;
  out.push({ ...ts(), ...C, seq: cs, ack: 0, flags: 0x02, payload: Buffer.alloc(0) });
  out.push({ ...ts(), ...S, seq: ss, ack: cs + 1, flags: 0x12, payload: Buffer.alloc(0) });
  cs++;
  ss++;
  out.push({ ...ts(), ...C, seq: cs, ack: ss, flags: 0x10, payload: Buffer.alloc(0) });
  for (const [dir, payload] of flow) {
    if (payload.length === 0) continue;
    if (dir === 0) {
      out.push({ ...ts(), ...C, seq: cs, ack: ss, flags: 0x18, payload });
      cs += payload.length;
    } else {
      out.push({ ...ts(), ...S, seq: ss, ack: cs, flags: 0x18, payload });
      ss += payload.length;
    }
  }
  out.push({ ...ts(), ...C, seq: cs, ack: ss, flags: 0x11, payload: Buffer.alloc(0) });
  out.push({ ...ts(), ...S, seq: ss, ack: cs + 1, flags: 0x11, payload: Buffer.alloc(0) });
  out.push({ ...ts(), ...C, seq: cs + 1, ack: ss + 1, flags: 0x10, payload: Buffer.alloc(0) });
  return out;
}
