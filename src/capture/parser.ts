/**
 * Push-based, synchronous capture parser: feed it the input bytes in any split, get packet records.
 *
 * Complete records inside one pushed chunk are returned as views into that chunk (no copy); a record that
 * straddles chunks is kept as a list of pieces and assembled once it is complete. Pushed chunks must not be
 * modified afterwards (records and carried pieces refer to them).
 */
import type { CaptureInfo, CaptureReaderOptions, CaptureRecord } from './types.js';
import { CaptureError } from './errors.js';
import { CAPTURE_TRUNCATED } from './codes.js';
import { joinPieces } from '../util/bytes.js';
import { couldBeCapture, MAGIC_LENGTH, sniffCapture } from './sniff.js';
import { ReadState, type FormatDecoder } from './state.js';
import { PcapDecoder } from './pcap.js';
import { PcapngDecoder } from './pcapng.js';

const NOT_A_CAPTURE = 'not a pcap or pcapng capture';

export class CaptureParser {
  private readonly st: ReadState;
  private decoder: FormatDecoder | undefined;
  private readonly _info: CaptureInfo;
  /** Bytes pushed so far (file offset of the next pushed byte). */
  private total = 0;
  /** Pieces of an unfinished unit (views into earlier chunks). */
  private carry: Buffer[] = [];
  private carryLen = 0;
  /** Length of the carried unit once its header is known, else 0. */
  private carryUnit = 0;
  /** The carry is one buffer of its own (detachCarry), not views into pushed chunks. */
  private carryOwned = false;
  /** Whether the first unit (pcap file header, first SHB) is complete. */
  private headerComplete = false;
  private ended = false;
  private readonly onSecrets: CaptureReaderOptions['onSecrets'];

  constructor(opts?: CaptureReaderOptions) {
    this.st = new ReadState(opts?.onDiagnostic, opts?.reuseRecords === true);
    this.onSecrets = opts?.onSecrets;
    this._info = {
      format: undefined,
      timestampDigits: 0,
      compressed: false,
      linkTypes: this.st.linkTypes,
      packets: 0,
      bytes: 0,
      first: undefined,
      last: undefined,
      truncated: false,
    };
  }

  /** Facts about the capture so far (the same object each time, refreshed on access). */
  get info(): CaptureInfo {
    const st = this.st;
    const info = this._info;
    info.timestampDigits = st.timestampDigits;
    if (st.stopped) info.truncated = true;
    if (info.packets !== st.packets) {
      info.packets = st.packets;
      info.bytes = st.bytes;
      info.first ??= { frame: 1, tsSec: st.firstSec, tsNsec: st.firstNsec };
      info.last = { frame: st.packets, tsSec: st.lastSec, tsNsec: st.lastNsec };
    }
    return info;
  }

  /** True once reading has stopped (corrupt unit, end() or abort()). */
  get done(): boolean {
    return this.ended || this.st.stopped;
  }

  /** True once the file header (pcap header, first pcapng section header) has been read. */
  get headerDone(): boolean {
    return this.headerComplete;
  }

  /**
   * With reuseRecords: the records of the batches returned so far are consumed, their objects may be
   * refilled by the next push().
   */
  recycle(): void {
    this.st.recycle();
  }

  /**
   * Copies the pieces of an unfinished unit out of the pushed chunks, so that no earlier chunk is referred
   * to any more (the reader then refills those chunks with the next reads).
   */
  detachCarry(): void {
    if (this.carryLen === 0 || (this.carryOwned && this.carry.length === 1)) return;
    // joinPieces copies into a new buffer even for one piece: the carry no longer refers to a pushed chunk.
    this.carry = [joinPieces(this.carry, this.carryLen)];
    this.carryOwned = true;
  }

  /** Marks the input as compressed (set by the stream reader). */
  setCompressed(compressed: boolean): void {
    this._info.compressed = compressed;
  }

  push(chunk: Buffer): CaptureRecord[] {
    if (this.done || chunk.length === 0) return [];
    try {
      return this.pushChunk(chunk);
    } catch (e) {
      // Only CaptureError is thrown below (bad magic at the start); nothing more is read after it.
      this.ended = true;
      throw e;
    }
  }

  private pushChunk(chunk: Buffer): CaptureRecord[] {
    const out = this.st.newBatch();
    const chunkStart = this.total;
    this.total += chunk.length;
    let pos = 0;
    if (this.decoder === undefined) {
      pos = this.sniff(chunk);
      if (this.decoder === undefined) return out;
    }
    const decoder: FormatDecoder = this.decoder;
    if (this.carryLen > 0) {
      pos = this.completeCarry(chunk, pos, out);
      if (this.carryLen > 0 || this.st.stopped) return out;
    }
    const runStart = pos;
    pos = decoder.decodeRun(chunk, pos, chunk.length, out, chunkStart);
    if (pos > runStart) this.headerComplete = true;
    if (!this.st.stopped && pos < chunk.length) {
      this.carry.push(chunk.subarray(pos));
      this.carryLen = chunk.length - pos;
    }
    return out;
  }

