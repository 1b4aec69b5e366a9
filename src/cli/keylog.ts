import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { KeyLog } from '../transport/tls-keylog.js';
import type { KeySource } from '../transport/tls-keys.js';
import type { ConnectionSecrets } from '../transport/tls-keylog.js';
import type { Diagnostic } from '../util/diagnostics.js';
import { escapeText } from '../util/escape.js';
import { errnoText } from '../util/errno.js';
import { CliError, EXIT_UNREADABLE } from './errors.js';

/** Bytes read from a key log file per refresh (a live file is read in steps; a huge one is bounded). */
const READ_STEP = 1 << 20;
/** Something to wait on for a few milliseconds (Atomics.wait) while a pipe has nothing to read yet. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** Least time between two refreshes asked for by a decryptor that found no keys (the timer polls too). */
const REFRESH_MS = 50;

interface FollowedFile {
  path: string;
  /** -1 when closed, or (following) not there yet. */
  fd: number;
  /** Following a file that does not exist yet: it is opened when it appears. */
  waiting: boolean;
  /** The last byte read was not a line end: a last line without one is taken once the file stops growing. */
  tailOpen: boolean;
  offset: number;
  push(chunk: Buffer): void;
}

/**
 * Key material for TLS decryption: the --keylog files (and `-o tls.keylog_file:FILE`), pcapng Decryption
 * Secrets Blocks met in the capture, and, when following (live capture or a pipe), whatever the key log files
 * gain while the capture runs: they are re-read when a connection finds no keys and every 250 ms.
 */
export class KeyRing implements KeySource {
  readonly log: KeyLog;
  private readonly files: FollowedFile[] = [];
  private lastRefresh = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(onDiagnostic: (d: Diagnostic) => void) {
    this.log = new KeyLog({
      onProblem: (p) =>
        onDiagnostic({
          code: 'keylog-bad-line',
          severity: 'warning',
          frame: 0,
          connection: -1,
          detail: `${escapeText(p.source)} line ${p.line}: ${p.detail}`,
        }),
    });
  }

  /** pcapng Decryption Secrets Blocks met so far. */
  private secretsBlocks = 0;

  /** Whether any key material was given or met. */
  get active(): boolean {
    return this.files.length > 0 || this.secretsBlocks > 0;
  }

  get version(): number {
    return this.log.version;
  }

  get(clientRandom: Buffer): ConnectionSecrets | undefined {
    return this.log.get(clientRandom);
  }

  /** Reads a key log file now (and keeps it open when following). A file that cannot be read: exit 2. */
  addFile(path: string, follow: boolean): void {
    let fd = -1;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      // A live capture may start before the client writes its first key: the file is opened when it appears.
      if (!(follow && code === 'ENOENT')) {
        throw new CliError(`cannot read key log ${escapeText(path)}: ${errnoText(e)}`, EXIT_UNREADABLE);
      }
    }
    const reader = this.log.reader(path);
    const f: FollowedFile = { path, fd, waiting: fd < 0, tailOpen: false, offset: 0, push: (chunk) => reader.push(chunk) };
    this.files.push(f);
    if (fd >= 0 && !fstatSync(fd).isFile()) {
      // A pipe (`--keylog <(zcat keys.gz)`, /dev/stdin): read to its end now; its size says nothing.
      this.readPipe(f);
      follow = false;
    } else if (fd >= 0) this.readNew(f);
    if (!follow) {
      reader.end();
      closeSync(fd);
      f.fd = -1;
    } else if (this.timer === undefined) {
      this.timer = setInterval(() => this.poll(), 250);
      this.timer.unref();
    }
  }

  /** NSS key log text from a pcapng Decryption Secrets Block. */
  addSecrets(text: Buffer, beforeFrame: number): void {
    this.secretsBlocks++;
    this.log.addText(text, `pcapng secrets before frame ${beforeFrame}`);
  }

  /** A decryptor found no keys: take in what the followed files gained (at most every REFRESH_MS). */
  refresh(): void {
    const now = Date.now();
    if (now - this.lastRefresh < REFRESH_MS) return;
    this.lastRefresh = now;
    this.poll();
  }

  /** Stops following (the files are closed). */
  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    for (const f of this.files) {
      if (f.fd >= 0) closeSync(f.fd);
      f.fd = -1;
      f.waiting = false;
    }
  }

  private poll(): void {
    for (const f of this.files) {
      if (f.waiting) {
        try {
          f.fd = openSync(f.path, 'r');
          f.waiting = false;
        } catch {
          continue;
        }
      }
      if (f.fd < 0) continue;
      const before = f.offset;
      this.readNew(f);
      if (f.offset === before && f.tailOpen) {
        // Not grown since the last look: the partial last line is a whole line without its line end.
        f.tailOpen = false;
        f.push(Buffer.from('\n'));
      }
    }
  }

  /** Reads a pipe to its end (the writer may still be starting). */
  private readPipe(f: FollowedFile): void {
    const buf = Buffer.allocUnsafe(READ_STEP);
    for (;;) {
      let n: number;
      try {
        n = readSync(f.fd, buf, 0, buf.length, null);
      } catch (e) {
        // A non-blocking pipe with nothing in it yet: wait a little for its writer instead of spinning.
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          Atomics.wait(PAUSE, 0, 0, 10);
          continue;
        }
        throw new CliError(`cannot read key log ${escapeText(f.path)}: ${errnoText(e)}`, EXIT_UNREADABLE);
      }
      if (n <= 0) break;
      f.push(buf.subarray(0, n));
    }
  }

  /** Reads what the file holds past the offset already read (from the start again when it was truncated). */
  private readNew(f: FollowedFile): void {
    let size: number;
    try {
      size = fstatSync(f.fd).size;
    } catch {
      return;
    }
    if (size < f.offset) f.offset = 0;
    const buf = Buffer.allocUnsafe(Math.min(READ_STEP, Math.max(1, size - f.offset)));
    while (f.offset < size) {
      const n = readSync(f.fd, buf, 0, Math.min(buf.length, size - f.offset), f.offset);
      if (n <= 0) break;
      f.offset += n;
      f.push(buf.subarray(0, n));
      f.tailOpen = buf[n - 1] !== 0x0a;
    }
  }
}

const KEYLOG_PREFS = ['tls.keylog_file:', 'ssl.keylog_file:'];

/** Key log files named by tshark-style preferences (`-o tls.keylog_file:FILE`); anything else is a usage error. */
export function keylogFromPreferences(prefs: readonly string[], usage: (msg: string) => Error): string[] {
  const out: string[] = [];
  for (const p of prefs) {
    const prefix = KEYLOG_PREFS.find((k) => p.toLowerCase().startsWith(k));
    if (prefix === undefined || p.length === prefix.length) {
      throw usage(`unsupported preference "${escapeText(p)}" (only -o tls.keylog_file:FILE is understood)`);
    }
    out.push(p.slice(prefix.length));
  }
  return out;
}
