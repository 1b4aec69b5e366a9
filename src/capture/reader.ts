/**
 * Streaming capture reader: file path, '-' (stdin) or a readable stream → batches of records, one batch per
 * input chunk, with natural backpressure. gzip input (detected by magic) is decompressed on the fly.
 */
import { closeSync, createReadStream, fstatSync, openSync, read, statSync } from 'node:fs';
import type { OnReadOpts, SocketConstructorOpts } from 'node:net';
import { Readable, pipeline } from 'node:stream';
import { net, zlib } from '../util/builtins.js';
import { errnoText } from '../util/errno.js';
import { DescriptorSource, type CaptureInfo, type CaptureReaderOptions, type CaptureRecord } from './types.js';
import { CaptureError } from './errors.js';
import { CAPTURE_GZIP_CORRUPT } from './codes.js';
import { CaptureParser } from './parser.js';
import { isGzip } from './sniff.js';
import { copyBytes, joinPieces } from '../util/bytes.js';

export interface CaptureReader extends AsyncIterable<CaptureRecord[]> {
  readonly info: CaptureInfo;
}

const HIGH_WATER_MARK = 256 * 1024;
/**
 * Size of each read from a regular file. Each read waits for the thread pool's callback: larger reads pay that
 * toll less often (200 MB capture, `--summary`: 64 KiB 0.97-1.02 s, 256 KiB 0.83-0.84 s, 1 MiB 0.74-0.77 s).
 */
const FILE_READ_BYTES = 1024 * 1024;
const DEFAULT_MAX_DECOMPRESSED = 64 * 1024 * 1024 * 1024;

type ChunkIterator = AsyncIterator<unknown>;

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk), 'latin1');
}

function isZlibError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

function toReadable(source: NodeJS.ReadableStream | Readable): Readable {
  if (source instanceof Readable) return source;
  return new Readable().wrap(source);
}

/**
 * The read buffers of a file: handed out by fileChunks, given back by reclaim() once nothing refers to them
 * any more (the consumer has asked for the next batch and the parser has copied out its unfinished unit),
 * then refilled by the next reads. A few buffers serve the whole file instead of one new buffer per read,
 * which V8 would free only at its next full collection (external memory that piles up meanwhile).
 */
class ChunkPool {
  private readonly free: Buffer[] = [];
  private readonly lent: Buffer[] = [];
  /** The memory of every buffer made here (owns()). */
  private readonly made = new WeakSet<ArrayBufferLike>();
  /** Buffers are tracked for reuse only once the reader knows it will give them back (reuse()). */
  private reusing = true;

  constructor(
    readonly size: number,
    /** Fill given-back buffers with 0xEE before they are reused (tests: a stage that kept a view shows). */
    private readonly poison: boolean,
  ) {}

  take(): Buffer {
    const b = this.takeUnlent();
    this.lend(b);
    return b;
  }

  /** A buffer not yet counted as lent (a read in flight into it): reclaim() leaves it alone until lend(). */
  takeUnlent(): Buffer {
    let b = this.free.pop();
    if (b === undefined) {
      b = Buffer.allocUnsafeSlow(this.size);
      this.made.add(b.buffer);
    }
    return b;
  }

  /** Counts a buffer of takeUnlent() as lent: handed out from now on. */
  lend(b: Buffer): void {
    if (this.reusing) this.lent.push(b);
  }

  /**
   * The first `n` bytes of a buffer of takeUnlent() as a chunk to hand out: the buffer itself, lent, when buffers
   * are given back; else a copy of them (a pipe's read is often a fraction of the buffer) and the buffer kept here.
   */
  keep(b: Buffer, n: number): Buffer {
    if (this.reusing) {
      this.lend(b);
      return n === b.length ? b : b.subarray(0, n);
    }
    const copy = Buffer.from(b.subarray(0, n));
    this.free.push(b);
    return copy;
  }

  /** Whether `b` is (a view of) one of this pool's buffers. */
  owns(b: Buffer): boolean {
    return this.made.has(b.buffer);
  }

  /** Whether buffers are given back (a plain file read for a consumer that copies what it keeps). */
  reuse(on: boolean): void {
    this.reusing = on;
    if (!on) this.lent.length = 0;
  }

  reclaim(): void {
    for (const b of this.lent) {
      if (this.poison) b.fill(0xee);
      this.free.push(b);
    }
    this.lent.length = 0;
  }
}

/**
 * A file's bytes in chunks of the pool's size (views of them travel up the pipeline). Anything but a regular file
 * (a FIFO, a device, a directory) is read as a stream, as before. Open and read errors surface from next().
 */
