import type { FrameRef } from '../capture/types.js';
import type { Dir } from '../tcp/types.js';
import { certificateNames } from './der-name.js';
import type { StreamSink } from './stage.js';
import { newDecryptionFacts, TlsDecryptor } from './tls-decryptor.js';
import { HandshakeReader, HS_CERTIFICATE, HS_CLIENT_HELLO, HS_ENCRYPTED_EXTENSIONS, HS_SERVER_HELLO } from './tls-handshake.js';
import { encryptedExtensionsAlpn, firstCertificate, parseClientHello, parseServerHello } from './tls-hello.js';
import type { KeySource } from './tls-keys.js';
import type { RecordOpening } from './tls-record-opener.js';
import { alertName, cipherName, handshakeName, tlsVersionName } from './tls-names.js';
import {
  TLS_ALERT,
  TLS_APPLICATION_DATA,
  TLS_CHANGE_CIPHER_SPEC,
  TLS_HANDSHAKE,
  TLS_HEARTBEAT,
  TLS_MAX_RECORD,
  TlsRecordReader,
} from './tls-records.js';
import type { TlsDirFacts, TlsFacts, TransportStats } from './types.js';

/** Diagnostic callback of the tracker: code, direction, detail, frame, stream offset. */
export type TlsDiag = (code: string, dir: Dir | undefined, detail: string, at: FrameRef, offset?: number) => void;

const MAX_ALERTS = 16;
const MAX_HANDSHAKE_NAMES = 32;

function newDirFacts(): TlsDirFacts {
  return {
    records: 0,
    bytes: 0,
    byType: { changeCipherSpec: 0, alert: 0, handshake: 0, applicationData: 0, heartbeat: 0 },
    applicationDataBytes: 0,
    unframed: false,
  };
}

export function newTlsFacts(): TlsFacts {
  return {
    kind: 'tls',
    handshakeSeen: false,
    midStream: false,
    recordVersion: null,
    offeredVersions: [],
    version: null,
    sni: null,
    alpnOffered: [],
    alpn: null,
    cipherSuite: null,
    cipher: null,
    clientRandom: null,
    certSubject: null,
    certIssuer: null,
    handshakeMessages: [],
    alerts: [],
    dirs: [newDirFacts(), newDirFacts()],
    decryption: newDecryptionFacts(false),
  };
}

/** Decryption of a tracked connection: the key source and the stage the plaintext goes to. */
export interface TlsDecryption {
  keys: KeySource;
  out: StreamSink;
  /** Who opens the records, and the connection's id for it (absent: each record's decrypter, at once). */
  opening?: RecordOpening;
}

/** One direction: record framing, then handshake messages and alerts of the clear-text records. */
class TlsDirection {
  readonly records: TlsRecordReader;
  readonly handshakes: HandshakeReader;
  /** A ChangeCipherSpec was sent: later handshake (and TLS <= 1.2 alert) records are encrypted. */
  ccs = false;
  /** Type and length of the record being read, and its first bytes for alerts. */
  type = 0;
  length = 0;
  readonly alert = Buffer.alloc(2);
  alertLen = 0;
  /** The current record is encrypted, and is being gathered whole for the decryptor. */
  encrypted = false;
  gathering = false;
  version = 0;
  /** The record's body: the input view when it came in one piece, else its pieces copied into `gathered`. */
  body: Buffer | undefined = undefined;
  bodyLen = 0;
  /**
   * Where a record that came in pieces is gathered, reused for every such record of the direction: open() is
   * synchronous and its plaintext is a buffer of its own, so nothing keeps a view of it.
   */
  private gathered: Buffer | undefined;

