/**
 * TLS records opened ahead, on another thread: when a capture is files and the keys are key log files (or its pcapng
 * Decryption Secrets Blocks), a worker
 * (decrypt-ahead-worker.ts) reads the same files through the same stages up to TLS and opens every protected record
 * into a shared ring (decrypt-ahead-ring.ts), while the analysis reads them too and takes each record's plaintext
 * from the ring instead of opening it. Opening is about a third of a TLS capture's analysis (the decipher made
 * for each record, and the plaintext's memory); the machine's other core does it now.
 *
 * The ring's entries come in the order the worker opened them, which is the order the analysis meets them (the
 * same stages on the same bytes). Each is checked against the record asked for (connection, direction, sequence
 * number, length and last 16 bytes); at the first that differs, or when none comes, the worker is stopped and the
 * analysis opens every later record itself, as it did before: the output is the same either way.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { Dir } from '../tcp/types.js';
import type { OpenResult, RecordDecrypter } from '../transport/tls-record-cipher.js';
import type { RecordOpener } from '../transport/tls-record-opener.js';
import { workerThreads } from '../util/builtins.js';
import { newRingMemory, RingReader } from './decrypt-ahead-ring.js';
import type { DecryptAheadData } from './decrypt-ahead-worker.js';
import { readCheck } from './pipeline.js';

/**
 * Captures smaller than this are opened in place. The worker's start and its catching up cost about 100-150 ms, and
 * the analysis waits for it at the first records: on the bench's TLS chat traffic, --summary with and without it
 * (medians of 5 to 9 runs) took 534 / 440 ms at 4 MB, 822 / 674 ms at 16 MB, 1080 / 1007 ms at 32 MB, 1571 / 1598 ms
 * at 64 MB, 2088 / 2342 ms at 100 MB and 4.0 / 5.3 s at 200 MB.
 */
const MIN_CAPTURE_BYTES = 64 * 1024 * 1024;
/**
 * Longest wait for one record (ms). The worker does less than the analysis for each packet and is ahead of it but
 * for its start (about 40 ms); a worker that stopped (killed, out of memory) is given up after this.
 */
const WAIT_MS = 10_000;
/** The worker's young generation (MB): what it allocates (each record's plaintext) dies at once. */
const YOUNG_MB = 1;

export interface DecryptAheadRequest {
  /** The capture's sources: a worker is started only when every one is a regular file. */
  sources: ReadonlyArray<string | object>;
  keylogs: readonly string[];
  /** The key logs are followed as they grow (a live capture): no worker. */
  following: boolean;
}

/**
 * The analysis's record opener. Records are opened in place until a worker supplies them: one is started with the
 * analysis when key log files are given, or at the capture's first pcapng Decryption Secrets Block (secretsBlock()),
 * whose keys the worker reads too.
 */
export class DecryptAhead implements RecordOpener {
  private reader: RingReader | undefined;
  private worker: Worker | undefined;
  private started = false;
  private blockSeen = false;
  /** Records taken from the ring, and opened here (before the worker was stopped, or after). */
  supplied = 0;
  openedHere = 0;

  constructor(private readonly req: DecryptAheadRequest) {
    this.begin(req.keylogs.length > 0);
  }

  /** One that reads a ring some other writer fills (tests). */
  static overRing(memory: SharedArrayBuffer, poison = false): DecryptAhead {
    const d = new DecryptAhead({ sources: [], keylogs: [], following: false });
    d.reader = new RingReader(memory, poison);
    return d;
  }

  /** The capture's first pcapng Decryption Secrets Block was read: its keys are the worker's too. */
  secretsBlock(): void {
    if (this.blockSeen) return;
    this.blockSeen = true;
    if (!this.started) this.begin(true);
  }

  /**
   * Starts the worker, unless records are better opened in place: no key material, a source that is not a regular
   * file, a small capture, one core, MSRPSCOPE_DECRYPT_AHEAD=0 (=1 starts one whatever the size and the cores), or
   * msrpscope run without its bundle (workerEntry).
   */
  private begin(keyed: boolean): void {
    const env = process.env.MSRPSCOPE_DECRYPT_AHEAD;
    // With one core the worker would only take turns with the analysis.
    if (env === '0' || !keyed || this.req.following || (availableParallelism() < 2 && env !== '1')) return;
    let total = 0;
    for (const s of this.req.sources) {
      if (typeof s !== 'string' || s === '-') return;
      try {
        const st = statSync(s);
        if (!st.isFile()) return;
        total += st.size;
      } catch {
        return;
      }
    }
    if (total < MIN_CAPTURE_BYTES && env !== '1') return;
    const entry = workerEntry();
    if (entry === undefined) return;
    const memory = newRingMemory();
    const workerData: DecryptAheadData = {
      role: 'msrpscope-decrypt-ahead',
      sources: this.req.sources as string[],
      keylogs: [...this.req.keylogs],
      memory,
    };
    try {
      const { Worker } = workerThreads();
      this.worker = new Worker(entry, { eval: true, workerData, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
    } catch {
      return;
    }
    // The worker never keeps the process alive; an error in it leaves the ring's state FAILED (or silent).
    this.worker.unref();
    this.worker.on('error', () => undefined);
    this.reader = new RingReader(memory, readCheck().poisonReusedChunks === true);
    this.started = true;
  }

  open(connection: number, dir: Dir, dec: RecordDecrypter, type: number, version: number, body: Buffer): OpenResult {
    const reader = this.reader;
    if (reader !== undefined) {
      const e = reader.next({ connection, dir, seq: dec.seq, body }, WAIT_MS);
      if (e !== undefined && e.ok) {
        this.supplied++;
        dec.seq++;
        return { ok: true, type: e.type, plaintext: e.plaintext };
      }
      // A record that did not open is opened here again, for its reason; another record (or none) stops the worker.
      if (e === undefined) this.stop();
    }
    this.openedHere++;
    return dec.open(type, version, body);
  }

  /** After a batch of packets: the plaintext handed out so far is no longer read. */
  release(): void {
    this.reader?.release();
  }

  /** Whether the worker still supplies the records (tests). */
  get supplying(): boolean {
    return this.reader !== undefined;
  }

  stop(): void {
    if (this.reader !== undefined) this.reader.release();
    this.reader = undefined;
    void this.worker?.terminate();
    this.worker = undefined;
  }

  /** The capture is read: the worker is stopped; with MSRPSCOPE_TIMING=1, how many records each side opened. */
  finish(): void {
    this.stop();
    if (this.started && process.env.MSRPSCOPE_TIMING === '1') {
      process.stderr.write(`msrpscope: timing: decrypt-ahead: ${this.supplied} records opened by the worker, ${this.openedHere} here\n`);
    }
  }
}

/**
 * The worker's code: the bundle (dist/bundle/msrpscope.cjs), loaded with its code cache by bin/load-bundle.cjs,
 * running its runDecryptAheadWorker export. Undefined when msrpscope runs from the modules of dist/ (or from its
 * sources): a worker made of ES modules is loaded through the main thread's event loop, which waits on the ring.
 */
function workerEntry(): string | undefined {
  const self = fileURLToPath(import.meta.url);
  if (!self.endsWith('.cjs')) return undefined;
  const loader = join(dirname(self), '..', '..', 'bin', 'load-bundle.cjs');
  return (
    `const { workerData } = require('node:worker_threads');` +
    `require(${JSON.stringify(loader)}).loadBundle(${JSON.stringify(self)}).exports.runDecryptAheadWorker(workerData);`
  );
}
