/**
 * Seed inputs of the fuzz targets: the seed captures themselves, the TCP conversations and UDP payloads they
 * carry (extracted with the analyzer's own reader, decoder and reassembler), and hand-written templates so
 * every target has seeds even without captures (WebSocket frames, CPIM, SDP, hostile header names).
 */
import { PacketDecoder } from '../net/decoder.js';
import { TcpReassembler } from '../tcp/reassembler.js';
import type { Dir, TcpConnection, TcpSink } from '../tcp/types.js';
import { readSeedCapture, type SeedCapture } from './capture-mutate.js';

/** One call on a TcpSink: data of a direction, or a gap of `gap` bytes. */
export interface ConvItem {
  dir: Dir;
  bytes: Buffer | undefined;
  gap: number;
}

export interface Conversation {
  /** What the first bytes look like: msrp, sip, websocket, tls or other. */
  kind: string;
  items: ConvItem[];
}

export interface SeedPool {
  captures: SeedCapture[];
  /** Raw capture files (for file-level mutation of the capture reader). */
  files: Array<{ name: string; bytes: Buffer }>;
  conversations: Conversation[];
  /** One direction's stream bytes, by kind. */
  streams: Map<string, Buffer[]>;
  /** UDP payloads. */
  datagrams: Buffer[];
}

/** Bytes kept per conversation (the fuzzer wants many small seeds, not big ones). */
const MAX_CONV_BYTES = 24 * 1024;
const MAX_CONVERSATIONS = 400;

function kindOf(b: Buffer): string {
  if (b.length === 0) return 'other';
  if (b[0] === 0x16 && b[1] === 0x03) return 'tls';
  const head = b.toString('latin1', 0, Math.min(b.length, 64));
  if (head.startsWith('GET ') || head.startsWith('HTTP/1.1 101')) return 'websocket';
  if (head.startsWith('MSRP ')) return 'msrp';
  if (/^[A-Z]+ [^ ]+ SIP\/2\.0\r?\n/.test(head) || head.startsWith('SIP/2.0 ')) return 'sip';
  return 'other';
}

/** Splits captures into conversations and datagrams. */
function extract(captures: SeedCapture[], pool: SeedPool): void {
  for (const cap of captures) {
    const convs = new Map<number, { conv: Conversation; bytes: number }>();
    const sink: TcpSink = {
      open(conn: TcpConnection) {
        convs.set(conn.id, { conv: { kind: '', items: [] }, bytes: 0 });
      },
      data(conn, dir, bytes) {
        const c = convs.get(conn.id);
        if (c === undefined || c.bytes >= MAX_CONV_BYTES) return;
        if (c.conv.kind === '') c.conv.kind = kindOf(bytes);
        c.conv.items.push({ dir, bytes: Buffer.from(bytes.subarray(0, MAX_CONV_BYTES - c.bytes)), gap: 0 });
        c.bytes += bytes.length;
      },
      gap(conn, dir, length) {
        convs.get(conn.id)?.conv.items.push({ dir, bytes: undefined, gap: length });
      },
      close() {},
    };
    const decoder = new PacketDecoder();
    const tcp = new TcpReassembler(sink);
    let frame = 0;
    for (const r of cap.records) {
      frame++;
      const seg = decoder.decode({
        frame,
        tsSec: r.tsSec,
        tsNsec: r.tsNsec,
        linkType: cap.linkTypes[r.interfaceId ?? 0] ?? 1,
        interfaceId: r.interfaceId ?? 0,
        data: r.data,
        originalLength: r.originalLength ?? r.data.length,
      });
      if (seg === undefined) continue;
      if (seg.proto === 'tcp') tcp.push(seg);
      else if (seg.payload.length > 0 && pool.datagrams.length < 2000) pool.datagrams.push(Buffer.from(seg.payload));
    }
    tcp.end();
    for (const { conv } of convs.values()) {
      if (conv.items.length === 0 || pool.conversations.length >= MAX_CONVERSATIONS) continue;
      if (conv.kind === '') conv.kind = 'other';
      pool.conversations.push(conv);
      for (const dir of [0, 1] as const) {
        const parts = conv.items.filter((i) => i.dir === dir && i.bytes !== undefined).map((i) => i.bytes!);
        if (parts.length === 0) continue;
        const s = Buffer.concat(parts);
        const kind = conv.kind === 'other' ? kindOf(s) : conv.kind;
        let list = pool.streams.get(kind);
        if (list === undefined) pool.streams.set(kind, (list = []));
        list.push(s);
      }
    }
  }
}

const CRLF = '\r\n';

