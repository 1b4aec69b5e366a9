/**
 * pcapng: a sequence of blocks (type, length, body, length). Sections (SHB) may switch byte order; each
 * section has its own interfaces (IDB) with link type, snaplen and timestamp resolution/offset.
 */
import type { CaptureReaderOptions, CaptureRecord } from './types.js';
import { CaptureError } from './errors.js';
import { MAX_BLOCK, MAX_CAPLEN, MAX_SECRETS, type FormatDecoder, type ReadState } from './state.js';
import { copyBytes } from '../util/bytes.js';

const SHB = 0x0a0d0d0a;
const IDB = 1;
const OPB = 2;
const SPB = 3;
const EPB = 6;
const DSB = 0x0000000a;
/** Type, length, secrets type, secrets length, trailing length. */
const MIN_DSB = 20;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;
const MIN_BLOCK = 12;
const MIN_SHB = 28;
const TWO_POW_32 = 4294967296;
/** Tick counts below 2^53 (high word below 2^21) are exact as numbers. */
const SAFE_HIGH = 0x200000;

interface Interface {
  globalId: number;
  linkType: number;
  snaplen: number;
  /** Ticks per second when base 10 with exponent <= 9 (number path), else 0. */
  tps: number;
  /** Nanoseconds per tick on the number path. */
  nsPerTick: number;
  /** Ticks per second as BigInt (general path). */
  tpsBig: bigint;
  /** if_tsoffset, whole seconds added to every timestamp. */
  offset: number;
}

/** Decimal digits after the point needed to show one tick, capped at nanoseconds. */
function resolutionDigits(tsresol: number): number {
  const exp = tsresol & 0x7f;
  const digits = (tsresol & 0x80) !== 0 ? Math.ceil(exp * Math.log10(2) - 1e-9) : exp;
  return Math.min(digits, 9);
}

export class PcapngDecoder implements FormatDecoder {
  readonly headerSize = MIN_BLOCK;
  private le = true;
  private ifaces: Interface[] = [];
  private nextGlobalId = 0;
  private sections = 0;
  /** Timestamp of the current record (set by timestamp()). */
  private tsSec = 0;
  private tsNsec = 0;

  constructor(
    private readonly st: ReadState,
    private readonly onSecrets?: CaptureReaderOptions['onSecrets'],
  ) {}

  private u32(buf: Buffer, off: number): number {
    return this.le ? buf.readUInt32LE(off) : buf.readUInt32BE(off);
  }

  private u16(buf: Buffer, off: number): number {
    return this.le ? buf.readUInt16LE(off) : buf.readUInt16BE(off);
  }

  unitLength(buf: Buffer, off: number, fileOffset: number): number {
    if (buf.readUInt32LE(off) === SHB) {
      // The byte-order magic decides how this block's length (and the whole section) is read.
      const bom = buf.readUInt32LE(off + 8);
      if (bom === BYTE_ORDER_MAGIC) this.le = true;
      else if (bom === BYTE_ORDER_MAGIC_SWAPPED) this.le = false;
      else {
        if (this.sections === 0) throw new CaptureError('not a pcap or pcapng capture');
        this.st.corrupt(fileOffset, 'section header with a bad byte-order magic');
        return -1;
      }
    } else if (this.sections === 0) {
      throw new CaptureError('not a pcap or pcapng capture');
    }
    const len = this.u32(buf, off + 4);
    if (len < MIN_BLOCK || len % 4 !== 0 || len > MAX_BLOCK) {
      this.st.corrupt(fileOffset, `impossible block length ${len}`);
      return -1;
    }
    if (len < MIN_SHB && buf.readUInt32LE(off) === SHB) {
      this.st.corrupt(fileOffset, `section header block too short (${len} bytes)`);
      return -1;
    }
    return len;
  }

