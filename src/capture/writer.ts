/**
 * Deterministic pcap / pcapng writers (no clocks, no randomness). Used by tests and sample generation to
 * build captures of any variant the reader understands; the stream writers at the end write `-w` files
 * block by block.
 */

import { joinPieces } from '../util/bytes.js';

export interface WriteRecord {
  tsSec: number;
  tsNsec: number;
  data: Buffer;
  /** Length on the wire; defaults to data.length. */
  originalLength?: number;
  /** pcapng only: index into opts.interfaces (default 0). */
  interfaceId?: number;
}

export interface WritePcapOptions {
  linkType: number;
  nanosecond?: boolean;
  bigEndian?: boolean;
  snaplen?: number;
}

const NS_PER_SEC = 1_000_000_000n;

/** The 24-byte classic pcap file header (version 2.4, µs or ns magic) in the given byte order. */
function pcapFileHeader(opts: WritePcapOptions, be: boolean): Buffer {
  const h = Buffer.alloc(24);
  if (be) {
    h.writeUInt32BE(opts.nanosecond === true ? 0xa1b23c4d : 0xa1b2c3d4, 0);
    h.writeUInt16BE(2, 4);
    h.writeUInt16BE(4, 6);
    h.writeUInt32BE((opts.snaplen ?? 262144) >>> 0, 16);
    h.writeUInt32BE(opts.linkType >>> 0, 20);
  } else {
    h.writeUInt32LE(opts.nanosecond === true ? 0xa1b23c4d : 0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE((opts.snaplen ?? 262144) >>> 0, 16);
    h.writeUInt32LE(opts.linkType >>> 0, 20);
  }
  return h;
}

/** Classic pcap (µs or ns timestamps, either byte order). */
export function writePcap(records: WriteRecord[], opts: WritePcapOptions): Buffer {
  const be = opts.bigEndian === true;
  const ns = opts.nanosecond === true;
  let total = 24;
  for (const r of records) total += 16 + r.data.length;
  const out = Buffer.alloc(total);
  out.set(pcapFileHeader(opts, be), 0);
  const u32 = (v: number, off: number): void => {
    if (be) out.writeUInt32BE(v >>> 0, off);
    else out.writeUInt32LE(v >>> 0, off);
  };
  let off = 24;
  for (const r of records) {
    u32(r.tsSec, off);
    u32(ns ? r.tsNsec : Math.floor(r.tsNsec / 1000), off + 4);
    u32(r.data.length, off + 8);
    u32(r.originalLength ?? r.data.length, off + 12);
    out.set(r.data, off + 16);
    off += 16 + r.data.length;
  }
  return out;
}

export interface WriteInterface {
  linkType: number;
  snaplen?: number;
  /** Raw if_tsresol option byte (high bit set = base 2); default 6 (microseconds), option omitted then. */
  tsresol?: number;
  /** if_tsoffset in seconds (option written only when given). */
  tsoffset?: number;
  name?: string;
}

/** One pcapng Decryption Secrets Block to write. */
export interface WriteSecrets {
  /** Secrets type; default 0x544c534b ('TLSK', NSS key log text). */
  type?: number;
  /** Secrets data, written as is (Secrets Length = data.length, padded to 32 bits). */
  data: Buffer;
  /** Index into records of the packet this block goes before (records.length = after the last packet). */
  beforeRecord: number;
}

export interface WritePcapngOptions {
  interfaces: WriteInterface[];
  bigEndian?: boolean;
  /** Packet block kind: enhanced (default), simple (interface 0 only, no timestamp) or obsolete packet block. */
  block?: 'epb' | 'spb' | 'opb';
  /** Section comment (opt_comment of the SHB). */
  comment?: string;
  /**
   * Decryption Secrets Blocks, each written right before records[beforeRecord] (after the IDBs when 0);
   * several at one position keep their order here. A beforeRecord outside 0..records.length is a RangeError.
   */
  secrets?: WriteSecrets[];
}

/** pcapng DSB secrets type of an NSS key log ('TLSK'). */
const SECRETS_TLSK = 0x544c534b;

/** Incrementally built list of pieces, written in one byte order. */
class BlockBuilder {
  private readonly parts: Buffer[] = [];
  constructor(private readonly be: boolean) {}

  u8(v: number): void {
    this.parts.push(Buffer.from([v & 0xff]));
  }
  u16(v: number): void {
    const b = Buffer.alloc(2);
    if (this.be) b.writeUInt16BE(v & 0xffff, 0);
    else b.writeUInt16LE(v & 0xffff, 0);
    this.parts.push(b);
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    if (this.be) b.writeUInt32BE(v >>> 0, 0);
    else b.writeUInt32LE(v >>> 0, 0);
    this.parts.push(b);
  }
  i64(v: bigint): void {
    const b = Buffer.alloc(8);
    if (this.be) b.writeBigInt64BE(v, 0);
    else b.writeBigInt64LE(v, 0);
    this.parts.push(b);
  }
  bytes(b: Buffer): void {
    this.parts.push(b);
    const pad = (4 - (b.length % 4)) % 4;
    if (pad > 0) this.parts.push(Buffer.alloc(pad));
  }
  /** One option: code, length, value padded to 32 bits. */
  option(code: number, value: Buffer): void {
    this.u16(code);
    this.u16(value.length);
    this.bytes(value);
  }
  endOfOptions(): void {
    this.u16(0);
    this.u16(0);
  }
  body(): Buffer {
    return joinPieces(this.parts);
  }
}

/** Wraps a block body with type and both length fields. */
export function pcapngBlock(type: number, body: Buffer, bigEndian = false): Buffer {
  const len = 12 + body.length + ((4 - (body.length % 4)) % 4);
  const out = Buffer.alloc(len);
  if (bigEndian) {
    out.writeUInt32BE(type >>> 0, 0);
    out.writeUInt32BE(len, 4);
    out.writeUInt32BE(len, len - 4);
  } else {
    out.writeUInt32LE(type >>> 0, 0);
    out.writeUInt32LE(len, 4);
    out.writeUInt32LE(len, len - 4);
  }
  out.set(body, 8);
  return out;
}

/** Ticks per second for a raw if_tsresol byte. */
function ticksPerSecond(tsresol: number): bigint {
  const exp = BigInt(tsresol & 0x7f);
  return (tsresol & 0x80) !== 0 ? 2n ** exp : 10n ** exp;
}

/** Section Header Block (version 1.0, section length unknown), with opt_comment when given. */
function shbBlock(be: boolean, comment?: string): Buffer {
  const shb = new BlockBuilder(be);
  shb.u32(0x1a2b3c4d);
  shb.u16(1);
  shb.u16(0);
  shb.i64(-1n);
  if (comment !== undefined) {
    shb.option(1, Buffer.from(comment, 'utf8'));
    shb.endOfOptions();
  }
  return pcapngBlock(0x0a0d0d0a, shb.body(), be);
}

/** Interface Description Block with the options the interface gives (if_name, if_tsresol, if_tsoffset). */
function idbBlock(itf: WriteInterface, be: boolean): Buffer {
  const idb = new BlockBuilder(be);
  idb.u16(itf.linkType);
  idb.u16(0);
  idb.u32(itf.snaplen ?? 262144);
  let hasOptions = false;
  if (itf.name !== undefined) {
    idb.option(2, Buffer.from(itf.name, 'utf8'));
    hasOptions = true;
  }
  if (itf.tsresol !== undefined) {
    idb.option(9, Buffer.from([itf.tsresol & 0xff]));
    hasOptions = true;
  }
  if (itf.tsoffset !== undefined) {
    const b = Buffer.alloc(8);
    if (be) b.writeBigInt64BE(BigInt(itf.tsoffset), 0);
    else b.writeBigInt64LE(BigInt(itf.tsoffset), 0);
    idb.option(14, b);
    hasOptions = true;
  }
  if (hasOptions) idb.endOfOptions();
  return pcapngBlock(1, idb.body(), be);
}

/** Decryption Secrets Block: type, length, the data padded to 32 bits. */
function dsbBlock(data: Buffer, type: number, be: boolean): Buffer {
  const b = new BlockBuilder(be);
  b.u32(type);
  b.u32(data.length);
  b.bytes(data);
  return pcapngBlock(0x0a, b.body(), be);
}

/** pcapng with one section: SHB, one IDB per interface, then one packet block per record. */
export function writePcapng(records: WriteRecord[], opts: WritePcapngOptions): Buffer {
  const be = opts.bigEndian === true;
  const blocks: Buffer[] = [];

  blocks.push(shbBlock(be, opts.comment));
  for (const itf of opts.interfaces) blocks.push(idbBlock(itf, be));

  const secrets = opts.secrets ?? [];
  for (const s of secrets) {
    if (!Number.isInteger(s.beforeRecord) || s.beforeRecord < 0 || s.beforeRecord > records.length) {
      throw new RangeError(`secrets beforeRecord ${s.beforeRecord} outside 0..${records.length}`);
    }
  }
  const secretsBefore = (index: number): void => {
    for (const s of secrets) {
      if (s.beforeRecord === index) blocks.push(dsbBlock(s.data, s.type ?? SECRETS_TLSK, be));
    }
  };

  const kind = opts.block ?? 'epb';
  for (const [index, r] of records.entries()) {
    secretsBefore(index);
    const ifId = r.interfaceId ?? 0;
    const itf = opts.interfaces[ifId];
    const orig = r.originalLength ?? r.data.length;
    const b = new BlockBuilder(be);
    if (kind === 'spb') {
      b.u32(orig);
      b.bytes(r.data);
      blocks.push(pcapngBlock(3, b.body(), be));
      continue;
    }
    const tsresol = itf?.tsresol ?? 6;
    const offset = BigInt(itf?.tsoffset ?? 0);
    const tps = ticksPerSecond(tsresol);
    const ticks =
      (BigInt(r.tsSec) - offset) * tps + (BigInt(r.tsNsec) * tps) / NS_PER_SEC;
    const tsHigh = Number((ticks >> 32n) & 0xffffffffn);
    const tsLow = Number(ticks & 0xffffffffn);
    if (kind === 'opb') {
      b.u16(ifId);
      b.u16(0); // drops count
    } else {
      b.u32(ifId);
    }
    b.u32(tsHigh);
    b.u32(tsLow);
    b.u32(r.data.length);
    b.u32(orig);
    b.bytes(r.data);
    blocks.push(pcapngBlock(kind === 'opb' ? 2 : 6, b.body(), be));
  }
  secretsBefore(records.length);
  return joinPieces(blocks);
}

/**
 * A pcapng written block by block (little-endian, one section), for captures too large to hold: the section
 * header goes out at once, then each interface, secrets block and packet as it is added. `out` receives each
 * block's bytes (a new buffer each time).
 */
export class PcapngStreamWriter {
  /** Timestamp ticks per second of each interface added. */
  private readonly ticks: bigint[] = [];

  constructor(private readonly out: (block: Buffer) => void) {
    out(shbBlock(false));
  }

  /** An Interface Description Block (link type, snaplen, if_tsresol); returns its index for packet(). */
  addInterface(itf: Pick<WriteInterface, 'linkType' | 'snaplen' | 'tsresol'>): number {
    this.out(idbBlock({ linkType: itf.linkType, snaplen: itf.snaplen, tsresol: itf.tsresol }, false));
    this.ticks.push(ticksPerSecond(itf.tsresol ?? 6));
    return this.ticks.length - 1;
  }

  /** A Decryption Secrets Block (default type TLSK: NSS key log text). */
  secrets(data: Buffer, type = SECRETS_TLSK): void {
    this.out(dsbBlock(data, type, false));
  }

  /** An Enhanced Packet Block on interface `ifId` (from addInterface). */
  packet(ifId: number, tsSec: number, tsNsec: number, data: Uint8Array, originalLength: number): void {
    const tps = this.ticks[ifId];
    if (tps === undefined) throw new RangeError(`no interface ${ifId}`);
    const ticks = BigInt(tsSec) * tps + (BigInt(tsNsec) * tps) / NS_PER_SEC;
    const pad = (4 - (data.length % 4)) % 4;
    const len = 32 + data.length + pad;
    const b = Buffer.allocUnsafe(len);
    b.writeUInt32LE(6, 0);
    b.writeUInt32LE(len, 4);
    b.writeUInt32LE(ifId, 8);
    b.writeUInt32LE(Number((ticks >> 32n) & 0xffffffffn), 12);
    b.writeUInt32LE(Number(ticks & 0xffffffffn), 16);
    b.writeUInt32LE(data.length, 20);
    b.writeUInt32LE(Math.max(originalLength, data.length), 24);
    b.set(data, 28);
    if (pad > 0) b.fill(0, 28 + data.length, len - 4);
    b.writeUInt32LE(len, len - 4);
    this.out(b);
  }
}

/** A classic pcap written record by record (little-endian, one link type, µs or ns timestamps). */
export class PcapStreamWriter {
  constructor(
    private readonly out: (bytes: Buffer) => void,
    private readonly opts: WritePcapOptions,
  ) {
    out(pcapFileHeader(opts, false));
  }

  get linkType(): number {
    return this.opts.linkType;
  }

  packet(tsSec: number, tsNsec: number, data: Uint8Array, originalLength: number): void {
    const b = Buffer.allocUnsafe(16 + data.length);
    b.writeUInt32LE(tsSec >>> 0, 0);
    b.writeUInt32LE(this.opts.nanosecond === true ? tsNsec : Math.floor(tsNsec / 1000), 4);
    b.writeUInt32LE(data.length, 8);
    b.writeUInt32LE(Math.max(originalLength, data.length), 12);
    b.set(data, 16);
    this.out(b);
  }
}
