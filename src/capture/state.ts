/**
 * What the format decoders share with the chunking parser: running counters, the diagnostic sink and
 * the stop flag. Kept as plain numeric fields so the hot path updates numbers, not objects.
 */
import type { DiagnosticSink } from '../util/diagnostics.js';
import type { CaptureRecord } from './types.js';
import { CAPTURE_CORRUPT_RECORD } from './codes.js';
import { ReadRecord } from './read-record.js';

/** Largest captured length of one packet we accept (Wireshark's standard maximum). */
export const MAX_CAPLEN = 262144;
/** Largest pcapng block we accept. */
export const MAX_BLOCK = 16 * 1024 * 1024;
/** Largest secrets data of one pcapng Decryption Secrets Block we pass on. */
export const MAX_SECRETS = 16 * 1024 * 1024;

export class ReadState {
  packets = 0;
  bytes = 0;
  firstSec = 0;
  firstNsec = 0;
  lastSec = 0;
  lastNsec = 0;
  /** Set once a corrupt unit stopped reading. */
  stopped = false;
  timestampDigits = 0;
  readonly linkTypes: number[] = [];
  /** With reuseRecords: the record objects handed out, refilled after recycle(). */
  private readonly pool: ReadRecord[] = [];
  private used = 0;
  /** With reuseRecords: the last batch array handed out, and whether recycle() gave it back. */
  private batch: CaptureRecord[] | undefined;
  private batchFree = false;

  constructor(
    private readonly sink: DiagnosticSink | undefined,
    private readonly reuse = false,
  ) {}

  /**
   * Appends the record of the packet in bytes[start, end) to `out`: a new object with its own view of them, or
   * with reuseRecords a pooled ReadRecord refilled (it makes its view only when asked).
   */
  record(
    out: CaptureRecord[],
    frame: number,
    tsSec: number,
    tsNsec: number,
    linkType: number,
    interfaceId: number,
    bytes: Buffer,
    start: number,
    end: number,
    originalLength: number,
  ): void {
    if (!this.reuse) {
      out.push({ frame, tsSec, tsNsec, linkType, interfaceId, data: bytes.subarray(start, end), originalLength });
      return;
    }
    let r = this.pool[this.used];
    if (r === undefined) {
      r = new ReadRecord(bytes, start, end);
      this.pool.push(r);
    } else r.place(bytes, start, end);
    r.frame = frame;
    r.tsSec = tsSec;
    r.tsNsec = tsNsec;
    r.linkType = linkType;
    r.interfaceId = interfaceId;
    r.originalLength = originalLength;
    this.used++;
    out.push(r);
  }

  /** With reuseRecords: the records handed out so far may be refilled (their batches were consumed). */
  recycle(): void {
    this.used = 0;
    this.batchFree = true;
  }

  /**
   * An empty array for the next batch: with reuseRecords the last one once recycle() gave it back (a batch of a
   * 1 MiB read holds about 3,000 records, grown by doubling each time it was new), else a new one.
   */
  newBatch(): CaptureRecord[] {
    if (!this.reuse) return [];
    const b = this.batchFree && this.batch !== undefined ? this.batch : [];
    b.length = 0;
    this.batch = b;
    this.batchFree = false;
    return b;
  }

  addLinkType(lt: number): void {
    if (!this.linkTypes.includes(lt)) this.linkTypes.push(lt);
  }

  /** Reports an impossible unit at file offset `offset` and stops reading. */
  corrupt(offset: number, detail: string): void {
    this.stopped = true;
    this.damaged(offset, detail);
  }

  /**
   * Reports a damaged unit at file offset `offset` whose framing is intact: the unit is skipped and reading
   * continues (same code, severity and wording as corrupt()).
   */
  damaged(offset: number, detail: string): void {
    this.report(CAPTURE_CORRUPT_RECORD, 'error', offset, `frame ${this.packets + 1} at offset ${offset}: ${detail}`);
  }

  report(code: string, severity: 'error' | 'warning' | 'note', offset: number, detail: string): void {
    this.sink?.({ code, severity, frame: this.packets + 1, connection: -1, offset, detail });
  }
}

/**
 * A format decoder consumes "units" (file header, record, block). The parser asks for the unit length
 * once `headerSize` bytes are available, and hands over runs of whole units.
 */
export interface FormatDecoder {
  /** Bytes needed before the length of the next unit is known (may change after the file header). */
  readonly headerSize: number;
  /**
   * Total length of the unit starting at buf[off] (headerSize bytes available), or -1 when impossible
   * (the decoder has reported it and stopped the state). `fileOffset` is the file offset of buf[off].
   */
  unitLength(buf: Buffer, off: number, fileOffset: number): number;
  /**
   * Decodes whole units in buf[pos, end) and appends packet records to `out`; returns the position after
   * the last whole unit (or where a corrupt unit stopped reading). `base` is the file offset of buf[0].
   */
  decodeRun(buf: Buffer, pos: number, end: number, out: CaptureRecord[], base: number): number;
}