  constructor(
    readonly tracker: TlsTracker,
    readonly dir: Dir,
    readonly facts: TlsDirFacts,
  ) {
    this.handshakes = new HandshakeReader((type, body, truncated, from) => tracker.handshake(dir, type, body, truncated, from));
    this.records = new TlsRecordReader({
      record: (type, version, length, from) => {
        this.type = type;
        this.length = length;
        this.alertLen = 0;
        this.version = version;
        this.body = undefined;
        this.bodyLen = 0;
        const dec = tracker.decryptor;
        this.encrypted = dec !== undefined && dec.isEncrypted(type, this.ccs);
        this.gathering = this.encrypted && dec!.begin(dir, length, from);
        facts.records++;
        tracker.stats.tlsRecords++;
        tracker.record(type, version);
        switch (type) {
          case TLS_CHANGE_CIPHER_SPEC:
            facts.byType.changeCipherSpec++;
            this.ccs = true;
            break;
          case TLS_ALERT:
            facts.byType.alert++;
            break;
          case TLS_HANDSHAKE:
            facts.byType.handshake++;
            break;
          case TLS_APPLICATION_DATA:
            facts.byType.applicationData++;
            facts.applicationDataBytes += length;
            break;
          case TLS_HEARTBEAT:
            facts.byType.heartbeat++;
            break;
        }
      },
      fragment: (bytes, from) => {
        if (this.gathering) this.gather(bytes);
        else if (this.encrypted) return;
        else if (this.type === TLS_HANDSHAKE && !this.ccs) this.handshakes.push(bytes, from);
        else if (this.type === TLS_ALERT && this.alertLen < 2) {
          const take = Math.min(2 - this.alertLen, bytes.length);
          bytes.copy(this.alert, this.alertLen, 0, take);
          this.alertLen += take;
        }
      },
      recordEnd: (from) => {
        if (this.gathering) {
          this.gathering = false;
          const body = this.body ?? EMPTY;
          this.body = undefined;
          tracker.decryptor!.open(dir, this.type, this.version, body.subarray(0, this.bodyLen), from);
        } else if (this.type === TLS_ALERT) tracker.alertRecord(this, from);
      },
      bad: (detail, from, offset) => {
        facts.unframed = true;
        tracker.decryptor?.framingLost(dir, from);
        // A capture that starts mid-connection may start inside a record: not an anomaly.
        if (facts.records === 0 && tracker.lenientStart) return;
        tracker.diag('tls-bad-record', dir, detail, from, offset);
      },
    });
  }

  /**
   * Gathers the current encrypted record: one record per direction at most is held, in a buffer reused for the
   * direction's records and made larger only when a longer one comes (a power of two from GATHER_MIN bytes up to
   * TLS_MAX_RECORD). It was TLS_MAX_RECORD from the start: 18 kB for each direction of each connection, 11 MB for
   * the 300 connections of the bench's chat capture, whose records are about 1 kB.
   */
  private gather(bytes: Buffer): void {
    if (this.body === undefined) {
      if (bytes.length === this.length) {
        // The whole record in one piece: decrypted straight from the input, no copy.
        this.body = bytes;
        this.bodyLen = bytes.length;
        return;
      }
      let g = this.gathered;
      if (g === undefined || g.length < this.length) g = this.gathered = Buffer.allocUnsafeSlow(gatherSize(this.length));
      this.body = g;
    }
    this.bodyLen += bytes.copy(this.body, this.bodyLen);
  }
}

const EMPTY = Buffer.alloc(0);

/** The smallest buffer a direction gathers its split records in. */
const GATHER_MIN = 1024;

/** A gathering buffer for a record body of `length` bytes (at most TLS_MAX_RECORD, checked by the framing). */
export function gatherSize(length: number): number {
  let n = GATHER_MIN;
  while (n < length) n *= 2;
  return Math.min(n, TLS_MAX_RECORD);
}

/**
 * What can be seen of one TLS connection without keys: record counts and bytes per direction, the
 * clear-text handshake (ClientHello: offered versions, SNI, ALPN, client random; ServerHello: version,
 * cipher suite, ALPN; TLS <= 1.2 Certificate: subject and issuer of the first certificate) and alerts.
 */
export class TlsTracker {
  readonly facts: TlsFacts;
  /** Decrypts the connection's records when key material was given. */
  readonly decryptor: TlsDecryptor | undefined;
  private readonly dirs: [TlsDirection, TlsDirection];
  private firstRecord = true;

