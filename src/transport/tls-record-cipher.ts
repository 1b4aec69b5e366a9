/**
 * Decryption of protected TLS records, one direction of one connection: TLS 1.2 AES-GCM (RFC 5288),
 * ChaCha20-Poly1305 (RFC 7905), AES-CBC MAC-then-encrypt (RFC 5246 6.2.3.2) and encrypt-then-MAC (RFC 7366);
 * TLS 1.3 AEAD records (RFC 8446 5.2 to 5.4). Every length is checked; a bad record gives ok:false, never a throw.
 */
import { crypto } from '../util/builtins.js';
import type { CipherGCMTypes, DecipherChaCha20Poly1305, DecipherGCM } from 'node:crypto';
import type { CipherSuiteInfo } from './tls-cipher-suites.js';
import type { DirKeys } from './tls-prf.js';

export type OpenResult = { ok: true; type: number; plaintext: Buffer } | { ok: false; reason: string };

const TAG = 16;
const EXPLICIT_NONCE = 8;
const BLOCK = 16;
/** Largest protected record body: 2^14 + 256 (TLS 1.3, RFC 8446 5.2), 2^14 + 2048 (TLS 1.2, RFC 5246 6.2.3). */
const MAX_BODY_13 = 16384 + 256;
const MAX_BODY_12 = 16384 + 2048;
const AEAD_OPTS = { authTagLength: TAG };
/** 2^32, to split a sequence number into the two 32-bit halves of its 64 bits. */
const TWO_32 = 0x1_0000_0000;

/** An AEAD decipher (16-byte tag) of a GCM or ChaCha20-Poly1305 suite. */
function aeadDecipher(cipher: string, key: Buffer, nonce: Buffer): DecipherGCM | DecipherChaCha20Poly1305 {
  return cipher === 'chacha20-poly1305'
    ? crypto().createDecipheriv(cipher, key, nonce, AEAD_OPTS)
    : crypto().createDecipheriv(cipher as CipherGCMTypes, key, nonce, AEAD_OPTS);
}

function fail(reason: string): OpenResult {
  return { ok: false, reason };
}

/**
 * Opens the records of one direction, in order. `seq` is the next record's sequence number; every open() call uses
 * and consumes one, whatever its result (a caller stops the direction after a failure).
 */
export class RecordDecrypter {
  /**
   * Sequence number of the next record (starts at 0; a new decrypter is made for each key change). A number: exact
   * to 2^53 records, more than any capture holds, and without a BigInt made per record.
   */
  seq = 0;
  /** Scratch: per-record nonce, and the 13-byte TLS 1.2 AAD / MAC header (seq, type, version, length). */
  private readonly nonce = Buffer.alloc(12);
  private readonly hdr = Buffer.alloc(13);
  private readonly etm: boolean;

  /** Throws RangeError when the keys do not fit the suite (a caller's bug). */
  constructor(
    readonly suite: CipherSuiteInfo,
    private readonly keys: DirKeys,
    opts: { encryptThenMac?: boolean } = {},
  ) {
    const ivLen = suite.tls13 ? 12 : suite.fixedIvLen;
    if (keys.key.length !== suite.keyLen || keys.iv.length !== ivLen || keys.macKey.length !== suite.macLen) {
      throw new RangeError(`RecordDecrypter: key sizes do not fit ${suite.name}`);
    }
    this.etm = suite.kind === 'cbc' && opts.encryptThenMac === true;
  }

  /** Decrypts and authenticates one record body (what follows the 5-byte header). */
  open(type: number, version: number, body: Buffer): OpenResult {
    const seq = this.seq;
    this.seq = seq + 1;
    const s = this.suite;
    if (body.length > (s.tls13 ? MAX_BODY_13 : MAX_BODY_12)) return fail('record too long');
    try {
      if (s.tls13) return this.open13(seq, type, version, body);
      if (s.kind === 'gcm') return this.openGcm12(seq, type, version, body);
      if (s.kind === 'chacha') return this.openChacha12(seq, type, version, body);
      return this.etm ? this.openEtm(seq, type, version, body) : this.openMte(seq, type, version, body);
    } catch {
      return fail('authentication failed');
    }
  }

  /** nonce = iv XOR seq (seq as 64 bits big-endian, right-aligned in 12 bytes). */
  private xorNonce(seq: number): Buffer {
    const iv = this.keys.iv;
    const n = this.nonce;
    iv.copy(n, 0, 0, 4);
    n.writeUInt32BE((iv.readUInt32BE(4) ^ Math.floor(seq / TWO_32)) >>> 0, 4);
    n.writeUInt32BE((iv.readUInt32BE(8) ^ seq % TWO_32) >>> 0, 8);
    return n;
  }

  /** seq(8) + type(1) + version(2) + length(2): the TLS 1.2 AEAD additional data and the MAC's header. */
  private header12(seq: number, type: number, version: number, length: number): Buffer {
    const h = this.hdr;
    h.writeUInt32BE(Math.floor(seq / TWO_32), 0);
    h.writeUInt32BE(seq % TWO_32, 4);
    h[8] = type;
    h.writeUInt16BE(version & 0xffff, 9);
    h.writeUInt16BE(length, 11);
    return h;
  }

