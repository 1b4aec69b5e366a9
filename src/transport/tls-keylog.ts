/**
 * NSS key log (the SSLKEYLOGFILE format written by NSS, OpenSSL, BoringSSL, curl, browsers):
 * `LABEL <client random, 64 hex> <secret, hex>` per line. Read incrementally from any number of sources (files,
 * pcapng Decryption Secrets Blocks, a growing live file), with bounded memory for a partial line.
 */
import { escapeText } from '../util/escape.js';

/** The secrets known for one connection (by its ClientHello random). */
export interface ConnectionSecrets {
  /** CLIENT_RANDOM: the TLS 1.2 (and earlier) master secret, 48 bytes. */
  masterSecret?: Buffer;
  /** TLS 1.3 traffic secrets (32 or 48 bytes, the suite's hash length). */
  clientHandshake?: Buffer;
  serverHandshake?: Buffer;
  clientTraffic0?: Buffer;
  serverTraffic0?: Buffer;
}

/** A line that could not be used. `detail` is one line, control characters escaped. */
export interface KeyLogProblem {
  source: string;
  /** 1-based line number within its source. */
  line: number;
  detail: string;
}

export interface KeyLogOptions {
  onProblem?: (p: KeyLogProblem) => void;
  /** Longest line accepted, in bytes without its line ending; default 1024. */
  maxLine?: number;
}

/** Label → the field it fills and the secret lengths (bytes) it may have. */
const LABELS = new Map<string, { field: keyof ConnectionSecrets; lengths: readonly number[] }>([
  ['CLIENT_RANDOM', { field: 'masterSecret', lengths: [48] }],
  ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', { field: 'clientHandshake', lengths: [32, 48] }],
  ['SERVER_HANDSHAKE_TRAFFIC_SECRET', { field: 'serverHandshake', lengths: [32, 48] }],
  ['CLIENT_TRAFFIC_SECRET_0', { field: 'clientTraffic0', lengths: [32, 48] }],
  ['SERVER_TRAFFIC_SECRET_0', { field: 'serverTraffic0', lengths: [32, 48] }],
]);

/** What a label looks like; other labels of this shape (EXPORTER_SECRET, RSA, ...) are skipped silently. */
const LABEL_SHAPE = /^[A-Z][A-Z0-9_]*$/;
const HEX = /^[0-9a-fA-F]*$/;
const FIELD_SEP = /[ \t]+/;
const NL = 0x0a;
const CR = 0x0d;
/** Longest excerpt of a bad field quoted in a problem's detail. */
const EXCERPT = 40;
const EMPTY = Buffer.alloc(0);
const BOM = '\u00ef\u00bb\u00bf';

function quote(s: string): string {
  const cut = s.length > EXCERPT ? s.slice(0, EXCERPT) + '...' : s;
  return `"${escapeText(cut)}"`;
}

/** Incremental reader of one source: push chunks, then end(). Any split of the text gives the same result. */
export interface KeyLogReader {
  push(chunk: Buffer): void;
  /** Takes the last line even without a newline. Later pushes are ignored. */
  end(): void;
}

export class KeyLog {
  private readonly map = new Map<string, ConnectionSecrets>();
  private readonly onProblem: ((p: KeyLogProblem) => void) | undefined;
  private readonly maxLine: number;
  private versionN = 0;
  private linesN = 0;
  private problemsN = 0;

  constructor(opts: KeyLogOptions = {}) {
    this.onProblem = opts.onProblem;
    this.maxLine = Math.max(1, opts.maxLine ?? 1024);
  }

  /** Client randoms with at least one secret. */
  get size(): number {
    return this.map.size;
  }

  /** Bumped whenever a secret is added: consumers waiting for keys re-check only when it changed. */
  get version(): number {
    return this.versionN;
  }

  /** Lines read over all sources (comments and blank lines included). */
  get lines(): number {
    return this.linesN;
  }

  /** Lines reported to onProblem. */
  get problems(): number {
    return this.problemsN;
  }

