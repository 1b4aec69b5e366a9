/**
 * The shared memory through which a thread that opens TLS records ahead (decrypt-ahead-worker.ts) hands them to
 * the analysis (decrypt-ahead.ts): one writer, one reader, entries in the order the records were opened.
 *
 * Layout: a control block of Int32 slots, then a data area of RING_BYTES (a power of two). An entry is a 64-byte
 * header (its length, the record's connection, direction, sequence number, body length, the last 16 bytes of its
 * body, whether it opened, its content type and plaintext length) and the plaintext, padded to 8 bytes. An entry
 * never wraps: where one does not fit before the end, a wrap mark sends the reader to the start.
 *
 * `written` and `released` count bytes (modulo 2^32: only their difference is read, and the data area divides
 * 2^32). The reader reads ahead of what it has released: plaintext views stay valid until release(), which the
 * analysis calls after each batch of packets (the stages copy what they keep beyond a batch, as they do for the
 * read buffers).
 */

/**
 * Data area: 4 MiB. A batch is a 1 MiB read: its plaintext is less, and the headers of its records at most about
 * 3 MiB (47,000 of the smallest TLS 1.3 records). Should the reader ever hold a whole ring within one batch, it
 * gives up (waitEntry) and the analysis opens the rest itself.
 */
export const RING_BYTES = 4 * 1024 * 1024;
const HEADER = 64;
/** How long the reader lets a writer that said it waits for room find it after all (ms). */
const BLOCKED_GRACE_MS = 5;
const WRAP = -1;

const C_WRITTEN = 0;
const C_RELEASED = 1;
const C_STATE = 2;
/** 1 while the writer waits for the reader to release room. */
const C_BLOCKED = 3;
const CONTROL_SLOTS = 4;
const CONTROL_BYTES = CONTROL_SLOTS * 4;

/** The writer's state: still opening, finished (nothing more will come), or stopped by an error. */
export const STATE_RUNNING = 0;
export const STATE_DONE = 1;
export const STATE_FAILED = 2;

/** The 64-byte header, as Int32 slots (the last 16 bytes of the body follow at byte 32). */
const H_LENGTH = 0;
const H_CONNECTION = 1;
const H_DIR = 2;
const H_SEQ_LO = 3;
const H_SEQ_HI = 4;
const H_BODY = 5;
const H_OK = 6;
const H_TYPE = 7;
const H_PLAIN = 8;
const TAIL_AT = 40;
const TAIL = 16;
const TWO_32 = 0x1_0000_0000;

export function newRingMemory(bytes = RING_BYTES): SharedArrayBuffer {
  if (bytes < 1024 || (bytes & (bytes - 1)) !== 0) throw new RangeError('decrypt-ahead ring: size must be a power of two of at least 1 KiB');
  return new SharedArrayBuffer(CONTROL_BYTES + bytes);
}

/** What identifies a record: the reader checks it against the record it is asked for. */
export interface RecordKey {
  connection: number;
  dir: number;
  seq: number;
  body: Buffer;
}

export interface RingEntry {
  ok: boolean;
  type: number;
  /** A view of the ring, valid until the reader's next release(). */
  plaintext: Buffer;
}

class RingMemory {
  protected readonly control: Int32Array;
  protected readonly bytes: Buffer;
  protected readonly ints: Int32Array;
  protected readonly size: number;

  constructor(readonly memory: SharedArrayBuffer) {
    this.control = new Int32Array(memory, 0, CONTROL_SLOTS);
    this.size = memory.byteLength - CONTROL_BYTES;
    this.bytes = Buffer.from(memory, CONTROL_BYTES, this.size);
    this.ints = new Int32Array(memory, CONTROL_BYTES, this.size >> 2);
  }

  get state(): number {
    return Atomics.load(this.control, C_STATE);
  }
}

function padded(n: number): number {
  return (n + 7) & ~7;
}

/** The opening thread's end. */
export class RingWriter extends RingMemory {
  private written = 0;

  /**
   * Appends an entry, waiting while the reader has not released enough room (up to `waitMs` in all; false when it
   * did not come, the reader having gone). An entry larger than half the ring is never written (false).
   */
  write(key: RecordKey, ok: boolean, type: number, plaintext: Buffer | undefined, waitMs = 60_000): boolean {
    const plain = ok && plaintext !== undefined ? plaintext.length : 0;
    const length = HEADER + padded(plain);
    if (length > this.size / 2) return false;
    let pos = this.written & (this.size - 1);
    const wrap = pos + length > this.size ? this.size - pos : 0;
    if (!this.room(wrap + length, waitMs)) return false;
    if (wrap > 0) {
      this.ints[pos >> 2] = WRAP;
      this.written = (this.written + wrap) | 0;
      pos = 0;
    }
    const h = pos >> 2;
    const ints = this.ints;
    ints[h + H_LENGTH] = length;
    ints[h + H_CONNECTION] = key.connection;
    ints[h + H_DIR] = key.dir;
    ints[h + H_SEQ_LO] = key.seq % TWO_32 | 0;
    ints[h + H_SEQ_HI] = Math.floor(key.seq / TWO_32) | 0;
    ints[h + H_BODY] = key.body.length;
    ints[h + H_OK] = ok ? 1 : 0;
    ints[h + H_TYPE] = type;
    ints[h + H_PLAIN] = plain;
    tailOf(key.body, this.bytes, pos + TAIL_AT);
    if (plain > 0) (plaintext as Buffer).copy(this.bytes, pos + HEADER);
    this.written = (this.written + length) | 0;
    Atomics.store(this.control, C_WRITTEN, this.written);
    Atomics.notify(this.control, C_WRITTEN);
    return true;
  }

