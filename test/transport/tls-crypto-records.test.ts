/**
 * Round trips: records sealed here with node:crypto the way a TLS stack does (independently of the decrypter's
 * code), opened with RecordDecrypter; then tampered, truncated and out-of-order records.
 */
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cipherSuiteInfo, type CipherSuiteInfo } from '../../src/transport/tls-cipher-suites.js';
import { keyBlock12, type DirKeys } from '../../src/transport/tls-prf.js';
import { trafficKeys13 } from '../../src/transport/tls-key-schedule.js';
import { RecordDecrypter, type OpenResult } from '../../src/transport/tls-record-cipher.js';

const V12 = 0x0303;
const APP = 23;

function seq8(seq: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(seq);
  return b;
}

/** seq + type + version + length, the TLS 1.2 AAD and MAC header. */
function hdr12(seq: bigint, type: number, length: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = type;
  b.writeUInt16BE(V12, 1);
  b.writeUInt16BE(length, 3);
  return Buffer.concat([seq8(seq), b]);
}

function xorNonce(iv: Buffer, seq: bigint): Buffer {
  const n = Buffer.from(iv);
  const s = seq8(seq);
  for (let i = 0; i < 8; i++) n[4 + i]! ^= s[i]!;
  return n;
}

function aeadSeal(suite: CipherSuiteInfo, key: Buffer, nonce: Buffer, aad: Buffer, pt: Buffer): Buffer {
  const c = createCipheriv(suite.cipher as 'aes-128-gcm', key, nonce, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: pt.length });
  return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
}

function sealGcm12(suite: CipherSuiteInfo, k: DirKeys, seq: bigint, type: number, pt: Buffer): Buffer {
  const explicit = randomBytes(8);
  const sealed = aeadSeal(suite, k.key, Buffer.concat([k.iv, explicit]), hdr12(seq, type, pt.length), pt);
  return Buffer.concat([explicit, sealed]);
}

function sealChacha12(suite: CipherSuiteInfo, k: DirKeys, seq: bigint, type: number, pt: Buffer): Buffer {
  return aeadSeal(suite, k.key, xorNonce(k.iv, seq), hdr12(seq, type, pt.length), pt);
}

function seal13(suite: CipherSuiteInfo, k: DirKeys, seq: bigint, innerType: number, pt: Buffer, pad = 0): Buffer {
  const inner = Buffer.concat([pt, Buffer.of(innerType), Buffer.alloc(pad)]);
  const aad = Buffer.from([APP, 3, 3, 0, 0]);
  aad.writeUInt16BE(inner.length + 16, 3);
  return aeadSeal(suite, k.key, xorNonce(k.iv, seq), aad, inner);
}