  /** An incremental reader for one source (a file, a pcapng DSB, a growing live file). */
  reader(source: string): KeyLogReader {
    // The current line's bytes so far: at most maxLine + 1 are held (its last byte may be the CR of a CRLF).
    const parts: Buffer[] = [];
    let held = 0;
    /** The current line is already known too long (and reported): its bytes are dropped up to the next LF. */
    let overlong = false;
    let lineNo = 0;
    let ended = false;
    const limit = this.maxLine + 1;
    const tooLong = `line longer than ${this.maxLine} bytes`;

    const drop = (): void => {
      parts.length = 0;
      held = 0;
    };
    /** Bytes of the current line, no LF among them. */
    const keep = (bytes: Buffer): void => {
      if (overlong || bytes.length === 0) return;
      if (held + bytes.length > limit) {
        overlong = true;
        drop();
        this.problem(source, lineNo + 1, tooLong);
        return;
      }
      parts.push(Buffer.from(bytes)); // a copy: the caller may reuse its chunk
      held += bytes.length;
    };
    /** The current line ends with `last` (its LF excluded). */
    const complete = (last: Buffer): void => {
      lineNo++;
      this.linesN++;
      if (overlong) {
        overlong = false;
        return;
      }
      if (held + last.length > limit) {
        drop();
        this.problem(source, lineNo, tooLong);
        return;
      }
      let line = parts.length === 0 ? last : Buffer.concat([...parts, last]);
      drop();
      if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
      if (line.length > this.maxLine) this.problem(source, lineNo, tooLong);
      else this.line(source, lineNo, line.toString('latin1'));
    };

    return {
      push: (chunk: Buffer): void => {
        if (ended) return;
        let pos = 0;
        for (let nl = chunk.indexOf(NL, pos); nl >= 0; nl = chunk.indexOf(NL, pos)) {
          complete(chunk.subarray(pos, nl));
          pos = nl + 1;
        }
        keep(chunk.subarray(pos));
      },
      end: (): void => {
        if (ended) return;
        ended = true;
        if (held > 0 || overlong) complete(EMPTY);
      },
    };
  }

  /** Adds a whole text at once (= reader(source).push(text); end()). */
  addText(text: Buffer | string, source: string): void {
    const r = this.reader(source);
    r.push(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
    r.end();
  }

  /** The secrets of the connection with this ClientHello random (32 bytes, or 64 hex characters). A copy. */
  get(clientRandom: Buffer | string): ConnectionSecrets | undefined {
    let key: string;
    if (typeof clientRandom === 'string') {
      if (clientRandom.length !== 64 || !HEX.test(clientRandom)) return undefined;
      key = clientRandom.toLowerCase();
    } else {
      if (clientRandom.length !== 32) return undefined;
      key = clientRandom.toString('hex');
    }
    const s = this.map.get(key);
    return s === undefined ? undefined : { ...s };
  }

  private problem(source: string, line: number, detail: string): void {
    this.problemsN++;
    this.onProblem?.({ source, line, detail });
  }

  /** One line, line ending removed. */
  private line(source: string, lineNo: number, text: string): void {
    // A UTF-8 byte order mark (as some Windows editors save) before the first line, read as latin1.
    const t = (lineNo === 1 && text.startsWith(BOM) ? text.slice(BOM.length) : text).trim();
    if (t === '' || t.startsWith('#')) return;
    const fields = t.split(FIELD_SEP);
    const label = fields[0]!;
    const spec = LABELS.get(label);
    if (spec === undefined) {
      if (!LABEL_SHAPE.test(label)) this.problem(source, lineNo, `not a key log line: ${quote(t)}`);
      return;
    }
    if (fields.length !== 3) {
      this.problem(source, lineNo, `${label}: ${fields.length - 1} fields after the label, expected 2`);
      return;
    }
    const cr = fields[1]!;
    const secretHex = fields[2]!;
    if (cr.length !== 64 || !HEX.test(cr)) {
      this.problem(source, lineNo, `${label}: client random is not 32 bytes of hex: ${quote(cr)}`);
      return;
    }
    if (secretHex.length % 2 !== 0 || !HEX.test(secretHex)) {
      this.problem(source, lineNo, `${label}: secret is not hex: ${quote(secretHex)}`);
      return;
    }
    const n = secretHex.length / 2;
    if (!spec.lengths.includes(n)) {
      this.problem(source, lineNo, `${label}: secret of ${n} bytes, expected ${spec.lengths.join(' or ')}`);
      return;
    }
    const key = cr.toLowerCase();
    const secret = Buffer.from(secretHex, 'hex');
    let entry = this.map.get(key);
    if (entry === undefined) {
      entry = {};
      this.map.set(key, entry);
    }
    const had = entry[spec.field];
    if (had !== undefined) {
      // The same line again (a file and a DSB, a re-read live file) is not news; a different one is suspect.
      if (!had.equals(secret)) {
        this.problem(source, lineNo, `${label}: differs from an earlier one for ${key.slice(0, 16)}...; kept the first`);
      }
      return;
    }
    entry[spec.field] = secret;
    this.versionN++;
  }
}

/** The NSS key log lines of one connection's secrets (what a pcapng Decryption Secrets Block carries). */
export function keyLogLines(clientRandom: string, s: ConnectionSecrets): string[] {
  const out: string[] = [];
  for (const [label, { field }] of LABELS) {
    const secret = s[field];
    if (secret !== undefined) out.push(`${label} ${clientRandom.toLowerCase()} ${secret.toString('hex')}`);
  }
  return out;
}
