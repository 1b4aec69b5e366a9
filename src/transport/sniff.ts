import { TLS_MAX_RECORD } from './tls-records.js';

/** What the first bytes of a direction say about the stream. */
export type Sniffed = 'plain' | 'more' | 'tls' | 'http';

const GET = Buffer.from('GET ', 'latin1');

/** Bytes sniff() needs at most to decide. */
export const SNIFF_BYTES = 5;

/**
 * The one transport sniffer: b[0..n) are the first n bytes of a direction.
 * - `GET ` → an HTTP request (a WebSocket upgrade, maybe).
 * - A TLS handshake record header (16 03 00..04). With `midStream` (the SYN was not captured, so the stream
 *   may start after the handshake) a record header of any type 20..23 with a plausible length counts too.
 * - `allowTls` false (bytes already decrypted from TLS): only HTTP or plain.
 */
export function sniff(b: Buffer, n: number, midStream: boolean, allowTls = true): Sniffed {
  if (n === 0) return 'more';
  const b0 = b[0]!;
  if (b0 === 0x47) {
    const k = Math.min(n, 4);
    if (b.compare(GET, 0, k, 0, k) !== 0) return 'plain';
    return n >= 4 ? 'http' : 'more';
  }
  if (!allowTls) return 'plain';
  if (b0 < 20 || b0 > 23 || (b0 !== 22 && !midStream)) return 'plain';
  if (n >= 2 && b[1] !== 0x03) return 'plain';
  if (n >= 3 && b[2]! > 0x04) return 'plain';
  if (!midStream) return n >= 3 ? 'tls' : 'more';
  if (n < 5) return 'more';
  const len = b.readUInt16BE(3);
  return len > 0 && len <= TLS_MAX_RECORD ? 'tls' : 'plain';
}
