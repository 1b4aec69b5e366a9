import type { FrameRef } from '../capture/types.js';
import type { Dir } from '../tcp/types.js';
import type { TransportDiag } from './context.js';
import { cipherSuiteInfo, type CipherSuiteInfo } from './tls-cipher-suites.js';
import { HandshakeReader, HS_FINISHED, HS_KEY_UPDATE, type HandshakeHandler } from './tls-handshake.js';
import { nextTrafficSecret13, trafficKeys13 } from './tls-key-schedule.js';
import type { KeySource } from './tls-keys.js';
import type { ConnectionSecrets } from './tls-keylog.js';
import { cipherName } from './tls-names.js';
import { keyBlock12 } from './tls-prf.js';
import { RecordDecrypter } from './tls-record-cipher.js';
import type { RecordOpening } from './tls-record-opener.js';
import { TLS_ALERT, TLS_APPLICATION_DATA, TLS_HANDSHAKE } from './tls-records.js';
import type { StreamSink } from './stage.js';
import type { TlsDecryptionDirFacts, TlsDecryptionFacts, TlsDecryptionState, TransportStats } from './types.js';

/** Records a TLS 1.3 direction without handshake secrets tries its application keys on before giving up. */
const MAX_TRIALS = 16;
/** Sequence numbers tried when keys arrive after records were skipped (a live key log that lagged). */
const MAX_LATE_SEQ = 64;

/**
 * One direction's decryption, as tsc checks it:
 * - `clear`: no encrypted record yet;
 * - `waiting`: encrypted records, no keys for them (yet: a live key log may still bring them);
 * - `handshake`: TLS 1.3 records under the handshake traffic secret, until the direction's Finished;
 * - `trial`: TLS 1.3 without the handshake secret (or keys that came late): each record is tried with the
 *   application keys until one opens;
 * - `application`: application records (TLS 1.3: `secret` is the current traffic secret, for KeyUpdate);
 * - `stopped`: nothing more is decrypted in this direction (why: the facts' state and reason).
 */
type DirState =
  | { kind: 'clear' }
  | { kind: 'waiting'; keysVersion: number }
  | { kind: 'handshake'; dec: RecordDecrypter; appSecret: Buffer | undefined }
  | { kind: 'trial'; dec: RecordDecrypter; appSecret: Buffer; tries: number }
  | { kind: 'application'; dec: RecordDecrypter; secret: Buffer | undefined }
  | { kind: 'stopped' };

/** States in which records are gathered and opened. */
function decrypting(s: DirState): s is Extract<DirState, { dec: RecordDecrypter }> {
  return s.kind === 'handshake' || s.kind === 'trial' || s.kind === 'application';
}

/** What a decrypted handshake message asks of its direction once its record is done. */
type After = 'none' | 'finished' | 'key-update';

export interface DecryptorHooks {
  diag: TransportDiag;
  /** A decrypted handshake message (TLS 1.3 EncryptedExtensions, Certificate ...), for the connection's facts. */
  handshake(dir: Dir, type: number, body: Buffer, truncated: boolean, from: FrameRef): void;
  /** A decrypted alert. */
  alert(dir: Dir, level: number, description: number, from: FrameRef): void;
}

function dirFacts(state: TlsDecryptionState): TlsDecryptionDirFacts {
  return { state, reason: null, records: 0, bytes: 0, applicationBytes: 0, keyUpdates: 0 };
}

export function newDecryptionFacts(keys: boolean): TlsDecryptionFacts {
  const state: TlsDecryptionState = keys ? 'none' : 'no-keylog';
  return { state, reason: keys ? null : 'no key log given', records: 0, bytes: 0, dirs: [dirFacts(state), dirFacts(state)] };
}

const DIR_NAME = ['client->server', 'server->client'] as const;

/** One direction: its state, its facts, the decrypted handshake stream, and what it counted while skipping. */
class DirDecryption {
  state: DirState = { kind: 'clear' };
  /** Encrypted records seen (decrypted or not): the next record's sequence number while keys are the first ones. */
  seen = 0;
  /** Bytes of encrypted records passed over before keys were found (handed on as a gap). */
  skippedBytes = 0;
  /** Records passed over before the keys came (a lagging live key log); 0 when they were there from the start. */
  lateAfter = 0;
  after: After = 'none';
  readonly handshakes: HandshakeReader;

  constructor(
    readonly dir: Dir,
    readonly facts: TlsDecryptionDirFacts,
    onHandshake: HandshakeHandler,
  ) {
    this.handshakes = new HandshakeReader(onHandshake);
  }
}