function cbcEncrypt(suite: CipherSuiteInfo, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const c = createCipheriv(suite.cipher, key, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

/** Padding of `len` bytes so far: pad bytes + length byte, all equal to the pad length (plus `extra` blocks). */
function padFor(len: number, extra = 0): Buffer {
  const padLen = ((16 - ((len + 1) % 16)) % 16) + 16 * extra;
  return Buffer.alloc(padLen + 1, padLen);
}

interface CbcOpts {
  extraBlocks?: number;
  badPad?: boolean;
  badMac?: boolean;
}

function sealMte(suite: CipherSuiteInfo, k: DirKeys, seq: bigint, type: number, pt: Buffer, o: CbcOpts = {}): Buffer {
  const mac = createHmac(suite.macHash!, k.macKey).update(hdr12(seq, type, pt.length)).update(pt).digest();
  if (o.badMac) mac[0]! ^= 0x80;
  const data = Buffer.concat([pt, mac]);
  const pad = padFor(data.length, o.extraBlocks);
  if (o.badPad) pad[0]! ^= 1;
  const iv = randomBytes(16);
  return Buffer.concat([iv, cbcEncrypt(suite, k.key, iv, Buffer.concat([data, pad]))]);
}

function sealEtm(suite: CipherSuiteInfo, k: DirKeys, seq: bigint, type: number, pt: Buffer, o: CbcOpts = {}): Buffer {
  const pad = padFor(pt.length, o.extraBlocks);
  if (o.badPad) pad[0]! ^= 1;
  const iv = randomBytes(16);
  const sealed = Buffer.concat([iv, cbcEncrypt(suite, k.key, iv, Buffer.concat([pt, pad]))]);
  const mac = createHmac(suite.macHash!, k.macKey).update(hdr12(seq, type, sealed.length)).update(sealed).digest();
  if (o.badMac) mac[mac.length - 1]! ^= 1;
  return Buffer.concat([sealed, mac]);
}

type Sealer = (suite: CipherSuiteInfo, k: DirKeys, seq: bigint, type: number, pt: Buffer) => Buffer;

function keys12(suite: CipherSuiteInfo): DirKeys {
  return keyBlock12(suite, randomBytes(48), randomBytes(32), randomBytes(32)).client;
}

const SIZES = [0, 1, 15, 16, 17, 100, 1000, 16384];

function expectOk(r: OpenResult, type: number, pt: Buffer): void {
  expect(r.ok ? '' : r.reason).toBe('');
  if (!r.ok) return;
  expect(r.type).toBe(type);
  expect(r.plaintext.equals(pt)).toBe(true);
}

const CASES12: [string, number, Sealer, boolean][] = [
  ['AES-128-GCM', 0xc02f, sealGcm12, false],
  ['AES-256-GCM', 0xc030, sealGcm12, false],
  ['ChaCha20-Poly1305 (TLS 1.2)', 0xcca8, sealChacha12, false],
  ['AES-128-CBC-SHA1 MtE', 0xc013, sealMte, false],
  ['AES-256-CBC-SHA1 MtE', 0x0035, sealMte, false],
  ['AES-128-CBC-SHA256 MtE', 0xc027, sealMte, false],
  ['AES-256-CBC-SHA384 MtE', 0xc028, sealMte, false],
  ['AES-256-CBC-SHA384 EtM', 0xc028, sealEtm, true],
  ['AES-128-CBC-SHA1 EtM', 0xc013, sealEtm, true],
];

describe('TLS 1.2 round trips', () => {
  it.each(CASES12)('%s: records of every size, in sequence', (_name, id, seal, etm) => {
    const suite = cipherSuiteInfo(id)!;
    const k = keys12(suite);
    const d = new RecordDecrypter(suite, k, { encryptThenMac: etm });
    let seq = 0n;
    for (const n of SIZES) {
      const pt = randomBytes(n);
      const type = n === 1 ? 21 : APP;
      expectOk(d.open(type, V12, seal(suite, k, seq, type, pt)), type, pt);
      seq++;
      expect(d.seq).toBe(Number(seq));
    }
  });

  it.each(CASES12)('%s: a record sealed for another sequence number fails', (_name, id, seal, etm) => {
    const suite = cipherSuiteInfo(id)!;
    const k = keys12(suite);
    const d = new RecordDecrypter(suite, k, { encryptThenMac: etm });
    const r = d.open(APP, V12, seal(suite, k, 1n, APP, Buffer.from('hello')));
    expect(r.ok).toBe(false);
    expect(d.seq).toBe(1);
    // ... and the next one (seq 1) still opens: every call consumed one number.
    expectOk(d.open(APP, V12, seal(suite, k, 1n, APP, Buffer.from('again'))), APP, Buffer.from('again'));
  });

  it.each(CASES12)('%s: a flipped bit anywhere in the body, type or version fails', (_name, id, seal, etm) => {
    const suite = cipherSuiteInfo(id)!;
    const k = keys12(suite);
    const body = seal(suite, k, 0n, APP, randomBytes(64));
    for (const at of [0, 8, 20, body.length - 17, body.length - 1]) {
      const t = Buffer.from(body);
      t[at]! ^= 0x01;
      expect(new RecordDecrypter(suite, k, { encryptThenMac: etm }).open(APP, V12, t).ok, `byte ${at}`).toBe(false);
    }
    expect(new RecordDecrypter(suite, k, { encryptThenMac: etm }).open(22, V12, body).ok).toBe(false);
    expect(new RecordDecrypter(suite, k, { encryptThenMac: etm }).open(APP, 0x0302, body).ok).toBe(false);
    expectOk(new RecordDecrypter(suite, k, { encryptThenMac: etm }).open(APP, V12, body), APP, decryptedOf(suite, k, etm, body));
  });

  it('GCM uses the explicit nonce from the record (a stack may use any, e.g. random)', () => {
    const suite = cipherSuiteInfo(0xc02f)!;
    const k = keys12(suite);
    const d = new RecordDecrypter(suite, k);
    const x = Buffer.from('x');
    for (let i = 0; i < 3; i++) expectOk(d.open(APP, V12, sealGcm12(suite, k, BigInt(i), APP, x)), APP, x);
  });

  it('GCM and ChaCha: tampered tag → authentication failed', () => {
    for (const [id, seal] of [
      [0xc02f, sealGcm12],
      [0xcca8, sealChacha12],
    ] as const) {
      const suite = cipherSuiteInfo(id)!;
      const k = keys12(suite);
      const body = seal(suite, k, 0n, APP, Buffer.from('payload'));
      body[body.length - 1]! ^= 0x40;
      expect(new RecordDecrypter(suite, k).open(APP, V12, body)).toEqual({ ok: false, reason: 'authentication failed' });
    }
  });

  it('ChaCha20-Poly1305 1.2 nonce is iv XOR seq at large sequence numbers too', () => {
    const suite = cipherSuiteInfo(0xcca8)!;
    const k = keys12(suite);
    const d = new RecordDecrypter(suite, k);
    const seq = (1n << 40n) + 12345n;
    d.seq = Number(seq);
    expectOk(d.open(APP, V12, sealChacha12(suite, k, seq, APP, Buffer.from('late'))), APP, Buffer.from('late'));
  });

  it.each([
    ['AES-128-GCM', 0xc02f, sealGcm12],
    ['ChaCha20-Poly1305', 0xcca8, sealChacha12],
    ['AES-128-CBC-SHA1 MtE', 0xc013, sealMte],
  ] as Array<[string, number, Sealer]>)('%s: sequence numbers past 2^32 (both halves, the low one with its top bit set)', (_name, id, seal) => {
    const suite = cipherSuiteInfo(id)!;
    const k = keys12(suite);
    const d = new RecordDecrypter(suite, k);
    for (const seq of [0xffff_ffffn, 0x1_0000_0000n, (3n << 32n) + 0xffff_fff0n, (1n << 52n) + 0x8000_0001n]) {
      d.seq = Number(seq);
      expectOk(d.open(APP, V12, seal(suite, k, seq, APP, Buffer.from('far'))), APP, Buffer.from('far'));
      expect(d.seq).toBe(Number(seq) + 1);
    }
  });

  describe('CBC authentication failures', () => {
    for (const [id, etm] of [
      [0xc013, false],
      [0xc027, false],
      [0xc028, false],
      [0xc028, true],
      [0xc013, true],
    ] as const) {
      const suite = cipherSuiteInfo(id)!;
      const seal = etm ? sealEtm : sealMte;
      const label = `${suite.name} ${etm ? 'EtM' : 'MtE'}`;
      it(`${label}: longer padding (extra blocks) is accepted`, () => {
        const k = keys12(suite);
        const pt = Buffer.from('padded message');
        const body = seal(suite, k, 0n, APP, pt, { extraBlocks: 3 });
        expectOk(new RecordDecrypter(suite, k, { encryptThenMac: etm }).open(APP, V12, body), APP, pt);
      });
      it(`${label}: bad padding → 'bad padding'; bad MAC → 'bad MAC'`, () => {
        const k = keys12(suite);
        const pt = Buffer.from('a message of some length');
        const open = (body: Buffer) => new RecordDecrypter(suite, k, { encryptThenMac: etm }).open(APP, V12, body);
        expect(open(seal(suite, k, 0n, APP, pt, { badPad: true, extraBlocks: 1 }))).toEqual({ ok: false, reason: 'bad padding' });
        expect(open(seal(suite, k, 0n, APP, pt, { badMac: true }))).toEqual({ ok: false, reason: 'bad MAC' });
      });
    }

    it('MtE: a pad length larger than the record → bad padding', () => {
      const suite = cipherSuiteInfo(0xc013)!;
      const k = keys12(suite);
      const iv = randomBytes(16);
      const block = Buffer.alloc(32, 0xff); // padding byte 255 in a 32-byte plaintext
      const body = Buffer.concat([iv, cbcEncrypt(suite, k.key, iv, block)]);
      expect(new RecordDecrypter(suite, k).open(APP, V12, body)).toEqual({ ok: false, reason: 'bad padding' });
    });

    it('MtE: padding valid but no room left for the MAC → bad padding', () => {
      const suite = cipherSuiteInfo(0xc013)!; // 20-byte MAC
      const k = keys12(suite);
      const iv = randomBytes(16);
      const block = Buffer.alloc(32, 15); // 16 bytes of content, then 16 bytes of padding: 16 < 20
      const body = Buffer.concat([iv, cbcEncrypt(suite, k.key, iv, block)]);
      expect(new RecordDecrypter(suite, k).open(APP, V12, body)).toEqual({ ok: false, reason: 'bad padding' });
    });
  });
});

/** The plaintext of a record sealed above (re-opened with a fresh decrypter; used only to compare). */
function decryptedOf(suite: CipherSuiteInfo, k: DirKeys, etm: boolean, body: Buffer): Buffer {
  const r = new RecordDecrypter(suite, k, { encryptThenMac: etm }).open(APP, V12, body);
  if (!r.ok) throw new Error(r.reason);
  expect(r.plaintext.length).toBe(64);
  return r.plaintext;
}

describe('TLS 1.3 round trips', () => {
  it.each([
    ['TLS_AES_128_GCM_SHA256', 0x1301, 32],
    ['TLS_AES_256_GCM_SHA384', 0x1302, 48],
    ['TLS_CHACHA20_POLY1305_SHA256', 0x1303, 32],
  ])('%s: inner type and padding are removed; sequence numbers advance', (_name, id, secretLen) => {
    const suite = cipherSuiteInfo(id)!;
    const k = trafficKeys13(suite, randomBytes(secretLen));
    const d = new RecordDecrypter(suite, k);
    const records: [number, Buffer, number][] = [
      [22, randomBytes(100), 0],
      [APP, randomBytes(16384), 0],
      [APP, Buffer.from('padded\0\0'), 200], // content ending in zeros survives; only padding after the type goes
      [21, Buffer.from([1, 0]), 0],
      [APP, Buffer.alloc(0), 5],
    ];
    let seq = 0n;
    for (const [type, pt, pad] of records) {
      const body = seal13(suite, k, seq, type, pt, pad);
      const r = d.open(APP, V12, body);
      expectOk(r, type, pt);
      seq++;
    }
    expect(d.seq).toBe(5);
  });

  it('a record with no nonzero byte → no content type; a 16-byte body is such a record', () => {
    const suite = cipherSuiteInfo(0x1301)!;
    const k = trafficKeys13(suite, randomBytes(32));
    const allZero = aeadSeal(suite, k.key, xorNonce(k.iv, 0n), Buffer.from([APP, 3, 3, 0, 26]), Buffer.alloc(10));
    expect(new RecordDecrypter(suite, k).open(APP, V12, allZero)).toEqual({ ok: false, reason: 'no content type' });
    const empty = aeadSeal(suite, k.key, xorNonce(k.iv, 0n), Buffer.from([APP, 3, 3, 0, 16]), Buffer.alloc(0));
    expect(empty.length).toBe(16);
    expect(new RecordDecrypter(suite, k).open(APP, V12, empty)).toEqual({ ok: false, reason: 'no content type' });
  });

  it('plaintext is a view of the decrypted record (no copy for the padding removal)', () => {
    const suite = cipherSuiteInfo(0x1303)!;
    const k = trafficKeys13(suite, randomBytes(32));
    const r = new RecordDecrypter(suite, k).open(APP, V12, seal13(suite, k, 0n, APP, Buffer.from('abc'), 30));
    expect(r.ok && r.plaintext.toString()).toBe('abc');
    expect(r.ok && r.plaintext.buffer.byteLength >= 34).toBe(true);
  });
});

describe('lengths are checked: ok:false, never a throw, sequence number consumed', () => {
  const cases: [string, number, boolean, number[], string][] = [
    ['1.2 GCM', 0xc02f, false, [0, 7, 8, 23], 'record too short'],
    ['1.2 ChaCha', 0xcca8, false, [0, 15], 'record too short'],
    ['1.3 GCM', 0x1301, false, [0, 1, 15], 'record too short'],
    ['1.3 ChaCha', 0x1303, false, [0, 15], 'record too short'],
    ['CBC MtE SHA1', 0xc013, false, [0, 16, 32], 'record too short'],
    ['CBC MtE SHA384', 0xc028, false, [48, 64], 'record too short'],
    ['CBC MtE', 0xc013, false, [33, 47, 65], 'record not a multiple of the block size'],
    ['CBC EtM SHA1', 0xc013, true, [0, 16, 51], 'record too short'],
    ['CBC EtM SHA1', 0xc013, true, [53, 69, 71], 'record not a multiple of the block size'],
    ['CBC EtM SHA384', 0xc028, true, [79], 'record too short'],
  ];
  it.each(cases)('%s (suite %d, EtM %s): body lengths %j → %s', (_name, id, etm, lengths, reason) => {
    const suite = cipherSuiteInfo(id)!;
    const k = suite.tls13 ? trafficKeys13(suite, randomBytes(32)) : keys12(suite);
    const d = new RecordDecrypter(suite, k, { encryptThenMac: etm });
    for (const n of lengths) expect(d.open(APP, V12, randomBytes(n)), `length ${n}`).toEqual({ ok: false, reason });
    expect(d.seq).toBe(lengths.length);
  });

  it('over-long bodies → record too long (2^14 + 256 for 1.3, 2^14 + 2048 for 1.2)', () => {
    const s13 = cipherSuiteInfo(0x1301)!;
    const d13 = new RecordDecrypter(s13, trafficKeys13(s13, randomBytes(32)));
    expect(d13.open(APP, V12, Buffer.alloc(16384 + 257))).toEqual({ ok: false, reason: 'record too long' });
    expect(d13.open(APP, V12, Buffer.alloc(16384 + 256))).toEqual({ ok: false, reason: 'authentication failed' });
    const s12 = cipherSuiteInfo(0xc02f)!;
    const d12 = new RecordDecrypter(s12, keys12(s12));
    expect(d12.open(APP, V12, Buffer.alloc(16384 + 2049))).toEqual({ ok: false, reason: 'record too long' });
    expect(d12.seq).toBe(1);
  });

  it('random bodies of every length up to 300 never throw, for every kind', () => {
    for (const [id, etm] of [
      [0xc02f, false],
      [0xcca8, false],
      [0xc013, false],
      [0xc028, true],
      [0x1302, false],
      [0x1303, false],
    ] as const) {
      const suite = cipherSuiteInfo(id)!;
      const k = suite.tls13 ? trafficKeys13(suite, randomBytes(48)) : keys12(suite);
      const d = new RecordDecrypter(suite, k, { encryptThenMac: etm });
      for (let n = 0; n <= 300; n++) expect(d.open(APP, V12, randomBytes(n)).ok).toBe(false);
      expect(d.seq).toBe(301);
    }
  });

  it('keys that do not fit the suite are refused at construction', () => {
    const gcm = cipherSuiteInfo(0xc02f)!;
    const k = keys12(gcm);
    expect(() => new RecordDecrypter(gcm, { ...k, key: k.key.subarray(1) })).toThrow(RangeError);
    expect(() => new RecordDecrypter(gcm, { ...k, iv: Buffer.alloc(12) })).toThrow(RangeError);
    const cbc = cipherSuiteInfo(0xc013)!;
    expect(() => new RecordDecrypter(cbc, { ...keys12(cbc), macKey: Buffer.alloc(0) })).toThrow(RangeError);
    const t13 = cipherSuiteInfo(0x1301)!;
    const salt4 = { key: Buffer.alloc(16), iv: Buffer.alloc(4), macKey: Buffer.alloc(0) };
    expect(() => new RecordDecrypter(t13, salt4)).toThrow(RangeError);
  });
});