  finish(state: typeof STATE_DONE | typeof STATE_FAILED): void {
    Atomics.store(this.control, C_STATE, state);
    Atomics.notify(this.control, C_WRITTEN);
  }

  private room(need: number, waitMs: number): boolean {
    const deadline = Date.now() + waitMs;
    for (;;) {
      // Said before looking: a reader that sees it, with nothing left to read, knows the room was not there.
      Atomics.store(this.control, C_BLOCKED, 1);
      const released = Atomics.load(this.control, C_RELEASED);
      if (this.size - ((this.written - released) | 0) >= need) {
        Atomics.store(this.control, C_BLOCKED, 0);
        return true;
      }
      Atomics.notify(this.control, C_WRITTEN);
      const left = deadline - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.control, C_RELEASED, released, left);
    }
  }
}

/** The last TAIL bytes of a body (zero-filled before a shorter one), at `to[at..]`. */
function tailOf(body: Buffer, to: Buffer, at: number): void {
  const n = Math.min(TAIL, body.length);
  if (n < TAIL) to.fill(0, at, at + TAIL - n);
  body.copy(to, at + TAIL - n, body.length - n);
}

/** The analysis's end. */
export class RingReader extends RingMemory {
  /** Bytes read (modulo 2^32): entries up to here may be released. */
  private read = 0;

  constructor(
    memory: SharedArrayBuffer,
    /** Fill released bytes with 0xEE (tests: a stage that kept a view of plaintext past its batch shows). */
    private readonly poison = false,
  ) {
    super(memory);
  }

  /**
   * The next entry, when it is the record `key` (same connection, direction, sequence number, body length and last
   * 16 bytes); undefined when it is another record, or when none came within `waitMs` (the writer failed, finished
   * or fell silent). After undefined the reader is out of step and must not be asked again.
   */
  next(key: RecordKey, waitMs = 30_000): RingEntry | undefined {
    const pos = this.waitEntry(waitMs);
    if (pos < 0) return undefined;
    const h = pos >> 2;
    const ints = this.ints;
    const length = ints[h + H_LENGTH]!;
    if (
      ints[h + H_CONNECTION] !== key.connection ||
      ints[h + H_DIR] !== key.dir ||
      ints[h + H_SEQ_LO] !== (key.seq % TWO_32 | 0) ||
      ints[h + H_SEQ_HI] !== (Math.floor(key.seq / TWO_32) | 0) ||
      ints[h + H_BODY] !== key.body.length ||
      !sameTail(key.body, this.bytes, pos + TAIL_AT)
    ) {
      return undefined;
    }
    const plain = ints[h + H_PLAIN]!;
    const entry: RingEntry = {
      ok: ints[h + H_OK] === 1,
      type: ints[h + H_TYPE]!,
      plaintext: this.bytes.subarray(pos + HEADER, pos + HEADER + plain),
    };
    this.read = (this.read + length) | 0;
    return entry;
  }

  /** Gives the room of every entry read so far back to the writer (their plaintext views are no longer used). */
  release(): void {
    if (this.poison) {
      const from = Atomics.load(this.control, C_RELEASED);
      const n = (this.read - from) | 0;
      const start = from & (this.size - 1);
      const first = Math.min(n, this.size - start);
      this.bytes.fill(0xee, start, start + first);
      if (n > first) this.bytes.fill(0xee, 0, n - first);
    }
    Atomics.store(this.control, C_RELEASED, this.read);
    Atomics.notify(this.control, C_RELEASED);
  }

  /**
   * The byte offset of the next entry (after wrap marks), or -1 when none came in time, or none can come: the writer
   * waits for room that only a release would make (the reader holds a whole ring of plaintext within one batch).
   */
  private waitEntry(waitMs: number): number {
    let deadline = 0;
    let blockedSince = 0;
    for (;;) {
      const written = Atomics.load(this.control, C_WRITTEN);
      if (written !== this.read) {
        const pos = this.read & (this.size - 1);
        if (this.ints[pos >> 2] !== WRAP) return pos;
        this.read = (this.read + this.size - pos) | 0;
        continue;
      }
      if (Atomics.load(this.control, C_STATE) !== STATE_RUNNING) {
        // The state is set after the last entry: look once more.
        if (Atomics.load(this.control, C_WRITTEN) !== this.read) continue;
        return -1;
      }
      const now = Date.now();
      if (Atomics.load(this.control, C_BLOCKED) === 1) {
        // The writer may have found room since it said so: give it a moment.
        if (blockedSince === 0) blockedSince = now;
        else if (now - blockedSince >= BLOCKED_GRACE_MS) return -1;
        Atomics.wait(this.control, C_WRITTEN, written, BLOCKED_GRACE_MS);
        continue;
      }
      blockedSince = 0;
      if (deadline === 0) deadline = now + waitMs;
      else if (now >= deadline) return -1;
      Atomics.wait(this.control, C_WRITTEN, written, deadline - now);
    }
  }
}

function sameTail(body: Buffer, ring: Buffer, at: number): boolean {
  const n = Math.min(TAIL, body.length);
  for (let k = 0; k < TAIL - n; k++) if (ring[at + k] !== 0) return false;
  return body.compare(ring, at + TAIL - n, at + TAIL, body.length - n, body.length) === 0;
}