/**
 * TLS decryption of one connection with secrets from an NSS key log: sits between the TLS record reader and the
 * next stage. The tracker tells it the hellos (client random, server random, version, cipher suite,
 * encrypt_then_mac) and the ChangeCipherSpec points; it opens each encrypted record it is handed and passes
 * application_data on as a plain stream per direction (`from` = the frame of the record's last byte),
 * decrypted handshake messages to the tracker's facts (TLS 1.3 EncryptedExtensions, Certificate), and follows
 * TLS 1.3 key changes (Finished → application secrets, KeyUpdate → next secret). A record that fails
 * authentication, a TCP gap or lost framing stops that direction (one diagnostic) and the plaintext stream
 * gets a gap; the other direction goes on.
 */
export class TlsDecryptor {
  readonly facts: TlsDecryptionFacts;
  private readonly dirs: [DirDecryption, DirDecryption];
  private clientRandom: Buffer | undefined;
  /** From a ServerHello (not a HelloRetryRequest): once set, encrypted records can be told from clear ones. */
  private serverRandom: Buffer | undefined;
  private suiteId: number | undefined;
  private suite: CipherSuiteInfo | undefined;
  private tls13 = false;
  private encryptThenMac = false;
  private secrets: ConnectionSecrets | undefined;
  private counted = false;
  private noKeysReported = false;

  constructor(
    private readonly keys: KeySource,
    private readonly out: StreamSink,
    private readonly hooks: DecryptorHooks,
    private readonly stats: Pick<TransportStats, 'tlsDecrypted' | 'tlsRecordsDecrypted'>,
    /** Who opens the records of this connection (absent: each record's decrypter, at once). */
    private readonly opening?: RecordOpening,
  ) {
    this.facts = newDecryptionFacts(true);
    this.dirs = [this.newDir(0), this.newDir(1)];
  }

  private newDir(dir: Dir): DirDecryption {
    const d: DirDecryption = new DirDecryption(dir, this.facts.dirs[dir], (type, body, truncated, from) => {
      if (type === HS_FINISHED && this.tls13) d.after = 'finished';
      else if (type === HS_KEY_UPDATE && this.tls13) d.after = 'key-update';
      this.hooks.handshake(dir, type, body, truncated, from);
    });
    return d;
  }

  clientHello(random: Buffer): void {
    this.clientRandom = Buffer.from(random);
  }

  serverHello(random: Buffer, suite: number, tls13: boolean, encryptThenMac: boolean): void {
    this.serverRandom = Buffer.from(random);
    this.suiteId = suite;
    this.suite = cipherSuiteInfo(suite);
    this.tls13 = tls13;
    this.encryptThenMac = encryptThenMac;
  }

  /**
   * Whether a record of `type` in `dir` is encrypted: in TLS 1.3 every application_data record after the
   * ServerHello; in TLS <= 1.2 every record after the direction's ChangeCipherSpec (`afterCcs`).
   * Without a ServerHello (capture started later), application_data records.
   */
  isEncrypted(type: number, afterCcs: boolean): boolean {
    if (this.serverRandom === undefined) return type === TLS_APPLICATION_DATA;
    return this.tls13 ? type === TLS_APPLICATION_DATA : afterCcs;
  }

  /**
   * An encrypted record's header was read: true when its body should be gathered and handed to open().
   * Looks the keys up at the direction's first encrypted record (and again when the key source grew).
   */
  begin(dir: Dir, length: number, from: FrameRef): boolean {
    const d = this.dirs[dir];
    const s = d.state;
    if (decrypting(s)) return true;
    if (s.kind === 'stopped') {
      d.seen++;
      return false;
    }
    if (s.kind === 'waiting') {
      this.keys.refresh?.();
      if (this.keys.version === s.keysVersion) {
        d.seen++;
        d.skippedBytes += length;
        return false;
      }
    }
    this.start(d, from);
    if (decrypting(d.state)) return true;
    d.seen++;
    d.skippedBytes += length;
    return false;
  }

  /** A whole encrypted record (the body after its 5-byte header); `from` is the frame of its last byte. */
  open(dir: Dir, type: number, version: number, body: Buffer, from: FrameRef): void {
    const d = this.dirs[dir];
    const s = d.state;
    d.seen++;
    if (s.kind === 'trial') {
      this.trial(d, s, type, version, body, from);
      return;
    }
    if (!decrypting(s)) return;
    const o = this.opening;
    const r = o === undefined ? s.dec.open(type, version, body) : o.opener.open(o.connection, d.dir, s.dec, type, version, body);
    if (!r.ok) {
      this.fail(d, from, r.reason, body.length);
      return;
    }
    this.deliver(d, r.type, r.plaintext, from);
    this.afterRecord(d);
  }

  /** Bytes of `dir` are missing: its record sequence is lost. */
  gap(dir: Dir, length: number, at: FrameRef): void {
    const d = this.dirs[dir];
    if (this.stop(d, 'gap', `gap at frame ${at.frame}`) && d.facts.applicationBytes > 0) this.out.gap(dir, length, at);
  }