/** Hand-written MSRP streams, including hostile header names and values. */
export const MSRP_TEMPLATES: readonly string[] = [
  [
    'MSRP a786hjs2 SEND', 'To-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp',
    'From-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp', 'Message-ID: 87652491', 'Byte-Range: 1-25/25',
    'Success-Report: yes', 'Content-Type: text/plain', '', 'Hey Bob, are you there?', '-------a786hjs2$', '',
  ].join(CRLF),
  [
    'MSRP a786hjs2 200 OK', 'To-Path: msrp://alicepc.example.com:7777/iau39soe2843z;tcp',
    'From-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp', '-------a786hjs2$', '',
  ].join(CRLF),
  [
    'MSRP dkei38sd SEND', 'To-Path: msrp://relay.example.com:2855/x;tcp msrp://bob.example.com:8888/9di;tcp',
    'From-Path: msrp://alice.example.com:7777/iau;tcp', 'Message-ID: 4564dpWd', 'Byte-Range: 1-*/8',
    'Content-Type: message/cpim', '', 'From: <im:alice@example.com>', 'To: <im:bob@example.com>',
    'NS: imdn <urn:ietf:params:imdn>', 'imdn.Message-ID: 34jk324j', 'DateTime: 2006-04-04T12:16:49-05:00', '',
    'Content-Type: text/plain', '', 'Hi', '-------dkei38sd+', '',
    'MSRP dkei38ia SEND', 'To-Path: msrp://bob.example.com:8888/9di;tcp', 'From-Path: msrp://alice.example.com:7777/iau;tcp',
    'Message-ID: 4564dpWd', 'Byte-Range: 9-*/*', 'Content-Type: message/cpim', '', 'more', '-------dkei38ia#', '',
  ].join(CRLF),
  [
    'MSRP 49fh AUTH', 'To-Path: msrps://relay.example.net;tcp', 'From-Path: msrps://alice.example.com:9892/98cjs;tcp',
    'Authorization: Digest username="alice", realm="x", nonce="y", uri="msrps://relay.example.net;tcp", response="z"',
    'Expires: 900', '-------49fh$', '',
    'MSRP 49fh 401 Unauthorized', 'To-Path: msrps://alice.example.com:9892/98cjs;tcp',
    'From-Path: msrps://relay.example.net;tcp', 'WWW-Authenticate: Digest realm="x", qop="auth", nonce="dcd98b"', '-------49fh$', '',
  ].join(CRLF),
  [
    'MSRP proto001 SEND', 'To-Path: msrp://h.example:2855/__proto__;tcp;__proto__=1;constructor=2',
    'From-Path: msrp://[2001:db8::1]:2855/prototype;ws', '__proto__: polluted', 'constructor: x', 'prototype: y',
    'Message-ID: __proto__', 'Byte-Range: 1-3/3', 'Content-Type: text/plain;__proto__=1;constructor=2',
    'Content-Disposition: attachment; filename="../../etc/passwd"', '', 'abc', '-------proto001$', '',
  ].join(CRLF),
  [
    'MSRP d93kswow REPORT', 'To-Path: msrp://alice.example.com:7777/iau39soe2843z;tcp',
    'From-Path: msrp://bob.example.com:8888/9di4eae923wzd;tcp', 'Message-ID: 12339sdqwer', 'Byte-Range: 1-106/106',
    'Status: 000 200 OK', '-------d93kswow$', '',
  ].join(CRLF),
  'MSRP lfonly1 SEND\nTo-Path: msrp://a:1/b;tcp\nFrom-Path: msrp://c:2/d;tcp\nMessage-ID: m1\n\nbody\n-------lfonly1$\n',
];

/** Hand-written SIP messages with SDP. */
export const SIP_TEMPLATES: readonly string[] = (() => {
  const sdp = [
    'v=0', 'o=alice 2890844526 2890844526 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0',
    'm=message 2855 TCP/MSRP *', 'a=accept-types:text/plain message/cpim', 'a=path:msrp://192.0.2.10:2855/a1ice;tcp',
    'a=setup:active', 'a=__proto__:1', 'a=constructor', 'a=prototype:x',
    'a=file-selector:name:"photo.bin" type:application/octet-stream size:10000 hash:sha-1:72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E',
    'a=file-range:1-*', '',
  ].join(CRLF);
  const invite = [
    'INVITE sip:bob@example.com SIP/2.0', 'Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK776asdhds',
    'Max-Forwards: 70', 'To: Bob <sip:bob@example.com>', 'From: Alice <sip:alice@example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.example.com', 'CSeq: 314159 INVITE', 'Contact: <sip:alice@192.0.2.10>',
    '__proto__: x', 'constructor: y', 'Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(sdp)}`, '', sdp,
  ].join(CRLF);
  const ok = [
    'SIP/2.0 200 OK', 'Via: SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK776asdhds', 'To: Bob <sip:bob@example.com>;tag=a6c85cf',
    'From: Alice <sip:alice@example.com>;tag=1928301774', 'Call-ID: a84b4c76e66710@pc33.example.com', 'CSeq: 314159 INVITE',
    'Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(sdp)}`, '', sdp,
  ].join(CRLF);
  const bye = [
    'BYE sip:alice@192.0.2.10 SIP/2.0', 'Via: SIP/2.0/TCP 192.0.2.20:5060;branch=z9hG4bKnashds7', 'To: Alice <sip:alice@example.com>;tag=1928301774',
    'From: Bob <sip:bob@example.com>;tag=a6c85cf', 'Call-ID: a84b4c76e66710@pc33.example.com', 'CSeq: 231 BYE', 'Content-Length: 0', '', '',
  ].join(CRLF);
  return [invite, ok, bye];
})();

