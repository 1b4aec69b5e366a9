import type { DiagnosticCode, Severity } from '../util/diagnostics.js';

/** Diagnostics reported by the transport layer (src/transport): WebSocket deframing and TLS visibility. */
export const TRANSPORT_CODES: DiagnosticCode[] = [
  {
    code: 'ws-protocol-error',
    severity: 'error',
    meaning:
      'A WebSocket frame broke RFC 6455 (reserved opcode, RSV bit without an extension, control frame fragmented or over ' +
      '125 bytes, continuation without a start, new message inside a fragmented one, 64-bit length with the top bit set or ' +
      'over 2^53, close payload of 1 byte); that direction is no longer deframed.',
  },
  {
    code: 'ws-gap',
    severity: 'warning',
    meaning:
      'TCP bytes of a WebSocket stream were never captured: frame boundaries are lost, so that direction is no longer ' +
      'deframed; the gap is passed on to the MSRP layer.',
  },
  {
    code: 'ws-unmasked-client-frame',
    severity: 'warning',
    meaning: 'A client-to-server WebSocket frame was not masked (RFC 6455 section 5.3); reported once per connection, counted in the facts.',
  },
  {
    code: 'ws-masked-server-frame',
    severity: 'warning',
    meaning: 'A server-to-client WebSocket frame was masked (RFC 6455 section 5.1); reported once per connection, counted in the facts.',
  },
  {
    code: 'ws-non-minimal-length',
    severity: 'note',
    meaning: 'A WebSocket frame used a 16- or 64-bit length for a value that fits a shorter form (RFC 6455 section 5.2).',
  },
  {
    code: 'ws-frame-after-close',
    severity: 'warning',
    meaning: 'A WebSocket frame followed a close frame in the same direction; it is still deframed.',
  },
  {
    code: 'ws-compressed-payload',
    severity: 'warning',
    meaning:
      'A WebSocket data frame carried a compressed payload (RSV1 with a negotiated extension such as permessage-deflate); ' +
      'compressed payloads are not inflated and not passed on.',
  },
  {
    code: 'ws-unfinished-message',
    severity: 'note',
    meaning: 'The connection closed inside a WebSocket frame or a fragmented message of this direction.',
  },
  {
    code: 'ws-msrp-split',
    severity: 'note',
    meaning:
      'A WebSocket message began an MSRP message but did not end with its end-line: the MSRP message spans several ' +
      'WebSocket messages (RFC 7977 section 5.5 puts one MSRP message in one WebSocket message).',
  },
  {
    code: 'ws-msrp-multiple',
    severity: 'note',
    meaning: 'A WebSocket message held more bytes after the end-line of its first MSRP message (RFC 7977: one MSRP message per WebSocket message).',
  },
  {
    code: 'ws-upgrade-refused',
    severity: 'note',
    meaning: 'A WebSocket upgrade request was answered with a status other than 101; the connection is treated as plain bytes.',
  },
  {
    code: 'ws-bad-accept',
    severity: 'warning',
    meaning: 'The 101 response carried a Sec-WebSocket-Accept that does not match the Sec-WebSocket-Key of the request.',
  },
  {
    code: 'ws-handshake-incomplete',
    severity: 'note',
    meaning:
      'A WebSocket upgrade request got no complete response before the connection closed, a gap, or the bound on held ' +
      'bytes; the connection is treated as plain bytes.',
  },
  {
    code: 'tls-bad-record',
    severity: 'warning',
    meaning:
      'Bytes of a TLS connection did not form a valid record header (content type, version or length); record framing of ' +
      'that direction stops and its bytes are only counted.',
  },
  {
    code: 'tls-gap',
    severity: 'warning',
    meaning: 'TCP bytes of a TLS stream were never captured; record framing of that direction stops and its bytes are only counted.',
  },
  {
    code: 'tls-midstream',
    severity: 'note',
    meaning: 'A TLS connection whose handshake is not in the capture: no version, SNI or cipher can be shown.',
  },
  {
    code: 'tls-malformed-handshake',
    severity: 'warning',
    meaning: 'A clear-text TLS handshake message (ClientHello, ServerHello, Certificate) could not be parsed; the facts stay unknown.',
  },
  {
    code: 'tls-alert',
    severity: 'warning',
    meaning: 'A clear-text TLS alert other than close_notify (level and description in the detail).',
  },
  {
    code: 'tls-encrypted',
    severity: 'note',
    meaning:
      'A TLS connection whose application data was not (or only partly) decrypted: no key log given, no keys for its ' +
      'client random, handshake not in the capture, or decryption stopped (the detail says why); what was not ' +
      'decrypted is only visible as record counts.',
  },
  {
    code: 'tls-decrypted',
    severity: 'note',
    meaning: 'A TLS connection decrypted with a key log: every encrypted record of both directions was opened (counts in the detail).',
  },
  {
    code: 'tls-no-keys',
    severity: 'warning',
    meaning: 'Key material was given, but none for this connection\'s client random: its records stay encrypted.',
  },
  {
    code: 'tls-decrypt-failed',
    severity: 'error',
    meaning:
      'A TLS record failed authentication (a wrong key, or damaged bytes): that direction is no longer decrypted; ' +
      'the rest of the capture is still read.',
  },
  {
    code: 'tls-cipher-unsupported',
    severity: 'warning',
    meaning: 'The negotiated cipher suite is not one msrpscope decrypts (AES-GCM, ChaCha20-Poly1305 and AES-CBC are).',
  },
  {
    code: 'tls-truncated-record',
    severity: 'note',
    meaning: 'The capture ends inside an encrypted TLS record: its bytes are not decrypted.',
  },
  {
    code: 'keylog-bad-line',
    severity: 'warning',
    meaning:
      'A key log line could not be used: not LABEL CLIENT_RANDOM SECRET, not hex, a client random that is not 32 bytes, ' +
      'a secret of the wrong length for its label, or a line too long; it is skipped.',
  },
];

export const TRANSPORT_SEVERITY: ReadonlyMap<string, Severity> = new Map(TRANSPORT_CODES.map((c) => [c.code, c.severity]));