  /** Record framing of `dir` was lost (a record too long, bytes that are not a record header). */
  framingLost(dir: Dir, at: FrameRef): void {
    const d = this.dirs[dir];
    if (d.state.kind === 'clear' && this.serverRandom === undefined) return;
    this.stop(d, 'bad-record', `record framing lost at frame ${at.frame}`);
  }

  /** The capture ends inside an encrypted record of `dir`. */
  truncated(dir: Dir, at: FrameRef): void {
    const d = this.dirs[dir];
    if (!decrypting(d.state)) return;
    this.hooks.diag('tls-truncated-record', dir, 'the capture ends inside an encrypted record: its bytes are not decrypted', at);
  }

  /** The connection closed: the connection's state from its directions'. */
  finish(): TlsDecryptionFacts {
    const f = this.facts;
    for (const d of this.dirs) {
      if (d.state.kind !== 'trial' || d.facts.records > 0) continue;
      // Application keys were tried, and no record opened with them.
      d.facts.state = 'no-keys';
      d.facts.reason =
        (d.lateAfter > 0 ? `keys came after ${d.lateAfter} records; ` : '') + 'no record opened with the application traffic secret';
    }
    const [a, b] = f.dirs;
    f.records = a.records + b.records;
    f.bytes = a.bytes + b.bytes;
    // A direction whose keys came late (records before them were passed over) is only partly decrypted.
    const good = (x: TlsDecryptionDirFacts): boolean => (x.state === 'decrypted' || x.state === 'none') && x.reason === null;
    if (good(a) && good(b)) {
      f.state = a.state === 'none' && b.state === 'none' ? 'none' : 'decrypted';
      f.reason = f.state === 'none' ? 'no encrypted records' : null;
    } else if (a.records + b.records > 0) {
      f.state = 'partial';
      f.reason = [a, b]
        .map((x, i) => (good(x) ? null : `${DIR_NAME[i]}: ${x.reason ?? x.state}`))
        .filter((x) => x !== null)
        .join('; ');
    } else {
      const bad = good(a) ? b : a;
      f.state = bad.state;
      f.reason = bad.reason;
    }
    return f;
  }

  // ---- keys -------------------------------------------------------------------------------------------

  /** First encrypted record of a direction (or the key source grew): derive its keys, or say why not. */
  private start(d: DirDecryption, from: FrameRef): void {
    const serverRandom = this.serverRandom;
    if (this.clientRandom === undefined || serverRandom === undefined) {
      this.stopQuiet(d, 'no-handshake', 'handshake not in the capture');
      return;
    }
    const suite = this.suite;
    if (suite === undefined || suite.tls13 !== this.tls13) {
      const name = this.suiteId === undefined ? 'unknown' : cipherName(this.suiteId);
      this.stop(d, 'unsupported', `cipher suite ${name} is not decrypted`);
      if (d.dir === 0) this.hooks.diag('tls-cipher-unsupported', undefined, `cipher suite ${name}: records are not decrypted`, from);
      return;
    }
    if (this.secrets === undefined) this.keys.refresh?.();
    this.secrets = this.keys.get(this.clientRandom) ?? this.secrets;
    const sec = this.secrets;
    const side = d.dir === 0 ? 'client' : 'server';
    const late = d.seen > 0;
    let state: DirState | undefined;
    if (!this.tls13) {
      if (sec?.masterSecret !== undefined) {
        const kb = keyBlock12(suite, sec.masterSecret, this.clientRandom, serverRandom);
        const dec = new RecordDecrypter(suite, d.dir === 0 ? kb.client : kb.server, { encryptThenMac: this.encryptThenMac });
        dec.seq = d.seen;
        state = { kind: 'application', dec, secret: undefined };
      }
    } else {
      const hs = d.dir === 0 ? sec?.clientHandshake : sec?.serverHandshake;
      const app = d.dir === 0 ? sec?.clientTraffic0 : sec?.serverTraffic0;
      if (hs !== undefined && !late && hs.length === hashLen(suite)) {
        state = { kind: 'handshake', dec: new RecordDecrypter(suite, trafficKeys13(suite, hs)), appSecret: app };
      } else if (app !== undefined && app.length === hashLen(suite)) {
        // No handshake secret (or keys that came late): find the first application record by trying its keys.
        state = { kind: 'trial', dec: new RecordDecrypter(suite, trafficKeys13(suite, app)), appSecret: app, tries: 0 };
      }
    }
    if (state !== undefined) {
      d.state = state;
      if (late) {
        // A live key log that lagged: what went before is missing for the parsers (the facts say so once a
        // record opens with the keys).
        d.lateAfter = d.seen;
        if (d.skippedBytes > 0) this.out.gap(d.dir, d.skippedBytes, from);
      }
      return;
    }
    const why = sec === undefined ? 'no keys for this client random' : `no ${side} secrets for this client random`;
    d.state = { kind: 'waiting', keysVersion: this.keys.version };
    d.facts.state = 'no-keys';
    d.facts.reason = why;
    if (!this.noKeysReported && sec === undefined) {
      this.noKeysReported = true;
      this.hooks.diag('tls-no-keys', undefined, `the key log has no secrets for client random ${this.clientRandom.toString('hex')}`, from);
    }
  }

