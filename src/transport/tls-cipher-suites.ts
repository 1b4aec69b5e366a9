/**
 * Record-protection parameters of the TLS cipher suites msrpscope can decrypt (IANA "TLS Cipher Suites" registry;
 * RFC 8446 B.4, RFC 5288, RFC 5289, RFC 5246 A.5, RFC 7905). Each entry is derived from its registry name (the one
 * table of names is tls-names.ts), so the list below is only ids.
 */
import { cipherName } from './tls-names.js';

export interface CipherSuiteInfo {
  id: number;
  /** IANA name, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256. */
  name: string;
  /** A TLS 1.3 suite (0x13xx): HKDF key schedule, inner content type, 12-byte per-record nonce. */
  tls13: boolean;
  kind: 'gcm' | 'chacha' | 'cbc';
  /** node:crypto cipher name. */
  cipher: string;
  keyLen: number;
  /** Implicit IV bytes from the key schedule: 4 (TLS 1.2 GCM salt), 12 (ChaCha20-Poly1305, any TLS 1.3), 0 (CBC). */
  fixedIvLen: number;
  /** HMAC hash of a CBC suite; null for AEAD suites. */
  macHash: 'sha1' | 'sha256' | 'sha384' | null;
  /** HMAC output length (0 for AEAD suites). */
  macLen: number;
  /** Hash of the TLS 1.2 PRF or the TLS 1.3 HKDF. */
  hash: 'sha256' | 'sha384';
}

/** Suites whose records msrpscope decrypts; their names (tls-names.ts) hold every parameter. */
const DECRYPTABLE: readonly number[] = [
  0x1301, 0x1302, 0x1303, 0x009c, 0x009d, 0x009e, 0x009f, 0xc02b, 0xc02c, 0xc02f, 0xc030, 0xcca8, 0xcca9,
  0xccaa, 0x002f, 0x0033, 0x0035, 0x0039, 0x003c, 0x003d, 0x0067, 0x006b, 0xc009, 0xc00a, 0xc013, 0xc014,
  0xc023, 0xc024, 0xc027, 0xc028,
];

const MAC_LEN = new Map<string, number>([
  ['sha1', 20],
  ['sha256', 32],
  ['sha384', 48],
]);

/** Reads the parameters out of a registry name (every suite in DECRYPTABLE has one of the shapes handled here). */
function fromName(id: number, name: string): CipherSuiteInfo {
  const tls13 = id >> 8 === 0x13;
  const kind = name.includes('_CHACHA20_POLY1305_') ? 'chacha' : name.includes('_GCM_') ? 'gcm' : 'cbc';
  const keyLen = kind === 'chacha' || name.includes('_AES_256_') ? 32 : 16;
  const cipher = kind === 'chacha' ? 'chacha20-poly1305' : `aes-${keyLen * 8}-${kind}`;
  const suffix = name.slice(name.lastIndexOf('_') + 1);
  const sha = suffix === 'SHA' ? 'sha1' : suffix === 'SHA384' ? 'sha384' : 'sha256';
  const hash = sha === 'sha384' ? 'sha384' : 'sha256';
  const macHash = kind === 'cbc' ? sha : null;
  return {
    id,
    name,
    tls13,
    kind,
    cipher,
    keyLen,
    fixedIvLen: kind === 'cbc' ? 0 : tls13 || kind === 'chacha' ? 12 : 4,
    macHash,
    macLen: macHash === null ? 0 : MAC_LEN.get(macHash)!,
    hash,
  };
}

const SUITES = new Map<number, CipherSuiteInfo>();
for (const id of DECRYPTABLE) SUITES.set(id, Object.freeze(fromName(id, cipherName(id))));

/** The suite's parameters, or undefined when msrpscope cannot decrypt it (CCM, 3DES, export, PSK-only...). */
export function cipherSuiteInfo(id: number): CipherSuiteInfo | undefined {
  return SUITES.get(id);
}
