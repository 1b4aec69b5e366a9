/**
 * Capture-aware mutation: a seed capture is read into records, the record list is damaged the way real
 * captures are (frames dropped, duplicated, reordered, cut by a snaplen, bytes damaged, timestamps off),
 * written back as pcap or pcapng in either byte order, and then the file itself may be damaged: length
 * fields of record headers and blocks set to boundary values (like editcap's damage), random byte errors,
 * truncation, or gzip (intact or damaged).
 */
import { gzipSync } from 'node:zlib';
import { CaptureParser } from '../capture/parser.js';
import type { CaptureRecord } from '../capture/types.js';
import { writePcap, writePcapng, type WriteRecord } from '../capture/writer.js';
import { INTERESTING_32, mutate, randomErrors, truncate } from './mutate.js';
import type { Rng } from './rng.js';

export interface SeedCapture {
  name: string;
  /** One link type per interface. */
  linkTypes: number[];
  records: WriteRecord[];
}

/** Reads a (valid) capture into records (data copied); undefined when it cannot be read at all. */
export function readSeedCapture(name: string, file: Buffer): SeedCapture | undefined {
  const parser = new CaptureParser();
  const records: WriteRecord[] = [];
  const interfaces = new Map<number, number>();
  const take = (recs: CaptureRecord[]): void => {
    for (const r of recs) {
      interfaces.set(r.interfaceId, r.linkType);
      records.push({ tsSec: r.tsSec, tsNsec: r.tsNsec, data: Buffer.from(r.data), originalLength: r.originalLength, interfaceId: r.interfaceId });
    }
  };
  try {
    take(parser.push(file));
    parser.end();
  } catch {
    return undefined;
  }
  if (records.length === 0) return undefined;
  const ids = [...interfaces.keys()].sort((a, b) => a - b);
  const linkTypes: number[] = [];
  // Interface ids are renumbered densely; records keep their link type through the new index.
  const remap = new Map<number, number>();
  for (const id of ids) {
    remap.set(id, linkTypes.length);
    linkTypes.push(interfaces.get(id)!);
  }
  for (const r of records) r.interfaceId = remap.get(r.interfaceId ?? 0) ?? 0;
  return { name, linkTypes, records };
}

function cloneRecord(r: WriteRecord): WriteRecord {
  return { ...r, data: r.data };
}

/** Damages the record list (returns a new list; record data is copied only where it changes). */
export function mutateRecords(seed: SeedCapture, rng: Rng): WriteRecord[] {
  const recs = seed.records.map(cloneRecord);
  const rounds = 1 + rng.int(6);
  for (let k = 0; k < rounds && recs.length > 0; k++) {
    const i = rng.int(recs.length);
    const r = recs[i]!;
    switch (rng.int(11)) {
      case 0: // drop a run of frames (capture loss)
        recs.splice(i, 1 + rng.int(Math.min(8, recs.length - i)));
        break;
      case 1: // duplicate a frame (retransmission as captured twice)
        recs.splice(rng.int(recs.length + 1), 0, cloneRecord(r));
        break;
      case 2: {
        // move a frame (out of order)
        const [m] = recs.splice(i, 1);
        recs.splice(rng.int(recs.length + 1), 0, m!);
        break;
      }
      case 3: {
        // snaplen cut: the captured bytes end early, the wire length stays
        const n = rng.int(r.data.length + 1);
        r.originalLength = Math.max(r.originalLength ?? r.data.length, r.data.length);
        r.data = Buffer.from(r.data.subarray(0, n));
        break;
      }
      case 4:
      case 5:
      case 6: {
        // damaged bytes (headers or payload)
        const d = mutate(r.data, rng, 3);
        r.data = d.length > 262144 ? d.subarray(0, 262144) : d;
        r.originalLength = undefined;
        break;
      }
      case 7: // timestamps: back in time, far future, or nanosecond overflow
        r.tsSec = rng.pick([0, 1, r.tsSec - 3600, r.tsSec + 86400 * 365, 0x7fffffff, 0xffffffff]) >>> 0;
        r.tsNsec = rng.pick([0, 999_999_999, r.tsNsec]);
        break;
      case 8: // wire length smaller than captured length, or huge
        r.originalLength = rng.pick([0, 1, r.data.length - 1, 0xffffffff]) >>> 0;
        break;
      case 9: // a frame of another interface (pcapng) or a bogus link type (pcap via several interfaces)
        r.interfaceId = rng.int(seed.linkTypes.length + 1);
        break;
      default: {
        // splice the payload of one frame into another (crossing streams)
        const o = recs[rng.int(recs.length)]!;
        const at = rng.int(r.data.length + 1);
        r.data = Buffer.concat([r.data.subarray(0, at), o.data.subarray(rng.int(o.data.length + 1))]).subarray(0, 262144);
        r.originalLength = undefined;
      }
    }
  }
  return recs;
}