  /** Ends the input; flags a capture cut inside a unit. Throws CaptureError for no capture at all. */
  end(): void {
    if (this.done) return;
    this.ended = true;
    if (this.total === 0) throw new CaptureError('empty file, not a capture');
    if (this.decoder === undefined) {
      throw new CaptureError(couldBeCapture(joinPieces(this.carry)) ? 'capture cut short inside the file header' : NOT_A_CAPTURE);
    }
    if (!this.headerComplete) throw new CaptureError('capture cut short inside the file header');
    if (this.carryLen > 0) this.cutShort('');
  }

  /**
   * Stops reading because the input was cut short (e.g. a gzip stream ended early); always flags truncation.
   * Throws CaptureError when not even the file header was complete.
   */
  abort(reason: string): void {
    if (this.done) return;
    this.ended = true;
    if (!this.headerComplete) {
      const head = joinPieces(this.carry);
      throw new CaptureError(this.decoder !== undefined || couldBeCapture(head) ? 'capture cut short inside the file header' : NOT_A_CAPTURE);
    }
    this.cutShort(reason);
  }

  private cutShort(reason: string): void {
    this._info.truncated = true;
    const offset = this.total - this.carryLen;
    this.carry = [];
    this.carryOwned = false;
    this.carryLen = 0;
    const suffix = reason === '' ? '' : ` (${reason})`;
    this.st.report(CAPTURE_TRUNCATED, 'warning', offset, `capture cut short after frame ${this.st.packets}${suffix}`);
  }

  /** Collects the first bytes until the magic is known; returns the position in chunk reached. */
  private sniff(chunk: Buffer): number {
    const need = MAGIC_LENGTH - this.carryLen;
    const take = Math.min(need, chunk.length);
    const head = joinPieces([...this.carry, chunk.subarray(0, take)]);
    if (head.length < MAGIC_LENGTH) {
      if (!couldBeCapture(head)) this.reject();
      this.carry.push(chunk);
      this.carryLen += chunk.length;
      return chunk.length;
    }
    const kind = sniffCapture(head);
    if (kind === undefined) this.reject();
    else if (kind.format === 'pcap') {
      this.decoder = new PcapDecoder(this.st, kind.littleEndian, kind.nanosecond);
      this._info.format = 'pcap';
    } else {
      this.decoder = new PcapngDecoder(this.st, this.onSecrets);
      this._info.format = 'pcapng';
    }
    return 0;
  }

  private reject(): never {
    this.ended = true;
    throw new CaptureError(NOT_A_CAPTURE);
  }

  /**
   * Feeds bytes from chunk[pos..] into the carried unit; decodes it once complete. Returns the position in
   * chunk after the bytes taken.
   */
  private completeCarry(chunk: Buffer, pos: number, out: CaptureRecord[]): number {
    const decoder = this.decoder as FormatDecoder;
    const unitStart = this.total - chunk.length - this.carryLen;
    if (this.carryUnit === 0) {
      const hs = decoder.headerSize;
      if (this.carryLen < hs) {
        const take = Math.min(hs - this.carryLen, chunk.length - pos);
        this.carry.push(chunk.subarray(pos, pos + take));
        this.carryLen += take;
        pos += take;
        if (this.carryLen < hs) return pos;
      }
      const head = this.carry[0] !== undefined && this.carry[0].length >= hs ? this.carry[0] : this.joinHead(hs);
      const len = decoder.unitLength(head, 0, unitStart);
      if (len < 0) return pos;
      this.carryUnit = len;
    }
    const take = Math.min(this.carryUnit - this.carryLen, chunk.length - pos);
    if (take > 0) {
      this.carry.push(chunk.subarray(pos, pos + take));
      this.carryLen += take;
      pos += take;
    }
    if (this.carryLen < this.carryUnit) return pos;
    const unit = this.carry.length === 1 ? (this.carry[0] as Buffer) : joinPieces(this.carry, this.carryLen);
    this.carry = [];
    this.carryOwned = false;
    this.carryLen = 0;
    this.carryUnit = 0;
    if (decoder.decodeRun(unit, 0, unit.length, out, unitStart) > 0) this.headerComplete = true;
    return pos;
  }

  private joinHead(hs: number): Buffer {
    const pieces: Buffer[] = [];
    let n = 0;
    for (const p of this.carry) {
      if (n >= hs) break;
      const part = p.length > hs - n ? p.subarray(0, hs - n) : p;
      pieces.push(part);
      n += part.length;
    }
    return joinPieces(pieces, hs);
  }
}
