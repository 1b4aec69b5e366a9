import type { DiagnosticSink } from '../util/diagnostics.js';

/** Where a byte came from: the frame (1-based) and its capture timestamp at nanosecond precision. */
export interface FrameRef {
  frame: number;
  /** Whole seconds since the Unix epoch. */
  tsSec: number;
  /** Nanoseconds within the second, 0..999_999_999. */
  tsNsec: number;
}

export type CaptureFormat = 'pcap' | 'pcapng';

/** One packet record of a capture. `data` is a view into the reader's buffer: copy it to keep it. */
export interface CaptureRecord extends FrameRef {
  /** Link-layer type (LINKTYPE_* number) of the interface the packet was captured on. */
  linkType: number;
  /** Interface index (pcapng IDB order over the whole file, 0 for classic pcap). */
  interfaceId: number;
  /** Captured bytes. */
  data: Buffer;
  /** Length of the packet on the wire (>= data.length). */
  originalLength: number;
}

/** Facts about the capture as a whole, filled while reading. */
export interface CaptureInfo {
  format: CaptureFormat | undefined;
  /** 'us' or 'ns' for classic pcap; the finest if_tsresol seen for pcapng, in digits after the point. */
  timestampDigits: number;
  compressed: boolean;
  /** Link type numbers in order of first appearance (one per interface, duplicates removed). */
  linkTypes: number[];
  packets: number;
  /** Captured bytes of all records (sum of data.length). */
  bytes: number;
  first: FrameRef | undefined;
  last: FrameRef | undefined;
  /** True when the capture ended inside a record, or a corrupt part stopped reading early. */
  truncated: boolean;
}

/** pcapng Decryption Secrets Block secrets type for an NSS key log ('TLSK'). */
export const SECRETS_TYPE_TLS_KEYLOG = 0x544c534b;

/** The secrets of one pcapng Decryption Secrets Block (DSB), as handed to `CaptureReaderOptions.onSecrets`. */
export interface CaptureSecrets {
  /** Secrets type (e.g. SECRETS_TYPE_TLS_KEYLOG = 0x544c534b 'TLSK'); unknown types are passed on too. */
  type: number;
  /** A copy of the secrets data: exactly Secrets Length bytes (padding and options left out). */
  data: Buffer;
  /** 1-based frame number the next packet record after this block gets (packets read so far + 1). */
  beforeFrame: number;
}

/**
 * An open descriptor read as the capture (standard input: `tcpdump -U -w - | msrpscope -`). A pipe or a socket is
 * read straight into the reader's buffers, and a regular file (`msrpscope - < file`) as a file is; anything else
 * (a terminal) as a stream. stop() ends the input where it is, as its end would (Ctrl-C; the viewer closed while
 * the writer still writes).
 */
export class DescriptorSource {
  readonly #stop = new AbortController();

  constructor(readonly fd: number) {}

  /** Aborted by stop(). */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  get stopped(): boolean {
    return this.#stop.signal.aborted;
  }

  stop(): void {
    this.#stop.abort();
  }
}

export interface CaptureReaderOptions {
  /** Diagnostics (e.g. impossible record length) go here; warnings too. */
  onDiagnostic?: DiagnosticSink;
  /**
   * Called synchronously for every pcapng Decryption Secrets Block, in file order, while the chunk holding
   * its end is parsed (so possibly before earlier packet batches have been handed out: use beforeFrame to
   * place it). An exception thrown here propagates out of the reader.
   */
  onSecrets?: (secrets: CaptureSecrets) => void;
  /** Cap on decompressed bytes for gzip input (default 64 GiB); exceeding it is a CaptureError. */
  maxDecompressedBytes?: number;
  /**
   * Refill the record objects of a batch once the next batch is asked for, instead of new ones per packet:
   * a record (its fields, not its data) is valid only until the reader's iterator is advanced. For a consumer
   * that copies what it keeps (the pipeline). Default false.
   */
  reuseRecords?: boolean;
  /**
   * Refill the read buffers of a plain file once the next batch is asked for: a record's data is then valid
   * only until the reader's iterator is advanced too. For a consumer that copies the bytes it keeps (the
   * pipeline). Default false.
   */
  reuseChunks?: boolean;
  /** Size of each read from a file (default 1 MiB; 256 KiB for pipes and streams); tests use small ones. */
  chunkBytes?: number;
  /** With reuseChunks: fill a buffer with 0xEE before it is reused (tests: any view kept too long shows). */
  poisonReusedChunks?: boolean;
}