  /** AEAD decryption of `ct` with its tag; throws on authentication failure (caught by open()). */
  private aead(nonce: Buffer, aad: Buffer, ct: Buffer, tag: Buffer): Buffer {
    const d = aeadDecipher(this.suite.cipher, this.keys.key, nonce);
    d.setAAD(aad, { plaintextLength: ct.length });
    d.setAuthTag(tag);
    const out = d.update(ct);
    const rest = d.final();
    return rest.length === 0 ? out : Buffer.concat([out, rest]);
  }

  private openGcm12(seq: number, type: number, version: number, body: Buffer): OpenResult {
    if (body.length < EXPLICIT_NONCE + TAG) return fail('record too short');
    const ctEnd = body.length - TAG;
    const nonce = this.nonce;
    this.keys.iv.copy(nonce, 0);
    body.copy(nonce, 4, 0, EXPLICIT_NONCE);
    const aad = this.header12(seq, type, version, ctEnd - EXPLICIT_NONCE);
    const plaintext = this.aead(nonce, aad, body.subarray(EXPLICIT_NONCE, ctEnd), body.subarray(ctEnd));
    return { ok: true, type, plaintext };
  }

  private openChacha12(seq: number, type: number, version: number, body: Buffer): OpenResult {
    if (body.length < TAG) return fail('record too short');
    const ctEnd = body.length - TAG;
    const aad = this.header12(seq, type, version, ctEnd);
    const plaintext = this.aead(this.xorNonce(seq), aad, body.subarray(0, ctEnd), body.subarray(ctEnd));
    return { ok: true, type, plaintext };
  }

  private open13(seq: number, type: number, version: number, body: Buffer): OpenResult {
    if (body.length < TAG) return fail('record too short');
    const ctEnd = body.length - TAG;
    const aad = this.hdr.subarray(0, 5);
    aad[0] = type;
    aad.writeUInt16BE(version & 0xffff, 1);
    aad.writeUInt16BE(body.length, 3);
    const inner = this.aead(this.xorNonce(seq), aad, body.subarray(0, ctEnd), body.subarray(ctEnd));
    // TLSInnerPlaintext: content, content type (nonzero), zero padding. Padding is rare and short.
    let i = inner.length - 1;
    while (i >= 0 && inner[i] === 0) i--;
    if (i < 0) return fail('no content type');
    return { ok: true, type: inner[i]!, plaintext: inner.subarray(0, i) };
  }

  /** AES-CBC with padding checks done here (all pad bytes equal the pad length); undefined for bad padding. */
  private cbcDecrypt(iv: Buffer, ct: Buffer): Buffer | undefined {
    const d = crypto().createDecipheriv(this.suite.cipher, this.keys.key, iv);
    d.setAutoPadding(false);
    const out = d.update(ct);
    const rest = d.final();
    const pt = rest.length === 0 ? out : Buffer.concat([out, rest]);
    const padLen = pt[pt.length - 1]!;
    if (padLen + 1 > pt.length) return undefined;
    const pad = pt.subarray(pt.length - 1 - padLen, pt.length - 1);
    if (padLen > 0 && !pad.equals(Buffer.alloc(padLen, padLen))) return undefined;
    return pt.subarray(0, pt.length - 1 - padLen);
  }

  private mac(header: Buffer, ...parts: Buffer[]): Buffer {
    const h = crypto().createHmac(this.suite.macHash!, this.keys.macKey).update(header);
    for (const p of parts) h.update(p);
    return h.digest();
  }

  /** MAC-then-encrypt: IV, then E(content + MAC + padding). */
  private openMte(seq: number, type: number, version: number, body: Buffer): OpenResult {
    const macLen = this.suite.macLen;
    if (body.length % BLOCK !== 0) return fail('record not a multiple of the block size');
    if (body.length < BLOCK + macLen + 1) return fail('record too short');
    const pt = this.cbcDecrypt(body.subarray(0, BLOCK), body.subarray(BLOCK));
    if (pt === undefined || pt.length < macLen) return fail('bad padding');
    const contentLen = pt.length - macLen;
    const content = pt.subarray(0, contentLen);
    const want = this.mac(this.header12(seq, type, version, contentLen), content);
    if (!crypto().timingSafeEqual(want, pt.subarray(contentLen))) return fail('bad MAC');
    return { ok: true, type, plaintext: content };
  }

  /** Encrypt-then-MAC (RFC 7366): IV + E(content + padding), then MAC over header + IV + ciphertext. */
  private openEtm(seq: number, type: number, version: number, body: Buffer): OpenResult {
    const macLen = this.suite.macLen;
    if (body.length < 2 * BLOCK + macLen) return fail('record too short');
    const ctEnd = body.length - macLen;
    if (ctEnd % BLOCK !== 0) return fail('record not a multiple of the block size');
    const sealed = body.subarray(0, ctEnd);
    const want = this.mac(this.header12(seq, type, version, ctEnd), sealed);
    if (!crypto().timingSafeEqual(want, body.subarray(ctEnd))) return fail('bad MAC');
    const pt = this.cbcDecrypt(body.subarray(0, BLOCK), body.subarray(BLOCK, ctEnd));
    if (pt === undefined) return fail('bad padding');
    return { ok: true, type, plaintext: pt };
  }
}