async function* fileChunks(path: string, pool: ChunkPool): AsyncGenerator<Buffer> {
  if (!statSync(path).isFile()) {
    // A FIFO or a device may block (even its opening): read it as a stream.
    for await (const chunk of createReadStream(path, { highWaterMark: HIGH_WATER_MARK })) yield toBuffer(chunk);
    return;
  }
  const fd = openSync(path, 'r');
  try {
    yield* regularFileChunks(fd, pool);
  } finally {
    closeSync(fd);
  }
}

/**
 * A regular file's bytes from the descriptor's offset on. The next chunk is read by the thread pool while the
 * pipeline works on this one, so the copy from the page cache (a tenth of a `--summary` run when it was read
 * synchronously) happens on another core: 200 MB capture, `--summary` 0.78-0.81 → 0.74-0.77 s, `--json`
 * 1.18-1.24 → 1.09-1.19 s. An abort of `signal` ends it after the chunk in hand.
 */
async function* regularFileChunks(fd: number, pool: ChunkPool, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const readAhead = (): Promise<[Buffer, number]> => {
    const b = pool.takeUnlent();
    const p = new Promise<[Buffer, number]>((resolve, reject) => {
      read(fd, b, 0, b.length, null, (err, got) => (err === null ? resolve([b, got]) : reject(err)));
    });
    // A failed read is reported when its chunk is asked for, not as an unhandled rejection while the
    // pipeline waits for something else (its output to drain).
    p.catch(() => undefined);
    return p;
  };
  let next = readAhead();
  try {
    for (;;) {
      const [b, got] = await next;
      if (got <= 0 || signal?.aborted === true) return;
      pool.lend(b);
      next = readAhead();
      yield got === b.length ? b : b.subarray(0, got);
    }
  } finally {
    // A read in flight finishes before the descriptor is closed.
    await next.catch(() => undefined);
  }
}

/** Reads of a pipe that may wait for the consumer before reading is paused. */
const QUEUED_READS = 4;

/**
 * A pipe's or a socket's bytes, read into the pool's buffers as they arrive (net.Socket's `onread`). As a stream,
 * each read made a buffer of its own that the reader copied and dropped, memory the C heap then kept: 1 GB through a
 * pipe into `--summary` took 130-136 MB, now 121 MB as the file does; the live viewer 163-169 → 160 MB. Up to
 * QUEUED_READS reads wait for the consumer (while the pipeline waits for its output to drain), then reading stops
 * until it asks for more. An abort of `signal` ends the input where it is.
 */
async function* socketChunks(fd: number, pool: ChunkPool, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const queue: Array<{ b: Buffer; n: number }> = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  // Returning false from the callback stops the reads (not Readable's pause: isPaused() stays false); resume()
  // starts them again.
  let stopped = false;
  const onread: OnReadOpts = {
    buffer: () => pool.takeUnlent(),
    callback: (n, b) => {
      queue.push({ b: b as Buffer, n });
      notify();
      stopped = queue.length >= QUEUED_READS;
      return !stopped;
    },
  };
  // Node's Socket takes `onread` in its constructor too (its types list it for connect() only).
  const opts: SocketConstructorOpts & { onread: OnReadOpts } = { fd, readable: true, writable: false, onread };
  const sock = new (net().Socket)(opts);
  const end = (): void => {
    ended = true;
    notify();
  };
  sock.on('end', end);
  sock.on('error', (e: Error) => {
    failure ??= e;
    notify();
  });
  signal?.addEventListener('abort', end, { once: true });
  try {
    for (;;) {
      const next = queue.shift();
      if (next !== undefined && signal?.aborted !== true) {
        if (stopped) {
          stopped = false;
          sock.resume();
        }
        yield pool.keep(next.b, next.n);
        continue;
      }
      if (failure !== undefined) throw failure;
      if (ended || signal?.aborted === true) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal?.removeEventListener('abort', end);
    sock.destroy();
  }
}

/**
 * How a descriptor is read: a regular file, a pipe or socket, or anything else (also when fstat fails: as a stream,
 * whose reading says why).
 */
type DescriptorKind = 'file' | 'socket' | 'stream';

function descriptorKind(fd: number): DescriptorKind {
  try {
    const st = fstatSync(fd);
    return st.isFile() ? 'file' : st.isFIFO() || st.isSocket() ? 'socket' : 'stream';
  } catch {
    return 'stream';
  }
}

/**
 * An open descriptor's bytes (standard input): a regular file and a pipe or socket into the pool's buffers, anything
 * else (a terminal) as a stream.
 */
async function* descriptorChunks(src: DescriptorSource, kind: DescriptorKind, pool: ChunkPool): AsyncGenerator<Buffer> {
  if (kind === 'file') {
    yield* regularFileChunks(src.fd, pool, src.signal);
    return;
  }
  if (kind === 'socket') {
    yield* socketChunks(src.fd, pool, src.signal);
    return;
  }
  const stream = src.fd === 0 ? process.stdin : createReadStream('', { fd: src.fd, autoClose: false, highWaterMark: HIGH_WATER_MARK });
  const stop = (): void => {
    stream.destroy();
  };
  src.signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const chunk of stream) yield toBuffer(chunk);
  } finally {
    src.signal?.removeEventListener('abort', stop);
  }
}