  /** TLS 1.3 handshake phase without handshake keys: is this already the first application record? */
  private trial(d: DirDecryption, s: Extract<DirState, { kind: 'trial' }>, type: number, version: number, body: Buffer, from: FrameRef): void {
    const trial = s.dec;
    // Records skipped while no keys were known may have been application records already: try their numbers.
    const tries = Math.min(MAX_LATE_SEQ, d.seen);
    for (let k = 0; k < tries; k++) {
      trial.seq = tries - 1 - k;
      const r = trial.open(type, version, body);
      if (!r.ok) continue;
      d.state = { kind: 'application', dec: trial, secret: s.appSecret };
      this.deliver(d, r.type, r.plaintext, from);
      this.afterRecord(d);
      return;
    }
    trial.seq = 0;
    s.tries++;
    if (s.tries > MAX_TRIALS) this.fail(d, from, 'no record opened with the application traffic secret', body.length);
  }

  /** What the decrypted handshake messages of the last record asked for: TLS 1.3 key changes. */
  private afterRecord(d: DirDecryption): void {
    const after = d.after;
    d.after = 'none';
    if (after === 'none') return;
    const s = d.state;
    const suite = this.suite;
    if (suite === undefined) return;
    if (after === 'finished' && s.kind === 'handshake') {
      if (s.appSecret === undefined) {
        this.stop(d, 'no-keys', `no ${d.dir === 0 ? 'client' : 'server'} application traffic secret for this client random`);
        return;
      }
      d.state = { kind: 'application', dec: new RecordDecrypter(suite, trafficKeys13(suite, s.appSecret)), secret: s.appSecret };
    } else if (after === 'key-update' && s.kind === 'application' && s.secret !== undefined) {
      const next = nextTrafficSecret13(suite.hash, s.secret);
      d.state = { kind: 'application', dec: new RecordDecrypter(suite, trafficKeys13(suite, next)), secret: next };
      d.facts.keyUpdates++;
    }
  }

  private deliver(d: DirDecryption, type: number, plaintext: Buffer, from: FrameRef): void {
    const f = d.facts;
    if (f.records === 0) {
      f.state = 'decrypted';
      f.reason = d.lateAfter > 0 ? `keys found after ${d.lateAfter} records` : null;
    }
    f.records++;
    f.bytes += plaintext.length;
    this.stats.tlsRecordsDecrypted++;
    if (!this.counted) {
      this.counted = true;
      this.stats.tlsDecrypted++;
    }
    if (type === TLS_APPLICATION_DATA) {
      f.applicationBytes += plaintext.length;
      if (plaintext.length > 0) this.out.data(d.dir, plaintext, from);
    } else if (type === TLS_HANDSHAKE) {
      d.handshakes.push(plaintext, from);
    } else if (type === TLS_ALERT && plaintext.length >= 2) {
      this.hooks.alert(d.dir, plaintext[0]!, plaintext[1]!, from);
    }
  }

  private fail(d: DirDecryption, at: FrameRef, why: string, length: number): void {
    const reason = `record failed authentication at frame ${at.frame}`;
    if (!this.stop(d, 'auth-failed', reason)) return;
    this.hooks.diag('tls-decrypt-failed', d.dir, `${reason} (${why}): this direction is no longer decrypted`, at);
    if (d.facts.applicationBytes > 0) this.out.gap(d.dir, length, at);
  }

  /** Stops a direction that was decrypting or waiting; false when it had stopped already. */
  private stop(d: DirDecryption, state: TlsDecryptionState, reason: string): boolean {
    if (d.state.kind === 'stopped') return false;
    d.state = { kind: 'stopped' };
    d.facts.state = state;
    d.facts.reason = reason;
    return true;
  }

  /** Stops a direction for a reason that needs no diagnostic of its own (no key log, no handshake). */
  private stopQuiet(d: DirDecryption, state: TlsDecryptionState, reason: string): void {
    d.state = { kind: 'stopped' };
    d.facts.state = state;
    d.facts.reason = reason;
  }
}

function hashLen(suite: CipherSuiteInfo): number {
  return suite.hash === 'sha384' ? 48 : 32;
}
