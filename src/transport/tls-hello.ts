/**
 * ClientHello / ServerHello / Certificate bodies (RFC 8446 section 4.1, RFC 5246 section 7.4): bounded reads,
 * every length checked against what is left; a malformed body gives undefined, never a throw.
 */
import { escapeText } from '../util/escape.js';

/** A bounded cursor over a handshake body. Reads past the end set `bad` and return 0 / empty. */
class Cursor {
  bad = false;
  constructor(
    readonly b: Buffer,
    public pos: number,
    readonly end: number,
  ) {}

  get left(): number {
    return this.end - this.pos;
  }

  u8(): number {
    if (this.left < 1) return this.fail();
    return this.b[this.pos++]!;
  }

  u16(): number {
    if (this.left < 2) return this.fail();
    const v = this.b.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(): number {
    if (this.left < 3) return this.fail();
    const v = this.b.readUIntBE(this.pos, 3);
    this.pos += 3;
    return v;
  }

  bytes(n: number): Buffer {
    if (this.left < n) {
      this.fail();
      return Buffer.alloc(0);
    }
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A sub-cursor over the next n bytes (skipped in this one). */
  sub(n: number): Cursor {
    if (this.left < n) {
      this.fail();
      return new Cursor(this.b, this.pos, this.pos);
    }
    const c = new Cursor(this.b, this.pos, this.pos + n);
    this.pos += n;
    return c;
  }

  private fail(): number {
    this.bad = true;
    this.pos = this.end;
    return 0;
  }
}

const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;
const EXT_SUPPORTED_VERSIONS = 43;
const EXT_ENCRYPT_THEN_MAC = 22;
/** Values a list of names is cut to (and each name's length), so a hostile hello stays small in the facts. */
const MAX_LIST = 16;
const MAX_NAME = 255;

export interface ClientHello {
  legacyVersion: number;
  random: Buffer;
  cipherSuites: number[];
  sni: string | null;
  alpn: string[];
  /** supported_versions (TLS 1.3 clients), empty when absent. GREASE values removed. */
  supportedVersions: number[];
}

export interface ServerHello {
  legacyVersion: number;
  random: Buffer;
  cipherSuite: number;
  /** supported_versions selected version (TLS 1.3), null when absent. */
  selectedVersion: number | null;
  alpn: string | null;
  /** The special random of a HelloRetryRequest (RFC 8446 section 4.1.3). */
  helloRetryRequest: boolean;
  /** encrypt_then_mac (RFC 7366) was accepted: CBC records carry their MAC over the ciphertext. */
  encryptThenMac: boolean;
}

const HRR_RANDOM = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a2111a7abb8c5e079e09e2c8a8339c', 'hex');

function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
}

function name(b: Buffer): string {
  return escapeText(b.subarray(0, MAX_NAME).toString('latin1'));
}

export function parseClientHello(body: Buffer): ClientHello | undefined {
  const c = new Cursor(body, 0, body.length);
  const legacyVersion = c.u16();
  const random = c.bytes(32);
  c.sub(c.u8());
  const suites = c.sub(c.u16());
  c.sub(c.u8());
  if (c.bad) return undefined;
  const cipherSuites: number[] = [];
  while (suites.left >= 2) cipherSuites.push(suites.u16());
  const out: ClientHello = { legacyVersion, random, cipherSuites, sni: null, alpn: [], supportedVersions: [] };
  if (c.left === 0) return out;
  const exts = c.sub(c.u16());
  if (c.bad) return undefined;
  while (exts.left > 0) {
    const type = exts.u16();
    const data = exts.sub(exts.u16());
    if (exts.bad) return undefined;
    if (type === EXT_SERVER_NAME) {
      const list = data.sub(data.u16());
      while (list.left > 0 && !list.bad) {
        const kind = list.u8();
        const host = list.bytes(list.u16());
        if (kind === 0 && out.sni === null && !list.bad) out.sni = name(host);
      }
      if (list.bad || data.bad) return undefined;
    } else if (type === EXT_ALPN) {
      const list = data.sub(data.u16());
      while (list.left > 0 && !list.bad) {
        const proto = list.bytes(list.u8());
        if (!list.bad && out.alpn.length < MAX_LIST) out.alpn.push(name(proto));
      }
      if (list.bad || data.bad) return undefined;
    } else if (type === EXT_SUPPORTED_VERSIONS) {
      const list = data.sub(data.u8());
      while (list.left >= 2) {
        const v = list.u16();
        if (!isGrease(v) && out.supportedVersions.length < MAX_LIST) out.supportedVersions.push(v);
      }
      if (data.bad) return undefined;
    }
  }
  return out;
}

export function parseServerHello(body: Buffer): ServerHello | undefined {
  const c = new Cursor(body, 0, body.length);
  const legacyVersion = c.u16();
  const random = c.bytes(32);
  c.sub(c.u8());
  const cipherSuite = c.u16();
  c.u8();
  if (c.bad) return undefined;
  const out: ServerHello = {
    legacyVersion,
    random,
    cipherSuite,
    selectedVersion: null,
    alpn: null,
    helloRetryRequest: random.equals(HRR_RANDOM),
    encryptThenMac: false,
  };
  if (c.left === 0) return out;
  const exts = c.sub(c.u16());
  if (c.bad) return undefined;
  while (exts.left > 0) {
    const type = exts.u16();
    const data = exts.sub(exts.u16());
    if (exts.bad) return undefined;
    if (type === EXT_SUPPORTED_VERSIONS) {
      const v = data.u16();
      if (data.bad) return undefined;
      out.selectedVersion = v;
    } else if (type === EXT_ENCRYPT_THEN_MAC) {
      out.encryptThenMac = true;
    } else if (type === EXT_ALPN) {
      const list = data.sub(data.u16());
      const proto = list.bytes(list.u8());
      if (list.bad || data.bad) return undefined;
      out.alpn = name(proto);
    }
  }
  return out;
}

/** The ALPN protocol of a TLS 1.3 EncryptedExtensions body (extensions<2>), null when absent or malformed. */
export function encryptedExtensionsAlpn(body: Buffer): string | null {
  const c = new Cursor(body, 0, body.length);
  const exts = c.sub(c.u16());
  while (!c.bad && !exts.bad && exts.left > 0) {
    const type = exts.u16();
    const data = exts.sub(exts.u16());
    if (exts.bad) return null;
    if (type !== EXT_ALPN) continue;
    const list = data.sub(data.u16());
    const proto = list.bytes(list.u8());
    return list.bad || data.bad ? null : name(proto);
  }
  return null;
}

/**
 * The first certificate (DER) of a TLS <= 1.2 Certificate message body: certificate_list<3> of ASN.1Cert<3>.
 * The body may be cut (kept up to a bound): only the first certificate has to be whole.
 */
export function firstCertificate(body: Buffer): Buffer | undefined {
  const c = new Cursor(body, 0, body.length);
  const total = c.u24();
  if (c.bad || total === 0) return undefined;
  const len = c.u24();
  const cert = c.bytes(len);
  if (c.bad || len === 0) return undefined;
  return cert;
}
