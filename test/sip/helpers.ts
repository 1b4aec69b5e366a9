import type { FrameRef } from '../../src/capture/types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';

export function frame(n: number): FrameRef {
  return { frame: n, tsSec: 1_700_000_000 + n, tsNsec: 0 };
}

/** Builds a SIP message with CRLF line ends and a correct Content-Length (unless `contentLength` is given). */
export function sip(startLine: string, headers: Array<[string, string]>, body = '', contentLength?: number | null): string {
  const lines = [startLine, ...headers.map(([n, v]) => `${n}: ${v}`)];
  if (contentLength !== null) lines.push(`Content-Length: ${contentLength ?? Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

export const SDP_OFFER = [
  'v=0',
  'o=alice 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=message 2862 TCP/MSRP *',
  'a=accept-types:message/cpim text/plain',
  'a=path:msrp://127.0.0.1:2862/abc123;tcp',
  'a=setup:active',
  '',
].join('\r\n');

export const SDP_ANSWER = [
  'v=0',
  'o=bob 2 2 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=message 2872 TCP/MSRP *',
  'a=accept-types:message/cpim text/plain',
  'a=path:msrp://127.0.0.1:2872/xyz789;tcp',
  'a=setup:passive',
  '',
].join('\r\n');

export function inviteHeaders(callId: string, cseq = 1, method = 'INVITE', toTag?: string): Array<[string, string]> {
  return [
    ['Via', 'SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bK1'],
    ['Max-Forwards', '70'],
    ['From', '"Alice" <sip:alice@127.0.0.1:5072>;tag=atag'],
    ['To', toTag === undefined ? '<sip:bob@127.0.0.1:5082>' : `<sip:bob@127.0.0.1:5082>;tag=${toTag}`],
    ['Call-ID', callId],
    ['CSeq', `${cseq} ${method}`],
  ];
}

export function collectDiagnostics(): { list: Diagnostic[]; sink: (d: Diagnostic) => void; codes: () => string[] } {
  const list: Diagnostic[] = [];
  return { list, sink: (d) => list.push(d), codes: () => list.map((d) => d.code) };
}

import { SIP_CODES } from '../../src/sip/codes.js';

/** Every diagnostic uses a code declared in SIP_CODES with its severity, and a printable one-line detail. */
export function expectDeclared(list: readonly Diagnostic[]): void {
  const table = new Map(SIP_CODES.map((c) => [c.code, c.severity]));
  for (const d of list) {
    if (table.get(d.code) !== d.severity) throw new Error(`undeclared diagnostic ${d.code}/${d.severity}`);
    if (/[\u0000-\u001f]/.test(d.detail)) throw new Error(`control character in detail of ${d.code}`);
  }
}
