import type { ConnectionSecrets } from './tls-keylog.js';

/**
 * Where TLS decryption looks up a connection's secrets: a KeyLog filled from --keylog files, pcapng
 * Decryption Secrets Blocks and a live key log that grows during the capture.
 */
export interface KeySource {
  /** Secrets of the connection whose ClientHello random is `clientRandom`. */
  get(clientRandom: Buffer): ConnectionSecrets | undefined;
  /** Bumped whenever secrets are added: a direction that found none looks again only when it changed. */
  readonly version: number;
  /** Asks the source to take in what was appended to it (a growing live key log); cheap when nothing was. */
  refresh?(): void;
}