/** CPIM bodies. */
export const CPIM_TEMPLATES: readonly string[] = [
  [
    'From: MR SANDERS <im:piglet@100akerwood.com>', 'To: Depressed Donkey <im:eeyore@100akerwood.com>',
    'DateTime: 2000-12-13T13:40:00-08:00', 'Subject: the weather will be fine today', 'NS: imdn <urn:ietf:params:imdn>',
    'imdn.Message-ID: 34jk324j', 'imdn.Disposition-Notification: positive-delivery, display', '',
    'Content-Type: text/plain', 'Content-ID: <1234567890@foo.com>', '', 'Here is the text of my message.',
  ].join(CRLF),
  ['__proto__: <im:x@y>', 'constructor.prototype: 1', 'NS: __proto__ <urn:ietf:params:imdn>', '__proto__.Message-ID: p', '', 'Content-Type: text/plain', '', 'x'].join(CRLF),
];

/** WebSocket conversation: upgrade, masked client frames with MSRP, an unmasked server frame, ping, close. */
export function websocketTemplate(): Conversation {
  const req = Buffer.from(
    [
      'GET /msrp HTTP/1.1', 'Host: ws.example.com', 'Upgrade: websocket', 'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Protocol: msrp', '', '',
    ].join(CRLF),
    'latin1',
  );
  const resp = Buffer.from(
    ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=', 'Sec-WebSocket-Protocol: msrp', '', ''].join(CRLF),
    'latin1',
  );
  const frame = (opcode: number, payload: Buffer, masked: boolean, fin = true): Buffer => {
    const head: number[] = [(fin ? 0x80 : 0) | opcode];
    const n = payload.length;
    if (n < 126) head.push((masked ? 0x80 : 0) | n);
    else head.push((masked ? 0x80 : 0) | 126, n >> 8, n & 0xff);
    const key = [0x37, 0xfa, 0x21, 0x3d];
    const body = Buffer.from(payload);
    if (masked) for (let i = 0; i < body.length; i++) body[i] = body[i]! ^ key[i & 3]!;
    return Buffer.concat([Buffer.from(head), masked ? Buffer.from(key) : Buffer.alloc(0), body]);
  };
  const msrp = Buffer.from(MSRP_TEMPLATES[0]!, 'latin1');
  const ok = Buffer.from(MSRP_TEMPLATES[1]!, 'latin1');
  return {
    kind: 'websocket',
    items: [
      { dir: 0, bytes: req, gap: 0 },
      { dir: 1, bytes: resp, gap: 0 },
      { dir: 0, bytes: frame(1, msrp.subarray(0, 60), true, false), gap: 0 },
      { dir: 0, bytes: frame(9, Buffer.from('ping'), true), gap: 0 },
      { dir: 0, bytes: frame(0, msrp.subarray(60), true), gap: 0 },
      { dir: 1, bytes: frame(2, ok, false), gap: 0 },
      { dir: 0, bytes: frame(8, Buffer.from([0x03, 0xe8]), true), gap: 0 },
    ],
  };
}

/** Builds the pool from capture files (any may be unreadable: it is skipped). */
export function buildSeedPool(files: Array<{ name: string; bytes: Buffer }>): SeedPool {
  const pool: SeedPool = { captures: [], files: [], conversations: [], streams: new Map(), datagrams: [] };
  for (const f of files) {
    const cap = readSeedCapture(f.name, f.bytes);
    if (cap === undefined) continue;
    pool.captures.push(cap);
    pool.files.push(f);
  }
  extract(pool.captures, pool);
  const add = (kind: string, s: string): void => {
    let list = pool.streams.get(kind);
    if (list === undefined) pool.streams.set(kind, (list = []));
    list.push(Buffer.from(s, 'latin1'));
  };
  for (const t of MSRP_TEMPLATES) add('msrp', t);
  for (const t of SIP_TEMPLATES) {
    add('sip', t);
    pool.datagrams.push(Buffer.from(t, 'latin1'));
  }
  for (const t of CPIM_TEMPLATES) add('cpim', t);
  const ws = websocketTemplate();
  pool.conversations.push(ws);
  add('ws-frames', Buffer.concat(ws.items.slice(2).map((i) => i.bytes!)).toString('latin1'));
  pool.conversations.push({
    kind: 'msrp',
    items: [
      { dir: 0, bytes: Buffer.from(MSRP_TEMPLATES[0]!, 'latin1'), gap: 0 },
      { dir: 1, bytes: Buffer.from(MSRP_TEMPLATES[1]!, 'latin1'), gap: 0 },
    ],
  });
  return pool;
}

/** Stream seeds of a kind (falling back to every stream when there are none). */
export function streamsOf(pool: SeedPool, ...kinds: string[]): Buffer[] {
  const out: Buffer[] = [];
  for (const k of kinds) out.push(...(pool.streams.get(k) ?? []));
  if (out.length > 0) return out;
  for (const l of pool.streams.values()) out.push(...l);
  return out;
}
