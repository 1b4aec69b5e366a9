#!/usr/bin/env node
// Writes the small captures in samples/ with a deterministic writer (no clock, no randomness):
// a SIP (UDP) call that sets up an MSRP session over TCP, text, CPIM and a chunked file transfer.
// Run `npm run samples` (builds first). The same scenario is written as pcap (Ethernet), pcapng, and
// Linux cooked v2 (SLL2) pcap, so every reader path is exercised by the bundled data.
import { writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePcap, writePcapng } from '../dist/capture/writer.js';
import { buildTcp, buildUdp, linkTypeOf } from '../dist/net/build.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'samples');
const CRLF = '\r\n';
const SYN = 0x02, ACK = 0x10, PSH = 0x08, FIN = 0x01;
const MSS = 1448;

/** A simulated clock: every packet advances it by a fixed step unless told otherwise. */
class Clock {
  constructor(startSec) { this.ns = BigInt(startSec) * 1_000_000_000n; }
  advance(ms) { this.ns += BigInt(Math.round(ms * 1_000_000)); }
  stamp() { return { tsSec: Number(this.ns / 1_000_000_000n), tsNsec: Number(this.ns % 1_000_000_000n) }; }
}

class Capture {
  constructor(clock) { this.clock = clock; this.packets = []; }
  add(kind, spec, stepMs = 1) {
    this.clock.advance(stepMs);
    this.packets.push({ kind, spec, ...this.clock.stamp() });
  }
  render(link) {
    return this.packets.map((p) => ({
      tsSec: p.tsSec, tsNsec: p.tsNsec,
      data: p.kind === 'tcp' ? buildTcp(p.spec, link) : buildUdp(p.spec, link),
    }));
  }
}

/** One TCP connection with both sides' sequence numbers. */
class Tcp {
  constructor(cap, a, b, isnA, isnB) {
    Object.assign(this, { cap, a, b });
    this.seq = { a: isnA, b: isnB };
  }
  spec(from, flags, payload) {
    const [s, d] = from === 'a' ? [this.a, this.b] : [this.b, this.a];
    const other = from === 'a' ? 'b' : 'a';
    return { src: s.ip, dst: d.ip, srcPort: s.port, dstPort: d.port, seq: this.seq[from] >>> 0,
      ack: this.seq[other] >>> 0, flags, window: 65535, payload };
  }
  handshake() {
    this.cap.add('tcp', { ...this.spec('a', SYN), ack: 0 }, 2);
    this.seq.a += 1;
    this.cap.add('tcp', this.spec('b', SYN | ACK), 0.1);
    this.seq.b += 1;
    this.cap.add('tcp', this.spec('a', ACK), 0.1);
  }
  /** Sends bytes as MSS-sized segments; `cuts` forces extra segment boundaries (offsets). */
  send(from, text, stepMs = 1, cuts = []) {
    const buf = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
    const points = [...new Set([0, ...cuts.filter((c) => c > 0 && c < buf.length), buf.length])].sort((x, y) => x - y);
    let first = true;
    for (let i = 0; i + 1 < points.length; i++) {
      for (let off = points[i]; off < points[i + 1]; off += MSS) {
        const piece = buf.subarray(off, Math.min(off + MSS, points[i + 1]));
        this.cap.add('tcp', this.spec(from, ACK | PSH, piece), first ? stepMs : 0.05);
        this.seq[from] += piece.length;
        first = false;
      }
    }
    this.cap.add('tcp', this.spec(from === 'a' ? 'b' : 'a', ACK), 0.05);
  }
  close() {
    this.cap.add('tcp', this.spec('a', FIN | ACK), 5);
    this.seq.a += 1;
    this.cap.add('tcp', this.spec('b', FIN | ACK), 0.1);
    this.seq.b += 1;
    this.cap.add('tcp', this.spec('a', ACK), 0.1);
  }
}

function msrpRequest(txid, method, headers, body) {
  const head = `MSRP ${txid} ${method}${CRLF}${headers.join(CRLF)}${CRLF}`;
  if (body === undefined) return Buffer.from(`${head}-------${txid}$${CRLF}`);
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return Buffer.concat([Buffer.from(`${head}${CRLF}`), b, Buffer.from(`${CRLF}-------${txid}$${CRLF}`)]);
}
function msrpChunk(txid, headers, body, flag) {
  const head = `MSRP ${txid} SEND${CRLF}${headers.join(CRLF)}${CRLF}${CRLF}`;
  return Buffer.concat([Buffer.from(head), body, Buffer.from(`${CRLF}-------${txid}${flag}${CRLF}`)]);
}
function msrpResponse(txid, code, reason, toPath, fromPath) {
  return `MSRP ${txid} ${code} ${reason}${CRLF}To-Path: ${toPath}${CRLF}From-Path: ${fromPath}${CRLF}-------${txid}$${CRLF}`;
}

