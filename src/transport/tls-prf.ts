/** TLS 1.2 PRF (RFC 5246 section 5) and the key block split (RFC 5246 section 6.3, RFC 5288 section 3). */
import { crypto } from '../util/builtins.js';
import type { CipherSuiteInfo } from './tls-cipher-suites.js';

/** Keys of one direction of a connection. */
export interface DirKeys {
  key: Buffer;
  /** Fixed IV: the 4-byte salt (TLS 1.2 GCM), 12 bytes (ChaCha20-Poly1305, TLS 1.3), empty for CBC (explicit IV). */
  iv: Buffer;
  /** HMAC key of a CBC suite; empty for AEAD suites. */
  macKey: Buffer;
}

const EMPTY = Buffer.alloc(0);

/** PRF(secret, label, seed) = P_hash(secret, label + seed), cut to `length` bytes. */
export function prf12(hash: 'sha256' | 'sha384', secret: Buffer, label: string, seed: Buffer, length: number): Buffer {
  const labelSeed = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const out = Buffer.allocUnsafe(length);
  let a: Buffer = labelSeed;
  let off = 0;
  while (off < length) {
    a = crypto().createHmac(hash, secret).update(a).digest();
    off += crypto().createHmac(hash, secret).update(a).update(labelSeed).digest().copy(out, off);
  }
  return out;
}

/**
 * The TLS 1.2 key block of a connection: PRF(master, "key expansion", server_random + client_random), split as
 * client MAC key, server MAC key, client key, server key, client IV, server IV.
 * Throws RangeError for a TLS 1.3 suite or inputs of the wrong size (a caller's bug, not capture data).
 */
export function keyBlock12(
  suite: CipherSuiteInfo,
  masterSecret: Buffer,
  clientRandom: Buffer,
  serverRandom: Buffer,
): { client: DirKeys; server: DirKeys } {
  if (suite.tls13) throw new RangeError(`keyBlock12: ${suite.name} is a TLS 1.3 suite`);
  if (masterSecret.length !== 48 || clientRandom.length !== 32 || serverRandom.length !== 32) {
    throw new RangeError('keyBlock12: master secret must be 48 bytes, randoms 32 bytes');
  }
  const { macLen, keyLen, fixedIvLen } = suite;
  const total = 2 * (macLen + keyLen + fixedIvLen);
  const kb = prf12(suite.hash, masterSecret, 'key expansion', Buffer.concat([serverRandom, clientRandom]), total);
  let off = 0;
  const take = (n: number): Buffer => {
    const v = n === 0 ? EMPTY : kb.subarray(off, off + n);
    off += n;
    return v;
  };
  const clientMac = take(macLen);
  const serverMac = take(macLen);
  const clientKey = take(keyLen);
  const serverKey = take(keyLen);
  const clientIv = take(fixedIvLen);
  const serverIv = take(fixedIvLen);
  return {
    client: { key: clientKey, iv: clientIv, macKey: clientMac },
    server: { key: serverKey, iv: serverIv, macKey: serverMac },
  };
}
