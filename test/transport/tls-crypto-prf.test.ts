import { describe, expect, it } from 'vitest';
import { cipherSuiteInfo } from '../../src/transport/tls-cipher-suites.js';
import { keyBlock12, prf12 } from '../../src/transport/tls-prf.js';

const h = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('TLS 1.2 PRF (RFC 5246 section 5)', () => {
  // The TLS 1.2 PRF vectors circulated on the IETF TLS WG list (P_SHA256, 100 bytes; P_SHA384, 148 bytes),
  // also what `openssl kdf TLS1-PRF` gives for these inputs.
  it('P_SHA256 "test label" vector', () => {
    const out = prf12('sha256', h('9bbe436ba940f017b17652849a71db35'), 'test label', h('a0ba9f936cda311827a6f796ffd5198c'), 100);
    expect(out.toString('hex')).toBe(
      'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17' +
        'abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
    );
  });

  it('P_SHA384 "test label" vector', () => {
    const out = prf12('sha384', h('b80b733d6ceefcdc71566ea48e5567df'), 'test label', h('cd665cf6a8447dd6ff8b27555edb7465'), 148);
    expect(out.toString('hex')).toBe(
      '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700' +
        '884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a2' +
        '6066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f',
    );
  });

  it('any length is a prefix of a longer output', () => {
    const secret = h('00'.repeat(48));
    const long = prf12('sha256', secret, 'key expansion', h('11'.repeat(64)), 200);
    for (const n of [0, 1, 31, 32, 33, 64, 199]) {
      expect(prf12('sha256', secret, 'key expansion', h('11'.repeat(64)), n)).toEqual(long.subarray(0, n));
    }
  });
});

describe('TLS 1.2 key block split', () => {
  const master = h('2a'.repeat(48));
  const cr = h('11'.repeat(32));
  const sr = h('22'.repeat(32));

  it('orders client MAC, server MAC, client key, server key, client IV, server IV (CBC SHA-256, AES-128)', () => {
    const suite = cipherSuiteInfo(0xc027)!;
    const kb = prf12('sha256', master, 'key expansion', Buffer.concat([sr, cr]), 2 * (32 + 16));
    const { client, server } = keyBlock12(suite, master, cr, sr);
    expect(client.macKey).toEqual(kb.subarray(0, 32));
    expect(server.macKey).toEqual(kb.subarray(32, 64));
    expect(client.key).toEqual(kb.subarray(64, 80));
    expect(server.key).toEqual(kb.subarray(80, 96));
    expect(client.iv.length).toBe(0);
    expect(server.iv.length).toBe(0);
  });

  it('AES-256-GCM-SHA384: PRF with SHA-384, 32-byte keys, 4-byte salts, no MAC keys', () => {
    const suite = cipherSuiteInfo(0xc030)!;
    const kb = prf12('sha384', master, 'key expansion', Buffer.concat([sr, cr]), 2 * (32 + 4));
    const { client, server } = keyBlock12(suite, master, cr, sr);
    expect(client.macKey.length + server.macKey.length).toBe(0);
    expect(client.key).toEqual(kb.subarray(0, 32));
    expect(server.key).toEqual(kb.subarray(32, 64));
    expect(client.iv).toEqual(kb.subarray(64, 68));
    expect(server.iv).toEqual(kb.subarray(68, 72));
    // The SHA-256 PRF would give other keys: the suite's hash is used.
    expect(prf12('sha256', master, 'key expansion', Buffer.concat([sr, cr]), 32)).not.toEqual(client.key);
  });

  it('ChaCha20-Poly1305: 32-byte keys and 12-byte IVs; randoms in server + client order', () => {
    const suite = cipherSuiteInfo(0xcca8)!;
    const { client, server } = keyBlock12(suite, master, cr, sr);
    const kb = prf12('sha256', master, 'key expansion', Buffer.concat([sr, cr]), 88);
    expect(Buffer.concat([client.key, server.key, client.iv, server.iv])).toEqual(kb);
    const swapped = keyBlock12(suite, master, sr, cr);
    expect(swapped.client.key).not.toEqual(client.key);
  });

  it('refuses TLS 1.3 suites and wrong sizes', () => {
    expect(() => keyBlock12(cipherSuiteInfo(0x1301)!, master, cr, sr)).toThrow(RangeError);
    expect(() => keyBlock12(cipherSuiteInfo(0xc02f)!, master.subarray(1), cr, sr)).toThrow(RangeError);
    expect(() => keyBlock12(cipherSuiteInfo(0xc02f)!, master, cr.subarray(1), sr)).toThrow(RangeError);
  });
});

describe('cipher suite table', () => {
  it.each([
    [0x1301, 'TLS_AES_128_GCM_SHA256', true, 'gcm', 'aes-128-gcm', 16, 12, null, 0, 'sha256'],
    [0x1302, 'TLS_AES_256_GCM_SHA384', true, 'gcm', 'aes-256-gcm', 32, 12, null, 0, 'sha384'],
    [0x1303, 'TLS_CHACHA20_POLY1305_SHA256', true, 'chacha', 'chacha20-poly1305', 32, 12, null, 0, 'sha256'],
    [0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', false, 'gcm', 'aes-128-gcm', 16, 4, null, 0, 'sha256'],
    [0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', false, 'gcm', 'aes-256-gcm', 32, 4, null, 0, 'sha384'],
    [0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256', false, 'gcm', 'aes-128-gcm', 16, 4, null, 0, 'sha256'],
    [0x009f, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', false, 'gcm', 'aes-256-gcm', 32, 4, null, 0, 'sha384'],
    [0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', false, 'gcm', 'aes-256-gcm', 32, 4, null, 0, 'sha384'],
    [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', false, 'chacha', 'chacha20-poly1305', 32, 12, null, 0, 'sha256'],
    [0xccaa, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', false, 'chacha', 'chacha20-poly1305', 32, 12, null, 0, 'sha256'],
    [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', false, 'cbc', 'aes-128-cbc', 16, 0, 'sha1', 20, 'sha256'],
    [0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA', false, 'cbc', 'aes-256-cbc', 32, 0, 'sha1', 20, 'sha256'],
    [0x006b, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', false, 'cbc', 'aes-256-cbc', 32, 0, 'sha256', 32, 'sha256'],
    [0xc028, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', false, 'cbc', 'aes-256-cbc', 32, 0, 'sha384', 48, 'sha384'],
    [0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', false, 'cbc', 'aes-128-cbc', 16, 0, 'sha256', 32, 'sha256'],
  ] as const)('suite %d %s', (id, name, tls13, kind, cipher, keyLen, fixedIvLen, macHash, macLen, hash) => {
    expect(cipherSuiteInfo(id)).toEqual({ id, name, tls13, kind, cipher, keyLen, fixedIvLen, macHash, macLen, hash });
  });

  it('covers the listed TLS 1.2 suites and nothing it cannot decrypt', () => {
    const ids = [
      0xc013, 0xc014, 0xc009, 0xc00a, 0x002f, 0x0035, 0x003c, 0x003d, 0xc027, 0xc028, 0xc023, 0xc024, 0x0033, 0x0039, 0x0067,
      0x006b, 0x009c, 0x009d, 0x009e, 0x009f, 0xc02f, 0xc030, 0xc02b, 0xc02c, 0xcca8, 0xcca9, 0xccaa,
    ];
    for (const id of ids) expect(cipherSuiteInfo(id)?.tls13, id.toString(16)).toBe(false);
    for (const id of [0x1304, 0x1305, 0x000a, 0x0000, 0xc0ff, 0x10000]) expect(cipherSuiteInfo(id)).toBeUndefined();
  });
});