  decodeRun(buf: Buffer, pos: number, end: number, out: CaptureRecord[], base: number): number {
    const st = this.st;
    while (end - pos >= MIN_BLOCK) {
      const len = this.unitLength(buf, pos, base + pos);
      if (len < 0) return pos;
      if (end - pos < len) break;
      if (this.u32(buf, pos + len - 4) !== len) {
        st.corrupt(base + pos, `trailing block length ${this.u32(buf, pos + len - 4)} differs from ${len}`);
        return pos;
      }
      const type = this.u32(buf, pos);
      let ok = true;
      if (type === EPB) ok = this.packet(buf, pos, len, out, base, false);
      else if (type === SPB) ok = this.simplePacket(buf, pos, len, out, base);
      else if (type === OPB) ok = this.packet(buf, pos, len, out, base, true);
      else if (type === IDB) ok = this.interface(buf, pos, len, base);
      else if (type === DSB) this.secrets(buf, pos, len, base);
      else if (type === SHB) {
        this.sections++;
        this.ifaces = [];
      }
      // Anything else (NRB, ISB, custom, unknown) is skipped by its length.
      if (!ok) return pos;
      pos += len;
    }
    return pos;
  }

  private interface(buf: Buffer, pos: number, len: number, base: number): boolean {
    if (len < 20) {
      this.st.corrupt(base + pos, `interface description block too short (${len} bytes)`);
      return false;
    }
    const linkType = this.u16(buf, pos + 8);
    const snaplen = this.u32(buf, pos + 12);
    let tsresol = 6;
    let offset = 0;
    const optEnd = pos + len - 4;
    let p = pos + 16;
    while (optEnd - p >= 4) {
      const code = this.u16(buf, p);
      const olen = this.u16(buf, p + 2);
      if (code === 0 || p + 4 + olen > optEnd) break;
      if (code === 9 && olen >= 1) tsresol = buf[p + 4] ?? 6;
      else if (code === 14 && olen >= 8) {
        offset = Number(this.le ? buf.readBigInt64LE(p + 4) : buf.readBigInt64BE(p + 4));
      }
      p += 4 + ((olen + 3) & ~3);
    }
    const base2 = (tsresol & 0x80) !== 0;
    const exp = tsresol & 0x7f;
    const numberPath = !base2 && exp <= 9;
    this.ifaces.push({
      globalId: this.nextGlobalId++,
      linkType,
      snaplen,
      tps: numberPath ? 10 ** exp : 0,
      nsPerTick: numberPath ? 10 ** (9 - exp) : 0,
      tpsBig: base2 ? 1n << BigInt(exp) : 10n ** BigInt(exp),
      offset,
    });
    this.st.addLinkType(linkType);
    const digits = resolutionDigits(tsresol);
    if (digits > this.st.timestampDigits) this.st.timestampDigits = digits;
    return true;
  }

  /**
   * DSB (type 0x0A): secrets type, secrets length, secrets data padded to 32 bits, options. Handed to
   * onSecrets (a copy); a damaged one is reported and skipped, reading goes on (its framing is intact).
   */
  private secrets(buf: Buffer, pos: number, len: number, base: number): void {
    const st = this.st;
    if (len < MIN_DSB) {
      st.damaged(base + pos, `decryption secrets block too short (${len} bytes)`);
      return;
    }
    const secretsLen = this.u32(buf, pos + 12);
    if (secretsLen > MAX_SECRETS) {
      st.damaged(base + pos, `decryption secrets length ${secretsLen} exceeds ${MAX_SECRETS}`);
      return;
    }
    if (secretsLen > len - MIN_DSB) {
      st.damaged(base + pos, `decryption secrets length ${secretsLen} does not fit the block of ${len} bytes`);
      return;
    }
    const onSecrets = this.onSecrets;
    if (onSecrets === undefined) return;
    onSecrets({
      type: this.u32(buf, pos + 8),
      data: copyBytes(buf.subarray(pos + 16, pos + 16 + secretsLen)),
      beforeFrame: st.packets + 1,
    });
  }

