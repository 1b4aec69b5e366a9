/**
 * A capture whose MSRP and SIP text is full of terminal controls: ESC sequences (CSI, OSC with BEL), raw C1
 * bytes and C1 characters, BEL, bidi overrides and isolates, in every field that reaches an output.
 */
import { buildMsrpCapture, FROM, msrpRequest, msrpResponse, sipMessage, TO } from './build-capture.js';

/** Controls as characters (written as UTF-8 in the capture). */
export const EVIL = '\x1b[31mRED\x1b[2J\x1b]0;pwned\x07\x07\u009b6n\u009d0;x\u009c\u0085\u202eevil\u2066\u2067\u2068\u2069\u200f\x08\x7f';
/** Raw single bytes 0x80-0x9f (C1 in latin1 / 8-bit terminals; invalid alone in UTF-8). */
export const RAW_C1 = Buffer.from([0x9b, 0x33, 0x31, 0x6d, 0x9d, 0x32, 0x3b, 0x78, 0x9c, 0x85]);

function withRaw(s: string): Buffer {
  const i = s.indexOf('@@');
  return i < 0 ? Buffer.from(s, 'utf8') : Buffer.concat([Buffer.from(s.slice(0, i), 'utf8'), RAW_C1, Buffer.from(s.slice(i + 2), 'utf8')]);
}

export function hostileCapture(): Buffer {
  const sdp = [
    'v=0', `o=${EVIL} 1 1 IN IP4 192.0.2.10`, `s=${EVIL}`, 'c=IN IP4 192.0.2.10', 't=0 0', 'm=message 2855 TCP/MSRP *',
    `a=path:${FROM}`, `a=accept-types:text/plain ${EVIL}`, `a=file-selector:name:"${EVIL}.bin" type:text/plain size:5`,
    `a=${EVIL}`, `${EVIL}`, '',
  ].join('\r\n');
  const invite = sipMessage('INVITE sip:bob@example.com SIP/2.0', [
    ['Via', 'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1'],
    ['From', `"${EVIL}" <sip:alice@example.com>;tag=a1`],
    ['To', `"${EVIL}" <sip:bob@example.com>`],
    ['Call-ID', `call-${EVIL}@x`],
    ['CSeq', '1 INVITE'],
    ['Subject', EVIL],
    ['Content-Type', 'application/sdp'],
  ], sdp);
  const ok = sipMessage(`SIP/2.0 200 ${EVIL}`, [
    ['Via', 'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1'],
    ['From', `"${EVIL}" <sip:alice@example.com>;tag=a1`],
    ['To', `"${EVIL}" <sip:bob@example.com>;tag=b1`],
    ['Call-ID', `call-${EVIL}@x`],
    ['CSeq', '1 INVITE'],
  ]);
  const cpim = [`From: "${EVIL}" <im:alice@example.com>`, 'To: <im:bob@example.com>', `Subject: ${EVIL}`, 'NS: imdn <urn:ietf:params:imdn>', `imdn.Message-ID: ${EVIL}`, '', 'Content-Type: text/plain', '', `hello ${EVIL}`].join('\r\n');
  return buildMsrpCapture([
    { from: 'u', bytes: invite },
    { from: 'u', bytes: ok },
    { from: 'c', bytes: msrpRequest('t1aaaa', 'SEND', [['To-Path', TO], ['From-Path', FROM], ['Message-ID', `m1-${EVIL}`], ['Byte-Range', '1-*/*'], ['Content-Type', `text/plain;${EVIL}`]], `text ${EVIL}`) },
    { from: 's', bytes: msrpResponse('t1aaaa', `200 ${EVIL}`, [['To-Path', FROM], ['From-Path', TO]]) },
    { from: 'c', bytes: withRaw(msrpRequest('t2bbbb', 'SEND', [['To-Path', TO], ['From-Path', FROM], ['Message-ID', 'm2-@@'], ['Byte-Range', '1-5/5'], ['Content-Type', 'message/cpim'], ['Content-Disposition', `attachment; filename="${EVIL}"`]], cpim)) },
    { from: 'c', bytes: withRaw(msrpRequest('t3cccc', 'SEND', [['To-Path', TO], ['From-Path', FROM], ['Message-ID', 'm3-@@'], ['Byte-Range', '1-5/5'], [`X-${EVIL}`, 'v'], ['Use-Nickname', `"${EVIL}"`]], 'body @@ body')) },
    { from: 'c', bytes: withRaw(`garbage line @@ ${EVIL}\r\nMSRP t4dddd SEND\r\nTo-Path: ${TO} ${EVIL}\r\nno colon @@ ${EVIL}\r\n-------t4dddd$\r\n`) },
    { from: 'c', bytes: msrpRequest('t5eeee', 'REPORT', [['To-Path', TO], ['From-Path', FROM], ['Message-ID', `unseen-${EVIL}`], ['Byte-Range', '1-5/5'], ['Status', `000 200 ${EVIL}`]]) },
    { from: 's', bytes: withRaw(`MSRP t6ffff 200 @@${EVIL}\r\nTo-Path: ${FROM}\r\nFrom-Path: ${TO}\r\n-------t6ffff$\r\n`) },
  ]);
}