function sip(startLine, headers, body = '') {
  const all = [...headers, `Content-Length: ${Buffer.byteLength(body)}`];
  return Buffer.from(`${startLine}${CRLF}${all.join(CRLF)}${CRLF}${CRLF}${body}`);
}

/** The scenario: facts it produces are listed in samples/README.md and asserted by tests. */
function chatScenario() {
  const clock = new Clock(1795600000); // 2026-11-25T...Z, fixed
  const cap = new Capture(clock);
  const alice = { ip: '192.0.2.10', port: 49733 };
  const bob = { ip: '198.51.100.20', port: 2855 };
  const aliceSip = { ip: '192.0.2.10', port: 5060 }, bobSip = { ip: '198.51.100.20', port: 5060 };
  const aliceUri = 'msrp://192.0.2.10:2855/a1iceS3ss;tcp';
  const bobUri = 'msrp://198.51.100.20:2855/b0bS3ssi0n;tcp';
  const file = Buffer.alloc(10000);
  for (let i = 0; i < file.length; i++) file[i] = (i * 31 + 7) & 0xff;
  const fileSha1 = createHash('sha1').update(file).digest('hex').toUpperCase().match(/../g).join(':');
  const callId = 'c7f3a9e2@192.0.2.10';
  const udp = (from, to, payload, step = 2) => cap.add('udp', { src: from.ip, dst: to.ip, srcPort: from.port, dstPort: to.port, payload }, step);

  const offer = ['v=0', 'o=alice 2890844526 2890844526 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0',
    'm=message 2855 TCP/MSRP *', 'a=accept-types:text/plain message/cpim application/octet-stream',
    'a=accept-wrapped-types:*', `a=path:${aliceUri}`, 'a=setup:active', 'a=sendrecv',
    `a=file-selector:name:"photo.bin" type:application/octet-stream size:${file.length} hash:sha-1:${fileSha1}`, ''].join(CRLF);
  const answer = ['v=0', 'o=bob 2808844564 2808844564 IN IP4 198.51.100.20', 's=-', 'c=IN IP4 198.51.100.20', 't=0 0',
    'm=message 2855 TCP/MSRP *', 'a=accept-types:text/plain message/cpim application/octet-stream',
    'a=accept-wrapped-types:*', `a=path:${bobUri}`, 'a=setup:passive', 'a=sendrecv', ''].join(CRLF);
  const dialogHeaders = (cseq, method, toTag) => [
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds' + cseq, 'Max-Forwards: 70',
    'From: "Alice" <sip:alice@example.com>;tag=1928301774', `To: <sip:bob@example.net>${toTag ? ';tag=a6c85cf' : ''}`,
    `Call-ID: ${callId}`, `CSeq: ${cseq} ${method}`];
  udp(aliceSip, bobSip, sip('INVITE sip:bob@example.net SIP/2.0', [...dialogHeaders(1, 'INVITE', false),
    'Contact: <sip:alice@192.0.2.10:5060>', 'Content-Type: application/sdp'], offer), 0);
  udp(bobSip, aliceSip, sip('SIP/2.0 180 Ringing', dialogHeaders(1, 'INVITE', true)), 20);
  udp(bobSip, aliceSip, sip('SIP/2.0 200 OK', [...dialogHeaders(1, 'INVITE', true),
    'Contact: <sip:bob@198.51.100.20:5060>', 'Content-Type: application/sdp'], answer), 900);
  udp(aliceSip, bobSip, sip('ACK sip:bob@198.51.100.20:5060 SIP/2.0', dialogHeaders(1, 'ACK', true)), 5);

  const tcp = new Tcp(cap, alice, bob, 0xfffff000, 0x12345678); // alice's ISN wraps around 2^32 during the file
  tcp.handshake();
  const paths = (from) => from === 'a' ? [`To-Path: ${bobUri}`, `From-Path: ${aliceUri}`] : [`To-Path: ${aliceUri}`, `From-Path: ${bobUri}`];
  // 1. text message with a success report, answered by 200 and REPORT sent in one segment
  const hello = 'Hello Bob! Are you there?';
  tcp.send('a', msrpRequest('t1a9b3c4', 'SEND', [...paths('a'), 'Message-ID: m-hello-0001', 'Success-Report: yes',
    `Byte-Range: 1-${hello.length}/${hello.length}`, 'Content-Type: text/plain'], hello), 3000);
  tcp.send('b', Buffer.concat([Buffer.from(msrpResponse('t1a9b3c4', 200, 'OK', aliceUri, bobUri)),
    msrpRequest('r7k2m9p1', 'REPORT', [...paths('b'), 'Message-ID: m-hello-0001', `Byte-Range: 1-${hello.length}/${hello.length}`,
      'Status: 000 200 OK'])]), 12);
  // 2. bob answers in UTF-8
  const reply = 'Hi Alice — yes, here. Send the photo?';
  tcp.send('b', msrpRequest('b2x8y7z6', 'SEND', [...paths('b'), 'Message-ID: m-reply-0002',
    `Byte-Range: 1-${Buffer.byteLength(reply)}/${Buffer.byteLength(reply)}`, 'Content-Type: text/plain;charset=UTF-8'], reply), 2500);
  tcp.send('a', msrpResponse('b2x8y7z6', 200, 'OK', bobUri, aliceUri), 10);
  // 3. CPIM with an IMDN request; the body holds a line of dashes with another transaction id
  const cpim = ['From: <sip:alice@example.com>', 'To: <sip:bob@example.net>', 'DateTime: 2026-11-25T10:00:05Z',
    'NS: imdn <urn:ietf:params:imdn>', 'imdn.Message-ID: Xk29dLq', 'imdn.Disposition-Notification: positive-delivery', '',
    'Content-Type: text/plain', '', 'Sending now:', '-------notours$', 'ok'].join(CRLF);
  tcp.send('a', msrpRequest('c3p1m0a5', 'SEND', [...paths('a'), 'Message-ID: m-cpim-0003',
    `Byte-Range: 1-${Buffer.byteLength(cpim)}/${Buffer.byteLength(cpim)}`, 'Content-Type: message/cpim'], cpim), 1500, [60]);
  tcp.send('b', msrpResponse('c3p1m0a5', 200, 'OK', aliceUri, bobUri), 9);
  // 4. a 10000-byte file in three chunks; chunk boundaries do not match segment boundaries
  const chunks = [[0, 4096], [4096, 8192], [8192, 10000]];
  chunks.forEach(([s, e], i) => {
    const txid = `f${i}l3chunk${i}`;
    const last = i === chunks.length - 1;
    const range = `Byte-Range: ${s + 1}-${e}/${last ? file.length : '*'}`;
    tcp.send('a', msrpChunk(txid, [...paths('a'), 'Message-ID: m-file-0004', 'Success-Report: yes', range,
      'Content-Disposition: attachment; filename="photo.bin"', 'Content-Type: application/octet-stream'],
    file.subarray(s, e), last ? '$' : '+'), i === 0 ? 2000 : 4, [100]);
    tcp.send('b', msrpResponse(txid, 200, 'OK', aliceUri, bobUri), 6);
  });
  tcp.send('b', msrpRequest('r9f1l3ok', 'REPORT', [...paths('b'), 'Message-ID: m-file-0004',
    `Byte-Range: 1-${file.length}/${file.length}`, 'Status: 000 200 OK']), 15);
  tcp.close();
  udp(bobSip, aliceSip, sip('BYE sip:alice@192.0.2.10:5060 SIP/2.0', ['Via: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bKnashds8',
    'Max-Forwards: 70', 'From: <sip:bob@example.net>;tag=a6c85cf', 'To: "Alice" <sip:alice@example.com>;tag=1928301774',
    `Call-ID: ${callId}`, 'CSeq: 1 BYE']), 800);
  udp(aliceSip, bobSip, sip('SIP/2.0 200 OK', ['Via: SIP/2.0/UDP 198.51.100.20:5060;branch=z9hG4bKnashds8',
    'From: <sip:bob@example.net>;tag=a6c85cf', 'To: "Alice" <sip:alice@example.com>;tag=1928301774',
    `Call-ID: ${callId}`, 'CSeq: 1 BYE']), 4);
  return cap;
}

mkdirSync(OUT, { recursive: true });
const cap = chatScenario();
const files = {
  'chat.pcap': writePcap(cap.render('ether'), { linkType: linkTypeOf('ether') }),
  'chat.pcapng': writePcapng(cap.render('ether'), { interfaces: [{ linkType: linkTypeOf('ether'), tsresol: 9, name: 'eth0' }] }),
  'chat-sll2.pcap': writePcap(cap.render('sll2'), { linkType: linkTypeOf('sll2'), nanosecond: true }),
};
for (const [name, buf] of Object.entries(files)) {
  writeFileSync(join(OUT, name), buf);
  process.stdout.write(`samples/${name}: ${cap.packets.length} packets, ${buf.length} bytes\n`);
}