  /** Converts a 64-bit tick count into tsSec/tsNsec of this decoder. */
  private timestamp(itf: Interface, high: number, low: number): void {
    if (itf.tps !== 0 && high < SAFE_HIGH) {
      const ticks = high * TWO_POW_32 + low;
      const tps = itf.tps;
      let sec = Math.floor(ticks / tps);
      let rem = ticks - sec * tps;
      if (rem < 0) {
        sec--;
        rem += tps;
      } else if (rem >= tps) {
        sec++;
        rem -= tps;
      }
      this.tsSec = sec + itf.offset;
      this.tsNsec = rem * itf.nsPerTick;
      return;
    }
    const ticks = (BigInt(high) << 32n) | BigInt(low);
    const tps = itf.tpsBig;
    this.tsSec = Number(ticks / tps) + itf.offset;
    this.tsNsec = Number(((ticks % tps) * 1_000_000_000n) / tps);
  }

  /** EPB (type 6) or OPB (type 2): same layout except a 16-bit interface id (+ drops count) in OPB. */
  private packet(buf: Buffer, pos: number, len: number, out: CaptureRecord[], base: number, obsolete: boolean): boolean {
    const st = this.st;
    if (len < 32) {
      st.corrupt(base + pos, `packet block too short (${len} bytes)`);
      return false;
    }
    const ifId = obsolete ? this.u16(buf, pos + 8) : this.u32(buf, pos + 8);
    const itf = this.ifaces[ifId];
    if (itf === undefined) {
      st.corrupt(base + pos, `packet names interface ${ifId}, the section has ${this.ifaces.length}`);
      return false;
    }
    const caplen = this.u32(buf, pos + 20);
    const orig = this.u32(buf, pos + 24);
    if (caplen > MAX_CAPLEN || caplen > len - 32) {
      st.corrupt(base + pos, `captured length ${caplen} does not fit the block of ${len} bytes (max ${MAX_CAPLEN})`);
      return false;
    }
    this.timestamp(itf, this.u32(buf, pos + 12), this.u32(buf, pos + 16));
    this.emit(out, itf, buf, pos + 28, pos + 28 + caplen, orig);
    return true;
  }

  /** SPB (type 3): interface 0 of the section, no timestamp, captured = min(origlen, snaplen, space). */
  private simplePacket(buf: Buffer, pos: number, len: number, out: CaptureRecord[], base: number): boolean {
    const st = this.st;
    const itf = this.ifaces[0];
    if (len < 16 || itf === undefined) {
      st.corrupt(base + pos, itf === undefined ? 'simple packet block before any interface' : `simple packet block too short (${len} bytes)`);
      return false;
    }
    const orig = this.u32(buf, pos + 8);
    let caplen = Math.min(orig, len - 16);
    if (itf.snaplen !== 0 && itf.snaplen < caplen) caplen = itf.snaplen;
    if (caplen > MAX_CAPLEN) {
      st.corrupt(base + pos, `captured length ${caplen} exceeds ${MAX_CAPLEN}`);
      return false;
    }
    // No timestamp in an SPB: reuse the previous record's (0 before any record).
    this.tsSec = st.lastSec;
    this.tsNsec = st.lastNsec;
    this.emit(out, itf, buf, pos + 12, pos + 12 + caplen, orig);
    return true;
  }

  private emit(out: CaptureRecord[], itf: Interface, buf: Buffer, start: number, end: number, orig: number): void {
    const st = this.st;
    const frame = ++st.packets;
    const caplen = end - start;
    st.bytes += caplen;
    if (frame === 1) {
      st.firstSec = this.tsSec;
      st.firstNsec = this.tsNsec;
    }
    st.lastSec = this.tsSec;
    st.lastNsec = this.tsNsec;
    st.record(out, frame, this.tsSec, this.tsNsec, itf.linkType, itf.globalId, buf, start, end, orig >= caplen ? orig : caplen);
  }
}