  /**
   * @param lenientStart the capture may start inside a record (no SYN seen): a direction whose first bytes are
   *   not a record header is only counted, without a tls-bad-record diagnostic.
   */
  constructor(
    readonly diag: TlsDiag,
    readonly lenientStart = false,
    readonly stats: Pick<TransportStats, 'tlsRecords' | 'tlsDecrypted' | 'tlsRecordsDecrypted'> = { tlsRecords: 0, tlsDecrypted: 0, tlsRecordsDecrypted: 0 },
    decryption?: TlsDecryption,
  ) {
    this.facts = newTlsFacts();
    this.decryptor =
      decryption === undefined
        ? undefined
        : new TlsDecryptor(decryption.keys, decryption.out, {
            diag: (code, dir, detail, at) => this.diag(code, dir, detail, at),
            handshake: (dir, type, body, truncated, from) => this.decryptedHandshake(dir, type, body, truncated, from),
            alert: (dir, level, description, from) => this.alert(dir, level, description, from),
          }, stats, decryption.opening);
    if (this.decryptor !== undefined) this.facts.decryption = this.decryptor.facts;
    this.dirs = [new TlsDirection(this, 0, this.facts.dirs[0]), new TlsDirection(this, 1, this.facts.dirs[1])];
  }

  /** Negotiated TLS 1.3: every encrypted record is application_data on the outside. */
  get tls13(): boolean {
    return this.facts.version === 'TLS 1.3';
  }

  /** Stream bytes of a direction. */
  push(dir: Dir, bytes: Buffer, from: FrameRef): void {
    const d = this.dirs[dir];
    d.facts.bytes += bytes.length;
    d.records.push(bytes, from);
  }

  /** The direction's next bytes are not known to start a record (earlier bytes were passed on as plain): only count them. */
  unframe(dir: Dir): void {
    const d = this.dirs[dir];
    d.records.breakOff();
    d.facts.unframed = true;
  }

  gap(dir: Dir, length: number, at: FrameRef): void {
    const d = this.dirs[dir];
    this.decryptor?.gap(dir, length, at);
    if (d.records.unframed) return;
    d.records.breakOff();
    d.facts.unframed = true;
    this.diag('tls-gap', dir, `${length} bytes missing: record framing of this direction stops`, at);
  }

  /** A record header of either direction was read. */
  record(type: number, version: number): void {
    if (this.firstRecord) {
      this.firstRecord = false;
      this.facts.recordVersion = tlsVersionName(version);
      if (type !== TLS_HANDSHAKE) this.facts.midStream = true;
    }
  }

  handshake(dir: Dir, type: number, body: Buffer, truncated: boolean, from: FrameRef): void {
    const f = this.facts;
    if (f.handshakeMessages.length < MAX_HANDSHAKE_NAMES) f.handshakeMessages.push(handshakeName(type));
    if (type === HS_CLIENT_HELLO) {
      const ch = parseClientHello(body);
      if (ch === undefined) return this.malformed(dir, 'ClientHello', truncated, from);
      f.handshakeSeen = true;
      f.midStream = false;
      f.offeredVersions = (ch.supportedVersions.length > 0 ? ch.supportedVersions : [ch.legacyVersion]).map(tlsVersionName);
      f.sni = ch.sni;
      f.alpnOffered = ch.alpn;
      f.clientRandom = ch.random.toString('hex');
      this.decryptor?.clientHello(ch.random);
    } else if (type === HS_SERVER_HELLO) {
      const sh = parseServerHello(body);
      if (sh === undefined) return this.malformed(dir, 'ServerHello', truncated, from);
      f.handshakeSeen = true;
      f.midStream = false;
      if (sh.helloRetryRequest) f.handshakeMessages[f.handshakeMessages.length - 1] = 'hello_retry_request';
      f.version = tlsVersionName(sh.selectedVersion ?? sh.legacyVersion);
      f.cipherSuite = sh.cipherSuite;
      f.cipher = cipherName(sh.cipherSuite);
      if (sh.alpn !== null) f.alpn = sh.alpn;
      if (!sh.helloRetryRequest) this.decryptor?.serverHello(sh.random, sh.cipherSuite, sh.selectedVersion === 0x0304, sh.encryptThenMac);
    } else if (type === HS_CERTIFICATE && !this.tls13 && f.certSubject === null) {
      this.certificate(dir, body, truncated, from);
    }
  }