/** Writes records as pcap (when one link type suffices) or pcapng, in a random byte order and variant. */
export function writeRandomCapture(linkTypes: number[], recs: WriteRecord[], rng: Rng): Buffer {
  const extra = rng.pick([1, 147, 12, 65535]);
  const interfaces = [...linkTypes, extra];
  for (const r of recs) if ((r.interfaceId ?? 0) >= interfaces.length) r.interfaceId = 0;
  const usesOne = recs.every((r) => (r.interfaceId ?? 0) === 0);
  if (usesOne && rng.chance(0.5)) {
    return writePcap(recs, { linkType: linkTypes[0] ?? 1, nanosecond: rng.chance(0.3), bigEndian: rng.chance(0.3), snaplen: rng.pick([65535, 262144, 96]) });
  }
  const block = usesOne && rng.chance(0.15) ? rng.pick(['spb', 'opb'] as const) : 'epb';
  return writePcapng(recs, {
    interfaces: interfaces.map((lt) => ({ linkType: lt, tsresol: rng.pick([6, 9, 0x80 | 20, 3, undefined]) })),
    bigEndian: rng.chance(0.3),
    block,
  });
}

/** Offsets of the length fields of every record / block of a pcap or pcapng file (walked, bounded). */
export function lengthFieldOffsets(file: Buffer): Array<{ at: number; le: boolean }> {
  const out: Array<{ at: number; le: boolean }> = [];
  if (file.length < 24) return out;
  const m = file.readUInt32LE(0);
  if (m === 0xa1b2c3d4 || m === 0xa1b23c4d || m === 0xd4c3b2a1 || m === 0x4d3cb2a1) {
    const le = m === 0xa1b2c3d4 || m === 0xa1b23c4d;
    let p = 24;
    while (p + 16 <= file.length && out.length < 100_000) {
      out.push({ at: p + 8, le }, { at: p + 12, le });
      const caplen = le ? file.readUInt32LE(p + 8) : file.readUInt32BE(p + 8);
      p += 16 + caplen;
    }
    return out;
  }
  if (m !== 0x0a0d0d0a) return out;
  let le = true;
  let p = 0;
  while (p + 12 <= file.length && out.length < 100_000) {
    if (file.readUInt32LE(p) === 0x0a0d0d0a) le = file.readUInt32LE(p + 8) === 0x1a2b3c4d;
    const len = le ? file.readUInt32LE(p + 4) : file.readUInt32BE(p + 4);
    if (len < 12 || p + len > file.length) break;
    out.push({ at: p + 4, le }, { at: p + len - 4, le });
    const type = le ? file.readUInt32LE(p) : file.readUInt32BE(p);
    if (type === 6 && len >= 32) out.push({ at: p + 20, le }, { at: p + 24, le });
    p += len;
  }
  return out;
}

/** Sets one length field of the file to a boundary value (or off by a little). */
export function corruptLengthField(file: Buffer, rng: Rng): Buffer {
  const fields = lengthFieldOffsets(file);
  if (fields.length === 0) return Buffer.from(file);
  const f = rng.pick(fields);
  const out = Buffer.from(file);
  const cur = f.le ? out.readUInt32LE(f.at) : out.readUInt32BE(f.at);
  const v = rng.chance(0.5) ? rng.pick(INTERESTING_32) : (cur + rng.pick([-8, -4, -1, 1, 4, 8, 4096])) >>> 0;
  if (f.le) out.writeUInt32LE(v >>> 0, f.at);
  else out.writeUInt32BE(v >>> 0, f.at);
  return out;
}

/** The file-level damage of one case. */
export function damageFile(file: Buffer, rng: Rng): Buffer {
  let out = file;
  const r = rng.int(10);
  if (r < 3) out = corruptLengthField(out, rng);
  else if (r < 5) out = randomErrors(out, rng, rng.pick([0.00002, 0.0001, 0.001]), 24);
  else if (r === 5) out = truncate(out, rng);
  if (rng.chance(0.08)) {
    out = gzipSync(out);
    if (rng.chance(0.5)) out = rng.chance(0.5) ? truncate(out, rng) : randomErrors(out, rng, 0.001, 10);
  }
  return out;
}
