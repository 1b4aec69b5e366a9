/** Classic libpcap format: 24-byte file header, then 16-byte record headers each followed by data. */
import type { CaptureRecord } from './types.js';
import { MAX_CAPLEN, type FormatDecoder, type ReadState } from './state.js';

const FILE_HEADER = 24;
const RECORD_HEADER = 16;

export class PcapDecoder implements FormatDecoder {
  headerSize = FILE_HEADER;
  private linkType = 0;
  private headerDone = false;

  constructor(
    private readonly st: ReadState,
    private readonly le: boolean,
    private readonly ns: boolean,
  ) {
    st.timestampDigits = ns ? 9 : 6;
  }

  unitLength(buf: Buffer, off: number, fileOffset: number): number {
    if (!this.headerDone) return FILE_HEADER;
    const caplen = this.le ? buf.readUInt32LE(off + 8) : buf.readUInt32BE(off + 8);
    if (caplen > MAX_CAPLEN) {
      this.st.corrupt(fileOffset, `captured length ${caplen} exceeds ${MAX_CAPLEN}`);
      return -1;
    }
    return RECORD_HEADER + caplen;
  }

  private fileHeader(buf: Buffer, pos: number): void {
    // LINKTYPE is the low 16 bits; the upper bits may carry an FCS length and flags.
    const raw = this.le ? buf.readUInt32LE(pos + 20) : buf.readUInt32BE(pos + 20);
    this.linkType = raw & 0xffff;
    this.st.addLinkType(this.linkType);
    this.headerDone = true;
    this.headerSize = RECORD_HEADER;
  }

  decodeRun(buf: Buffer, pos: number, end: number, out: CaptureRecord[], base: number): number {
    const st = this.st;
    if (!this.headerDone) {
      if (end - pos < FILE_HEADER) return pos;
      this.fileHeader(buf, pos);
      pos += FILE_HEADER;
    }
    const le = this.le;
    const fracMul = this.ns ? 1 : 1000;
    const fracMax = this.ns ? 1_000_000_000 : 1_000_000;
    const linkType = this.linkType;
    let packets = st.packets;
    let bytes = st.bytes;
    let lastSec = st.lastSec;
    let lastNsec = st.lastNsec;
    while (end - pos >= RECORD_HEADER) {
      let sec: number;
      let frac: number;
      let caplen: number;
      let orig: number;
      if (le) {
        sec = buf.readUInt32LE(pos);
        frac = buf.readUInt32LE(pos + 4);
        caplen = buf.readUInt32LE(pos + 8);
        orig = buf.readUInt32LE(pos + 12);
      } else {
        sec = buf.readUInt32BE(pos);
        frac = buf.readUInt32BE(pos + 4);
        caplen = buf.readUInt32BE(pos + 8);
        orig = buf.readUInt32BE(pos + 12);
      }
      if (caplen > MAX_CAPLEN) {
        st.packets = packets;
        st.bytes = bytes;
        st.lastSec = lastSec;
        st.lastNsec = lastNsec;
        st.corrupt(base + pos, `captured length ${caplen} exceeds ${MAX_CAPLEN}`);
        return pos;
      }
      const next = pos + RECORD_HEADER + caplen;
      if (next > end) break;
      if (frac >= fracMax) {
        // Out-of-range fraction: carry whole seconds over so tsNsec stays below one second.
        sec += Math.floor(frac / fracMax);
        frac %= fracMax;
      }
      const nsec = frac * fracMul;
      packets++;
      if (packets === 1) {
        st.firstSec = sec;
        st.firstNsec = nsec;
      }
      bytes += caplen;
      st.record(out, packets, sec, nsec, linkType, 0, buf, pos + RECORD_HEADER, next, orig >= caplen ? orig : caplen);
      lastSec = sec;
      lastNsec = nsec;
      pos = next;
    }
    st.packets = packets;
    st.bytes = bytes;
    st.lastSec = lastSec;
    st.lastNsec = lastNsec;
    return pos;
  }
}
