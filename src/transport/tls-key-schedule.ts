/** TLS 1.3 traffic keys from traffic secrets (RFC 8446 sections 7.1 to 7.3); HKDF-Expand per RFC 5869. */
import { crypto } from '../util/builtins.js';
import type { CipherSuiteInfo } from './tls-cipher-suites.js';
import type { DirKeys } from './tls-prf.js';

const HASH_LEN = new Map<string, number>([
  ['sha256', 32],
  ['sha384', 48],
]);
const EMPTY = Buffer.alloc(0);

/** HKDF-Expand(prk, info, length) (RFC 5869 section 2.3). */
function hkdfExpand(hash: 'sha256' | 'sha384', prk: Buffer, info: Buffer, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let t: Buffer = EMPTY;
  let off = 0;
  for (let i = 1; off < length; i++) {
    t = crypto().createHmac(hash, prk).update(t).update(info).update(Buffer.of(i)).digest();
    off += t.copy(out, off);
  }
  return out;
}

/**
 * HKDF-Expand-Label(secret, label, context, length): info = uint16 length, "tls13 " + label (8-bit length),
 * context (8-bit length). Throws RangeError for a label or context over 255 bytes or a length over 255 hashes.
 */
export function hkdfExpandLabel(
  hash: 'sha256' | 'sha384',
  secret: Buffer,
  label: string,
  context: Buffer,
  length: number,
): Buffer {
  const fullLabel = Buffer.from('tls13 ' + label, 'latin1');
  if (fullLabel.length > 255 || context.length > 255 || length > 255 * HASH_LEN.get(hash)! || length > 0xffff) {
    throw new RangeError('hkdfExpandLabel: label, context or length too long');
  }
  const info = Buffer.allocUnsafe(2 + 1 + fullLabel.length + 1 + context.length);
  info.writeUInt16BE(length, 0);
  info[2] = fullLabel.length;
  fullLabel.copy(info, 3);
  info[3 + fullLabel.length] = context.length;
  context.copy(info, 4 + fullLabel.length);
  return hkdfExpand(hash, secret, info, length);
}

/** Record key and 12-byte IV of one direction from its traffic secret ("key", "iv"). */
export function trafficKeys13(suite: CipherSuiteInfo, secret: Buffer): DirKeys {
  return {
    key: hkdfExpandLabel(suite.hash, secret, 'key', EMPTY, suite.keyLen),
    iv: hkdfExpandLabel(suite.hash, secret, 'iv', EMPTY, 12),
    macKey: EMPTY,
  };
}

/** application_traffic_secret_N+1 after a KeyUpdate: HKDF-Expand-Label(secret, "traffic upd", "", Hash.length). */
export function nextTrafficSecret13(hash: 'sha256' | 'sha384', secret: Buffer): Buffer {
  return hkdfExpandLabel(hash, secret, 'traffic upd', EMPTY, HASH_LEN.get(hash)!);
}
