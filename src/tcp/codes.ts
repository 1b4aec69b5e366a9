import type { DiagnosticCode } from '../util/diagnostics.js';

/** Diagnostics reported by the TCP reassembler (src/tcp). */
export const TCP_CODES: DiagnosticCode[] = [
  {
    code: 'tcp-gap',
    severity: 'warning',
    meaning:
      'Bytes of one direction were never captured (lost before the capture point, or cut from the file); ' +
      'the hole is reported to the next layer as a gap of exactly that many bytes and the stream continues after it.',
  },
  {
    code: 'tcp-overlap-conflict',
    severity: 'warning',
    meaning: 'Overlapping segments carried different bytes for the same sequence range; the bytes that arrived first were kept.',
  },
  {
    code: 'tcp-buffer-overflow',
    severity: 'warning',
    meaning:
      'Out-of-order data waiting for a hole exceeded the per-direction or the global buffer bound; the oldest hole was declared a gap.',
  },
  {
    code: 'tcp-connection-evicted',
    severity: 'warning',
    meaning: 'The connection table was full; the least recently active connection was closed (reason "evicted").',
  },
  {
    code: 'tcp-port-reuse',
    severity: 'note',
    meaning: 'A SYN with a new initial sequence number arrived on the 4-tuple of an open connection; the old connection was closed and a new one started.',
  },
  {
    code: 'tcp-midstream',
    severity: 'note',
    meaning: 'The capture starts in the middle of this connection (no SYN seen); its streams begin at the first byte captured.',
  },
  {
    code: 'tcp-data-after-fin',
    severity: 'warning',
    meaning: 'A segment carried data beyond the FIN of its direction; those bytes were ignored.',
  },
  {
    code: 'tcp-out-of-window',
    severity: 'warning',
    meaning: 'A segment or FIN lay implausibly far (over 1 GiB) ahead of the stream, or before its start; it was ignored.',
  },
  {
    code: 'tcp-acked-unseen',
    severity: 'warning',
    meaning:
      'When the connection closed, the peer had acknowledged bytes past the last byte captured (data lost from the capture ' +
      'at the end of the stream); the count may include one sequence number for a FIN that was lost too, so no gap is reported.',
  },
];