/** Yields `head` then the rest of `rest`. */
async function* prepend(head: Buffer[], rest: ChunkIterator): AsyncGenerator<Buffer> {
  for (const b of head) yield b;
  for (;;) {
    const r = await rest.next();
    if (r.done === true) return;
    yield toBuffer(r.value);
  }
}

export async function openCapture(source: string | NodeJS.ReadableStream | Readable | DescriptorSource, opts?: CaptureReaderOptions): Promise<CaptureReader> {
  // '-' is standard input, read as its descriptor is.
  const descriptor = source === '-' ? new DescriptorSource(0) : source instanceof DescriptorSource ? source : undefined;
  const name = descriptor !== undefined ? (descriptor.fd === 0 ? 'stdin' : `descriptor ${descriptor.fd}`) : typeof source === 'string' ? source : 'input stream';
  const path = typeof source === 'string' && descriptor === undefined ? source : undefined;
  const kind = descriptor === undefined ? undefined : descriptorKind(descriptor.fd);
  const chunkBytes = opts?.chunkBytes ?? (path !== undefined || kind === 'file' ? FILE_READ_BYTES : HIGH_WATER_MARK);
  if (!Number.isInteger(chunkBytes) || chunkBytes < 16) throw new CaptureError(`invalid read size ${chunkBytes}`);
  const pool = new ChunkPool(chunkBytes, opts?.poisonReusedChunks === true);
  const raw: ChunkIterator =
    path !== undefined
      ? fileChunks(path, pool)
      : descriptor !== undefined && kind !== undefined
        ? descriptorChunks(descriptor, kind, pool)
        : toReadable(source as NodeJS.ReadableStream | Readable)[Symbol.asyncIterator]();
  const readError = (e: unknown): CaptureError => new CaptureError(`cannot read ${name}: ${errnoText(e)}`);
  const close = async (it: ChunkIterator): Promise<void> => {
    try {
      await it.return?.();
    } catch {
      // closing after an error: nothing more to report
    }
  };

  // Sniff gzip: read until two bytes are known or the input ends.
  const head: Buffer[] = [];
  let headLen = 0;
  let rawDone = false;
  try {
    while (headLen < 2) {
      const r = await raw.next();
      if (r.done === true) {
        rawDone = true;
        break;
      }
      const b = toBuffer(r.value);
      head.push(b);
      headLen += b.length;
    }
  } catch (e) {
    await close(raw);
    throw readError(e);
  }

  const parser = new CaptureParser(opts);
  // Only the first two bytes matter; the first chunk is usually a whole read (256 KiB).
  const first2 = joinPieces(head.length > 0 && (head[0] as Buffer).length >= 2 ? [(head[0] as Buffer).subarray(0, 2)] : head);
  const compressed = isGzip(first2);
  parser.setCompressed(compressed);
  let input: ChunkIterator;
  let cap = Infinity;
  if (compressed) {
    const gunzip = zlib().createGunzip();
    pipeline(Readable.from(prepend(head, raw)), gunzip, () => {
      // errors surface through the gunzip iterator
    });
    input = gunzip[Symbol.asyncIterator]();
    cap = opts?.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED;
  } else {
    input = rawDone ? (async function* () {})() : raw;
  }

  let produced = 0;
  let capExceeded = false;
  let inputDone = false;
  // Chunks read elsewhere (a pipe, stdin, gunzip's output) are copied into reused buffers when the consumer
  // copies what it keeps, as a file's reads are made into them: each read had a buffer of its own, and one
  // that was alive during a scavenge stayed until V8's next full collection (1 GB through a pipe into
  // --summary: 133-140 MB peak RSS, 124-125 MB as the file now). `rest` is what did not fit in one buffer,
  // copied at the next call.
  const copies = opts?.reuseChunks === true ? new ChunkPool(chunkBytes, opts.poisonReusedChunks === true) : undefined;
  let rest: Buffer | undefined;
  const pooled = (b: Buffer): Buffer => {
    if (copies === undefined || b.length === 0 || pool.owns(b)) return b;
    const n = Math.min(b.length, copies.size);
    const into = copies.take();
    b.copy(into, 0, 0, n);
    rest = n < b.length ? b.subarray(n) : undefined;
    return n === into.length ? into : into.subarray(0, n);
  };
  /** Reads the next chunk, turning stream ends and failures into parser state. Returns undefined at the end. */
  const nextChunk = async (): Promise<Buffer | undefined> => {
    if (rest !== undefined) return counted(pooled(rest));
    if (!compressed && head.length > 0) return pooled(head.shift() as Buffer);
    let r: IteratorResult<unknown>;
    try {
      r = await input.next();
    } catch (e) {
      inputDone = true;
      if (compressed && isZlibError(e)) {
        if ((e as { code?: unknown }).code === 'Z_BUF_ERROR') parser.abort('gzip stream ends early');
        else {
          opts?.onDiagnostic?.({
            code: CAPTURE_GZIP_CORRUPT,
            severity: 'error',
            frame: parser.info.packets + 1,
            connection: -1,
            detail: `damaged gzip stream after frame ${parser.info.packets}: ${errnoText(e)}`,
          });
          parser.abort('damaged gzip stream');
        }
        return undefined;
      }
      throw readError(e);
    }
    if (r.done === true) {
      inputDone = true;
      parser.end();
      return undefined;
    }
    return counted(pooled(toBuffer(r.value)));
  };
  /** A chunk of the input counted against the decompressed size's cap (cut where it is reached). */
  function counted(chunk: Buffer): Buffer {
    let b = chunk;
    if (produced + b.length > cap) {
      b = b.subarray(0, Math.max(0, cap - produced));
      capExceeded = true;
    }
    produced += b.length;
    return b;
  }

  // Buffers of a plain file are reused when the consumer copies what it keeps (gzip's input is read by zlib).
  const reuseChunks = opts?.reuseChunks === true && !compressed;
  // Otherwise every read keeps a buffer of its own, freed with the records that refer to it.
  pool.reuse(reuseChunks);
  const pending: CaptureRecord[][] = [];
  try {
    // Sniff the (decompressed) capture: the magic and the file header must be readable at open time.
    while (!parser.headerDone && !parser.done) {
      const b = await nextChunk();
      if (b === undefined) break;
      const batch = parser.push(b);
      if (batch.length > 0) pending.push(batch);
      if (capExceeded) break;
    }
    if (capExceeded && !parser.headerDone) throw new CaptureError(`decompressed size exceeds ${cap} bytes`);
  } catch (e) {
    await close(input);
    await close(raw);
    throw e instanceof CaptureError ? e : readError(e);
  }

  async function* iterate(): AsyncGenerator<CaptureRecord[]> {
    try {
      while (pending.length > 0) yield pending.shift() as CaptureRecord[];
      while (!parser.done && !inputDone && !capExceeded) {
        // The consumer is done with the batches handed out (it asked for the next one).
        parser.recycle();
        if (copies !== undefined) {
          // Nothing refers to the chunks read so far (the consumer copies what it keeps): their buffers take
          // the next reads.
          parser.detachCarry();
          if (reuseChunks) pool.reclaim();
          copies.reclaim();
        }
        const b = await nextChunk();
        if (b === undefined) break;
        const batch = parser.push(b);
        if (batch.length > 0) yield batch;
      }
      if (capExceeded) {
        parser.abort(`decompressed size exceeds ${cap} bytes`);
        throw new CaptureError(`decompressed size exceeds ${cap} bytes`);
      }
    } finally {
      await close(input);
      await close(raw);
    }
  }

  return {
    get info(): CaptureInfo {
      return parser.info;
    },
    [Symbol.asyncIterator]: () => iterate(),
  };
}

/** Reads a whole capture into memory (records' data copied). Meant for tests and small files. */
export async function readAllRecords(
  source: string | NodeJS.ReadableStream | Readable | DescriptorSource,
  opts?: CaptureReaderOptions,
): Promise<{ info: CaptureInfo; records: CaptureRecord[] }> {
  const reader = await openCapture(source, opts);
  const records: CaptureRecord[] = [];
  for await (const batch of reader) {
    for (const r of batch) records.push({ ...r, data: copyBytes(r.data) });
  }
  return { info: reader.info, records };
}
