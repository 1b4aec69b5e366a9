import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { CaptureParser } from '../../src/capture/parser.js';
import type { CaptureInfo, CaptureRecord } from '../../src/capture/types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import type { WriteRecord } from '../../src/capture/writer.js';

export const SHARED = fileURLToPath(new URL('../../../shared', import.meta.url));
export const CORPUS = `${SHARED}/corpus`;
export const HAS_CORPUS = existsSync(CORPUS);

/** Capture files of the shared corpus (empty when absent). */
export function corpusFiles(): string[] {
  if (!HAS_CORPUS) return [];
  return readdirSync(CORPUS)
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .sort()
    .map((f) => `${CORPUS}/${f}`);
}

/** The captures bundled in samples/ (written by scripts/make-samples.mjs). */
export function sampleCaptureFiles(): string[] {
  const dir = new URL('../../samples/', import.meta.url).pathname;
  return readdirSync(dir)
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .sort()
    .map((f) => `${dir}${f}`);
}

/** Records with varied sizes (0..300 bytes) and timestamps; content derived from the index. */
export function sampleRecords(n: number, startSec = 1_700_000_000): WriteRecord[] {
  const out: WriteRecord[] = [];
  for (let i = 0; i < n; i++) {
    const len = (i * 37) % 301;
    const data = Buffer.alloc(len);
    for (let j = 0; j < len; j++) data[j] = (i * 7 + j) & 0xff;
    out.push({ tsSec: startSec + i * 3, tsNsec: ((i * 123_456_789) % 1_000_000) * 1000, data, originalLength: len + (i % 3) * 10 });
  }
  return out;
}

/** A plain, comparable view of a record. */
export interface Flat {
  frame: number;
  tsSec: number;
  tsNsec: number;
  linkType: number;
  interfaceId: number;
  originalLength: number;
  hex: string;
}

export function flat(r: CaptureRecord): Flat {
  return {
    frame: r.frame,
    tsSec: r.tsSec,
    tsNsec: r.tsNsec,
    linkType: r.linkType,
    interfaceId: r.interfaceId,
    originalLength: r.originalLength,
    hex: r.data.toString('hex'),
  };
}

/** Splits `buf` at the given chunk sizes (cycled), each chunk a fresh copy. */
export function split(buf: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  let i = 0;
  while (pos < buf.length) {
    const n = Math.max(1, sizes.length > 0 ? (sizes[i++ % sizes.length] ?? 1) : buf.length);
    out.push(Buffer.from(buf.subarray(pos, pos + n)));
    pos += n;
  }
  return out;
}

export interface ParseResult {
  records: Flat[];
  info: CaptureInfo;
  diagnostics: Diagnostic[];
}

/** Runs chunks through a CaptureParser (records flattened as they come). */
export function parseChunks(chunks: Buffer[]): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const p = new CaptureParser({ onDiagnostic: (d) => diagnostics.push(d) });
  const records: Flat[] = [];
  for (const c of chunks) for (const r of p.push(c)) records.push(flat(r));
  p.end();
  return { records, info: structuredClone(p.info), diagnostics };
}

export function parseBuffer(buf: Buffer): ParseResult {
  return parseChunks([buf]);
}

/** A readable stream that emits exactly the given chunks. */
export function chunkStream(chunks: Buffer[]): Readable {
  return Readable.from(chunks, { objectMode: false });
}

/** Expected flat records for records written with writePcap / writePcapng. */
export function expected(
  recs: WriteRecord[],
  linkType: (r: WriteRecord) => number,
  ts: (r: WriteRecord) => [number, number] = (r) => [r.tsSec, r.tsNsec],
): Flat[] {
  return recs.map((r, i) => {
    const [tsSec, tsNsec] = ts(r);
    return {
      frame: i + 1,
      tsSec,
      tsNsec,
      linkType: linkType(r),
      interfaceId: r.interfaceId ?? 0,
      originalLength: r.originalLength ?? r.data.length,
      hex: r.data.toString('hex'),
    };
  });
}

/** A classic pcap of `count` Ethernet records of varying length with recognisable contents. */
export function syntheticPcap(count: number): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(1, 20);
  parts.push(head);
  for (let i = 0; i < count; i++) {
    const len = 60 + ((i * 7919) % 1400);
    const rec = Buffer.alloc(16 + len, i & 0xff);
    rec.writeUInt32LE(1_700_000_000 + i, 0);
    rec.writeUInt32LE(i % 1_000_000, 4);
    rec.writeUInt32LE(len, 8);
    rec.writeUInt32LE(len, 12);
    parts.push(rec);
  }
  return Buffer.concat(parts);
}