  /** Subject and issuer of the first certificate of a Certificate body (certificate_list<3> onwards). */
  private certificate(dir: Dir, list: Buffer, truncated: boolean, from: FrameRef): void {
    const der = firstCertificate(list);
    const names = der === undefined ? undefined : certificateNames(der);
    if (names === undefined) return this.malformed(dir, 'Certificate', truncated, from);
    this.facts.certSubject = names.subject;
    this.facts.certIssuer = names.issuer;
  }

  /** A handshake message read from decrypted records (TLS 1.3 EncryptedExtensions, Certificate, ...). */
  decryptedHandshake(dir: Dir, type: number, body: Buffer, truncated: boolean, from: FrameRef): void {
    const f = this.facts;
    if (f.handshakeMessages.length < MAX_HANDSHAKE_NAMES) f.handshakeMessages.push(handshakeName(type));
    if (type === HS_ENCRYPTED_EXTENSIONS) {
      const alpn = encryptedExtensionsAlpn(body);
      if (alpn !== null) f.alpn = alpn;
    } else if (type === HS_CERTIFICATE && this.tls13 && f.certSubject === null && dir === 1 && body.length > 0) {
      // TLS 1.3: certificate_request_context<1> before the list; each entry's extensions follow its DER.
      this.certificate(dir, body.subarray(1 + body[0]!), truncated, from);
    }
  }

  alertRecord(d: TlsDirection, from: FrameRef): void {
    const readable = (!d.ccs || this.tls13) && d.length === 2 && d.alertLen === 2;
    this.alert(d.dir, readable ? d.alert[0]! : null, readable ? d.alert[1]! : null, from);
  }

  /** An alert, clear or decrypted (level and description null: encrypted and not decrypted). */
  alert(dir: Dir, level: number | null, description: number | null, from: FrameRef): void {
    const f = this.facts;
    const name = description === null ? 'encrypted' : alertName(description);
    if (f.alerts.length < MAX_ALERTS) f.alerts.push({ dir, frame: from.frame, level, description, name });
    if (description !== null && description !== 0) {
      const lvl = level === 2 ? 'fatal' : level === 1 ? 'warning' : `level ${level}`;
      this.diag('tls-alert', dir, `${lvl} alert ${name} (${description})`, from);
    }
  }

  /** The connection closed: one note on what was decrypted, or on what stays hidden and why. */
  close(at: FrameRef): void {
    const f = this.facts;
    if (!f.handshakeSeen) {
      f.midStream = true;
      this.diag('tls-midstream', undefined, 'no TLS handshake in the capture: version, SNI and cipher unknown', at);
    }
    const parts = [f.version ?? f.recordVersion ?? 'TLS', f.cipher ?? 'cipher unknown'];
    if (f.sni !== null) parts.push(`SNI ${f.sni}`);
    const app = f.dirs[0].byType.applicationData + f.dirs[1].byType.applicationData;
    const appBytes = f.dirs[0].applicationDataBytes + f.dirs[1].applicationDataBytes;
    const dec = this.decryptor;
    if (dec === undefined) {
      this.diag('tls-encrypted', undefined, `${parts.join(', ')}: ${app} application_data records (${appBytes} bytes) not decrypted`, at);
      return;
    }
    for (const d of this.dirs) if (d.gathering && d.records.midRecord) dec.truncated(d.dir, at);
    const r = dec.finish();
    if (r.state === 'decrypted') {
      this.diag('tls-decrypted', undefined, `${parts.join(', ')}: ${r.records} records decrypted (${r.bytes} bytes)`, at);
    } else if (r.state === 'partial') {
      this.diag('tls-encrypted', undefined, `${parts.join(', ')}: ${r.records} records decrypted (${r.bytes} bytes), the rest not: ${r.reason ?? ''}`, at);
    } else {
      this.diag('tls-encrypted', undefined, `${parts.join(', ')}: ${app} application_data records (${appBytes} bytes) not decrypted: ${r.reason ?? r.state}`, at);
    }
  }

  private malformed(dir: Dir, what: string, truncated: boolean, from: FrameRef): void {
    this.diag('tls-malformed-handshake', dir, `${what} could not be parsed${truncated ? ' (longer than the bound kept)' : ''}`, from);
  }
}
