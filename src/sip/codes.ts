/** Diagnostic codes of the SIP/SDP layer (kebab-case, stable). */
import type { DiagnosticCode } from '../util/diagnostics.js';

export const SIP_CODES: DiagnosticCode[] = [
  { code: 'sip-garbage-skipped', severity: 'warning', meaning: 'Bytes on a SIP TCP stream that are not a SIP message were skipped up to the next plausible start-line.' },
  { code: 'sip-header-too-long', severity: 'warning', meaning: 'The start-line and headers of a SIP message exceed the header size limit (64 KiB); the message was dropped.' },
  { code: 'sip-body-too-large', severity: 'warning', meaning: 'Content-Length exceeds the body size limit; the body was skipped and the message kept without it.' },
  { code: 'sip-content-length-missing', severity: 'warning', meaning: 'A SIP message over TCP has no Content-Length; an empty body was assumed.' },
  { code: 'sip-content-length-invalid', severity: 'warning', meaning: 'Content-Length is not a decimal number; an empty body (TCP) or the rest of the datagram (UDP) was assumed.' },
  { code: 'sip-content-length-mismatch', severity: 'warning', meaning: 'A UDP datagram holds fewer or more body bytes than its Content-Length says.' },
  { code: 'sip-malformed-header', severity: 'warning', meaning: 'A header line has no colon, an invalid name, or an unparsable From/To value.' },
  { code: 'sip-missing-header', severity: 'warning', meaning: 'A mandatory header (Call-ID, CSeq, From, To, Via) is missing.' },
  { code: 'sip-bad-cseq', severity: 'warning', meaning: 'CSeq is unparsable or names a method other than the request method.' },
  { code: 'sip-gap', severity: 'warning', meaning: 'TCP bytes are missing inside a SIP message: the headers were lost or the body is incomplete.' },
  { code: 'sip-truncated', severity: 'warning', meaning: 'A SIP TCP stream ended inside a message.' },
  { code: 'sip-dialog-limit', severity: 'warning', meaning: 'Too many distinct Call-IDs: further ones are counted but not tracked as dialogs.' },
  { code: 'sdp-invalid-line', severity: 'warning', meaning: 'An SDP line is not of the form <letter>=<value>.' },
  { code: 'sdp-bad-connection', severity: 'warning', meaning: 'An SDP c= line cannot be parsed (expected IN IP4|IP6 address).' },
  { code: 'sdp-bad-media', severity: 'warning', meaning: 'An SDP m= line cannot be parsed (expected media port proto formats).' },
  { code: 'sdp-bad-attribute', severity: 'warning', meaning: 'A known MSRP-related SDP attribute (setup, connection, max-size, fingerprint, file-*) has an invalid value.' },
  { code: 'sdp-bad-file-selector', severity: 'warning', meaning: 'An RFC 5547 a=file-selector cannot be fully parsed (unterminated name, bad size or hash).' },
  { code: 'sdp-msrp-no-path', severity: 'warning', meaning: 'An MSRP media description has no a=path attribute.' },
  { code: 'sdp-bad-path', severity: 'warning', meaning: 'An a=path entry is not an msrp: or msrps: URI with a session-id.' },
];
