import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dir, TcpConnection } from '../../src/tcp/types.js';
import { TransportDemux } from '../../src/transport/demux.js';
import { TRANSPORT_CODES } from '../../src/transport/codes.js';
import type { TlsFacts, WebSocketFacts } from '../../src/transport/types.js';
import { WS_BINARY, WS_CLOSE, WS_CONTINUATION, WS_PING, WS_PONG, WS_TEXT } from '../../src/transport/websocket.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import { conn, cut, RecordingSink, ref, SWITCH, UPGRADE, wsFrame } from './helpers.js';

type Step = { dir: Dir; data: Buffer | string } | { dir: Dir; gap: number };

interface Out {
  sink: RecordingSink;
  demux: TransportDemux;
  diags: Diagnostic[];
  c: TcpConnection;
  /** The connection's WebSocket facts from demux.facts (fails the test when there are none). */
  ws: () => WebSocketFacts;
  /** The connection's TLS facts from demux.facts (fails the test when there are none). */
  tls: () => TlsFacts;
}

function factsOf(demux: TransportDemux, c: TcpConnection): { ws: () => WebSocketFacts; tls: () => TlsFacts } {
  return {
    ws: () => {
      const f = demux.facts.get(c.id)?.websocket;
      expect(f, `WebSocket facts of connection ${c.id}`).toBeTruthy();
      return f!;
    },
    tls: () => {
      const f = demux.facts.get(c.id)?.tls;
      expect(f, `TLS facts of connection ${c.id}`).toBeTruthy();
      return f!;
    },
  };
}

function drive(steps: Step[], opts: { sawSyn?: boolean; demuxOpts?: ConstructorParameters<typeof TransportDemux>[1] } = {}): Out {
  const sink = new RecordingSink();
  const diags: Diagnostic[] = [];
  const demux = new TransportDemux(sink, { onDiagnostic: (d) => diags.push(d), ...opts.demuxOpts });
  const c = conn(0, opts.sawSyn ?? true);
  demux.open(c);
  steps.forEach((s, i) => {
    const at = ref(i + 1);
    c.last = at;
    if ('gap' in s) demux.gap(c, s.dir, s.gap, at);
    else demux.data(c, s.dir, typeof s.data === 'string' ? Buffer.from(s.data, 'latin1') : s.data, at);
  });
  demux.close(c, 'fin');
  return { sink, demux, diags, c, ...factsOf(demux, c) };
}

const KEY = Buffer.from([0x11, 0x22, 0x33, 0x44]);

function msrp(txid: string, method = 'SEND', body = 'hi'): string {
  return `MSRP ${txid} ${method}\r\nTo-Path: msrp://b:2855/y;ws\r\nFrom-Path: msrp://a.invalid:2855/x;ws\r\nMessage-ID: m\r\nContent-Type: text/plain\r\n\r\n${body}\r\n-------${txid}$\r\n`;
}
function ok(txid: string): string {
  return `MSRP ${txid} 200 OK\r\nTo-Path: msrp://a.invalid:2855/x;ws\r\nFrom-Path: msrp://b:2855/y;ws\r\n-------${txid}$\r\n`;
}

describe('TransportDemux: plain connections', () => {
  it('passes every call through unchanged: same buffers, same frames, same order', () => {
    const sink = new RecordingSink();
    const demux = new TransportDemux(sink);
    const c = conn();
    const a = Buffer.from(msrp('t1'));
    const b = Buffer.from(ok('t1'));
    const from1 = ref(1);
    const from2 = ref(2);
    demux.open(c);
    demux.data(c, 0, a, from1);
    demux.data(c, 1, b, from2);
    demux.gap(c, 0, 17, ref(3));
    demux.close(c, 'rst');
    expect(sink.calls).toHaveLength(5);
    expect(sink.calls[0]).toEqual({ kind: 'open', conn: 0 });
    const d1 = sink.calls[1]!;
    const d2 = sink.calls[2]!;
    expect(d1.kind === 'data' && d1.bytes === a && d1.from === from1 && d1.dir === 0).toBe(true);
    expect(d2.kind === 'data' && d2.bytes === b && d2.from === from2 && d2.dir === 1).toBe(true);
    expect(sink.calls[3]).toEqual({ kind: 'gap', conn: 0, dir: 0, length: 17, at: ref(3) });
    expect(sink.calls[4]).toEqual({ kind: 'close', conn: 0, reason: 'rst' });
    expect(c.transport).toBeUndefined();
    expect(demux.facts.get(c.id)).toBeUndefined();
    expect([...demux.facts.entries()]).toEqual([]);
    expect(demux.stats).toEqual({ websocket: 0, tls: 0, wsFrames: 0, brokenWs: 0, tlsRecords: 0, tlsDecrypted: 0, tlsRecordsDecrypted: 0, wsPayloadBytes: 0 });
  });

  it('an HTTP GET that is not an upgrade is replayed as the same calls', () => {
    const steps: Step[] = [
      { dir: 0, data: 'GE' },
      { dir: 0, data: 'T /index.html HTTP/1.1\r\nHost: x\r\n' },
      { dir: 0, data: '\r\n' },
      { dir: 1, data: 'HTTP/1.1 200 OK\r\n\r\nbody' },
    ];
    const { sink, diags, c } = drive(steps);
    const data = sink.calls.filter((x) => x.kind === 'data');
    expect(data.map((x) => (x.kind === 'data' ? [x.dir, x.bytes.toString(), x.from.frame] : []))).toEqual(
      steps.map((s, i) => ['data' in s ? s.dir : -1, 'data' in s ? s.data : '', i + 1]),
    );
    expect(diags).toEqual([]);
    expect(c.transport).toBeUndefined();
  });

  it('a first byte that is neither G nor a TLS record type decides at once (no copy)', () => {
    const sink = new RecordingSink();
    const demux = new TransportDemux(sink);
    const c = conn();
    const one = Buffer.from('M');
    demux.open(c);
    demux.data(c, 0, one, ref(1));
    const call = sink.calls[1]!;
    expect(call.kind === 'data' && call.bytes === one).toBe(true);
  });
});

describe('TransportDemux: WebSocket', () => {
  const clientFrames = [
    wsFrame({ opcode: WS_TEXT, payload: msrp('aaaa1'), mask: KEY }),
    // An MSRP SEND in 3 fragments with a ping between them.
    wsFrame({ opcode: WS_BINARY, fin: false, payload: msrp('bbbb2', 'SEND', 'x'.repeat(300)).slice(0, 100), mask: KEY }),
    wsFrame({ opcode: WS_PING, payload: 'p', mask: KEY }),
    wsFrame({ opcode: WS_CONTINUATION, fin: false, payload: msrp('bbbb2', 'SEND', 'x'.repeat(300)).slice(100, 200), mask: KEY }),
    wsFrame({ opcode: WS_CONTINUATION, payload: msrp('bbbb2', 'SEND', 'x'.repeat(300)).slice(200), mask: KEY }),
    wsFrame({ opcode: WS_CLOSE, payload: Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from('done')]), mask: KEY }),
  ];
  const serverFrames = [
    wsFrame({ opcode: WS_TEXT, payload: ok('aaaa1') }),
    wsFrame({ opcode: WS_PONG, payload: 'p' }),
    wsFrame({ opcode: WS_TEXT, payload: ok('bbbb2') }),
    wsFrame({ opcode: WS_CLOSE, payload: Buffer.from([0x03, 0xe8]) }),
  ];
  const clientStream = Buffer.concat([Buffer.from(UPGRADE), ...clientFrames]);
  const serverStream = Buffer.concat([Buffer.from(SWITCH), ...serverFrames]);
  const expectedC2S = msrp('aaaa1') + msrp('bbbb2', 'SEND', 'x'.repeat(300));
  const expectedS2C = ok('aaaa1') + ok('bbbb2');

  /** Client request, server 101 (+ frames), then the client's frames, then the rest, each cut anywhere. */
  function steps(cc: number[], sc: number[]): Step[] {
    const reqEnd = UPGRADE.length;
    const c1 = cut(clientStream.subarray(0, reqEnd), cc.filter((x) => x < reqEnd));
    const c2 = cut(clientStream.subarray(reqEnd), cc.filter((x) => x >= reqEnd).map((x) => x - reqEnd));
    const s = cut(serverStream, sc);
    const out: Step[] = c1.map((data) => ({ dir: 0 as Dir, data }));
    // Server pieces and the client's frames interleaved.
    for (let i = 0; i < Math.max(s.length, c2.length); i++) {
      if (s[i]) out.push({ dir: 1, data: s[i]! });
      if (c2[i]) out.push({ dir: 0, data: c2[i]! });
    }
    return out;
  }

  it('consumes the handshake, deframes both directions, keeps the facts', () => {
    const { sink, demux, diags, c } = drive(steps([], []));
    expect(c.transport).toBe('websocket');
    expect(sink.stream(0).toString('latin1')).toBe(expectedC2S);
    expect(sink.stream(1).toString('latin1')).toBe(expectedS2C);
    // Every data call happened after the transport was set.
    expect(sink.calls.every((x) => x.kind !== 'data' || x.transport === 'websocket')).toBe(true);
    expect(diags).toEqual([]);
    const f = demux.facts.get(c.id)?.websocket as WebSocketFacts;
    expect(demux.facts.get(0)?.tls).toBeNull();
    expect(f).toMatchObject({
      kind: 'websocket',
      clientDir: 0,
      upgraded: true,
      status: 101,
      path: '/msrp',
      host: 'relay.example.net:8088',
      offeredProtocols: ['msrp'],
      protocol: 'msrp',
      extensions: null,
      acceptValid: true,
    });
    expect(f.dirs[0]).toEqual({
      frames: 6,
      byOpcode: { continuation: 2, text: 1, binary: 1, close: 1, ping: 1, pong: 0 },
      masked: 6,
      payloadBytes: expectedC2S.length,
      messages: 2,
      fragmentedMessages: 1,
      unfinishedMessage: false,
      close: { code: 1000, reason: 'done' },
      msrpWhole: 2,
      msrpSplit: 0,
      msrpMultiple: 0,
      broken: false,
      brokenReason: null,
    });
    expect(f.dirs[1]).toMatchObject({ frames: 4, masked: 0, messages: 2, close: { code: 1000, reason: '' }, byOpcode: { text: 2, pong: 1, close: 1 } });
    expect(demux.stats).toEqual({
      websocket: 1,
      tls: 0,
      wsFrames: 10,
      brokenWs: 0,
      tlsRecords: 0,
      tlsDecrypted: 0,
      tlsRecordsDecrypted: 0,
      wsPayloadBytes: expectedC2S.length + expectedS2C.length,
    });
  });

  it('property: any split of both streams gives the same output, facts and diagnostics', () => {
    const whole = drive(steps([], []));
    const summary = (o: Out) => ({
      s0: o.sink.stream(0).toString('hex'),
      s1: o.sink.stream(1).toString('hex'),
      facts: { ...(o.demux.facts.get(o.c.id)?.websocket as WebSocketFacts), requestFrame: 0, responseFrame: 0 },
      diags: o.diags.map((d) => [d.code, d.detail, d.offset]),
    });
    const expected = summary(whole);
    fc.assert(
      fc.property(fc.array(fc.nat(clientStream.length), { maxLength: 12 }), fc.array(fc.nat(serverStream.length), { maxLength: 8 }), (cc, sc) => {
        const o = drive(steps(cc, sc));
        expect(summary(o)).toEqual(expected);
        // Payload pieces never span two input frames: each output call's frame carried those bytes.
        expect(o.sink.calls.every((x) => x.kind !== 'data' || x.from.frame >= 1)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('data calls carry the frame of the bytes they hold', () => {
    // The client's first frame split over frames 3 and 4: its payload comes out in two calls with those frames.
    const f0 = clientFrames[0]!;
    const { sink } = drive([
      { dir: 0, data: UPGRADE },
      { dir: 1, data: SWITCH },
      { dir: 0, data: f0.subarray(0, 40) },
      { dir: 0, data: f0.subarray(40) },
    ]);
    const calls = sink.calls.filter((x) => x.kind === 'data');
    expect(calls.map((x) => (x.kind === 'data' ? [x.from.frame, x.bytes.length] : []))).toEqual([
      [3, 40 - 8],
      [4, msrp('aaaa1').length - 32],
    ]);
  });

  it('unmasked client frames and masked server frames are diagnosed once, still passed on', () => {
    const { sink, diags, ws } = drive([
      { dir: 0, data: UPGRADE },
      { dir: 1, data: SWITCH },
      { dir: 0, data: Buffer.concat([wsFrame({ opcode: WS_TEXT, payload: msrp('t1') }), wsFrame({ opcode: WS_TEXT, payload: msrp('t2') })]) },
      { dir: 1, data: wsFrame({ opcode: WS_TEXT, payload: ok('t1'), mask: KEY }) },
    ]);
    expect(diags.map((d) => [d.code, d.severity, d.frame, d.offset, d.detail])).toEqual([
      ['ws-unmasked-client-frame', 'warning', 3, UPGRADE.length, 'client->server: unmasked text frame from the client'],
      ['ws-masked-server-frame', 'warning', 4, SWITCH.length, 'server->client: masked text frame from the server'],
    ]);
    expect(sink.stream(0).toString()).toBe(msrp('t1') + msrp('t2'));
    expect(sink.stream(1).toString()).toBe(ok('t1'));
    expect(ws().dirs.map((d) => d.masked)).toEqual([0, 1]);
  });

  it('RFC 7977 checks: an MSRP message split over WS messages, and several in one', () => {
    const m = msrp('split1', 'SEND', 'y'.repeat(50));
    const { diags, sink, ws } = drive([
      { dir: 0, data: UPGRADE },
      { dir: 1, data: SWITCH },
      {
        dir: 0,
        data: Buffer.concat([
          wsFrame({ opcode: WS_TEXT, payload: m.slice(0, 60), mask: KEY }),
          wsFrame({ opcode: WS_TEXT, payload: m.slice(60), mask: KEY }),
          wsFrame({ opcode: WS_TEXT, payload: msrp('two1') + msrp('two2'), mask: KEY }),
        ]),
      },
    ]);
    expect(diags.map((d) => [d.code, d.severity, d.detail])).toEqual([
      ['ws-msrp-split', 'note', 'client->server: MSRP message split1 continues after the end of its WebSocket message'],
      ['ws-msrp-multiple', 'note', 'client->server: WebSocket message holds more bytes after MSRP message two1'],
    ]);
    expect(ws().dirs[0]).toMatchObject({ messages: 3, msrpWhole: 0, msrpSplit: 1, msrpMultiple: 1 });
    expect(sink.stream(0).toString()).toBe(m + msrp('two1') + msrp('two2'));
  });

  it('repeating notes are capped per connection, the facts keep counting', () => {
    const frames: Buffer[] = [];
    for (let i = 0; i < 5; i++) frames.push(wsFrame({ opcode: WS_TEXT, payload: msrp(`tx${i}xx`).slice(0, 30), mask: KEY }));
    const { diags, ws } = drive([{ dir: 0, data: UPGRADE }, { dir: 1, data: SWITCH }, { dir: 0, data: Buffer.concat(frames) }], {
      demuxOpts: { diagnosticsPerConnection: 2 },
    });
    expect(diags.map((d) => d.code)).toEqual(['ws-msrp-split', 'ws-msrp-split']);
    expect(diags[1]!.detail).toContain('(further ones on this connection are only counted in its facts)');
    expect(ws().dirs[0].msrpSplit).toBe(5);
  });

  it('a protocol error breaks one direction: diagnosed, counted, nothing more passed on', () => {
    const { sink, diags, demux, ws } = drive([
      { dir: 0, data: UPGRADE },
      { dir: 1, data: SWITCH },
      { dir: 0, data: Buffer.concat([wsFrame({ opcode: WS_TEXT, payload: msrp('t1'), mask: KEY }), wsFrame({ opcode: 0xb, mask: KEY })]) },
      { dir: 0, data: wsFrame({ opcode: WS_TEXT, payload: msrp('t2'), mask: KEY }) },
      { dir: 1, data: wsFrame({ opcode: WS_TEXT, payload: ok('t1') }) },
    ]);
    expect(diags.map((d) => [d.code, d.severity, d.frame, d.offset, d.detail])).toEqual([
      ['ws-protocol-error', 'error', 3, UPGRADE.length + wsFrame({ opcode: WS_TEXT, payload: msrp('t1'), mask: KEY }).length, 'client->server: reserved opcode 0xb'],
    ]);
    expect(sink.stream(0).toString()).toBe(msrp('t1'));
    expect(sink.stream(1).toString()).toBe(ok('t1'));
    expect(demux.stats.brokenWs).toBe(1);
    expect(ws().dirs[0]).toMatchObject({ broken: true, brokenReason: 'reserved opcode 0xb' });
  });

  it('a TCP gap breaks the direction and is passed on', () => {
    const f = wsFrame({ opcode: WS_TEXT, payload: msrp('t1'), mask: KEY });
    const { sink, diags, demux } = drive([
      { dir: 0, data: UPGRADE },
      { dir: 1, data: SWITCH },
      { dir: 0, data: f.subarray(0, 30) },
      { dir: 0, gap: 20 },
      { dir: 0, data: f.subarray(50) },
      { dir: 1, gap: 5 },
    ]);
    expect(diags.map((d) => [d.code, d.frame, d.offset])).toEqual([
      ['ws-gap', 4, UPGRADE.length + 30],
      ['ws-gap', 6, SWITCH.length],
    ]);
    expect(sink.calls.filter((x) => x.kind === 'gap').map((x) => (x.kind === 'gap' ? [x.dir, x.length] : []))).toEqual([
      [0, 20],
      [1, 5],
    ]);
    expect(sink.stream(0).length).toBe(30 - 8);
    expect(demux.stats.brokenWs).toBe(1);
  });

  it('a connection closing inside a fragmented message: unfinished, noted', () => {
    const { diags, ws } = drive([
      { dir: 0, data: UPGRADE },
      { dir: 1, data: SWITCH },
      { dir: 0, data: Buffer.concat([wsFrame({ opcode: WS_BINARY, fin: false, payload: 'MSRP abc SEND\r\n', mask: KEY }), wsFrame({ opcode: WS_CONTINUATION, fin: false, payload: 'To-Path', mask: KEY })]) },
    ]);
    const f = ws();
    expect(f.dirs.map((d) => [d.unfinishedMessage, d.fragmentedMessages, d.messages])).toEqual([
      [true, 1, 0],
      [false, 0, 0],
    ]);
    expect(diags.map((d) => [d.code, d.detail])).toEqual([['ws-unfinished-message', 'client->server: the connection closed inside a data message']]);
  });

  it('a refused upgrade is plain: all bytes replayed, noted, not counted as WebSocket', () => {
    const steps2: Step[] = [
      { dir: 0, data: UPGRADE },
      { dir: 1, data: 'HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n' },
    ];
    const { sink, diags, demux, c, ws } = drive(steps2);
    expect(sink.stream(0).toString()).toBe(UPGRADE);
    expect(sink.stream(1).toString()).toBe('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
    expect(diags.map((d) => [d.code, d.detail])).toEqual([['ws-upgrade-refused', 'upgrade request for /msrp answered with status 403']]);
    expect(c.transport).toBeUndefined();
    expect(demux.stats.websocket).toBe(0);
    expect(ws()).toMatchObject({ kind: 'websocket', upgraded: false, status: 403 });
    expect(demux.facts.get(c.id)?.tls).toBeNull();
  });

  it('an upgrade answered by something that is not HTTP is plain at once', () => {
    const { sink, diags, c } = drive([
      { dir: 0, data: UPGRADE },
      { dir: 1, data: 'MSRP' },
      { dir: 1, data: ' x 200 OK\r\n' },
    ]);
    expect(sink.stream(1).toString()).toBe('MSRP x 200 OK\r\n');
    expect(sink.calls.filter((x) => x.kind === 'data').map((x) => (x.kind === 'data' ? x.from.frame : 0))).toEqual([1, 2, 3]);
    expect(diags.map((d) => [d.code, d.frame, d.detail])).toEqual([
      ['ws-upgrade-refused', 2, 'upgrade request for /msrp answered with a response that is not HTTP/1.x'],
    ]);
    expect(c.transport).toBeUndefined();
  });

  it('an upgrade without a response before the close is replayed as plain', () => {
    const { sink, diags } = drive([{ dir: 0, data: UPGRADE }]);
    expect(sink.stream(0).toString()).toBe(UPGRADE);
    expect(diags.map((d) => d.code)).toEqual(['ws-handshake-incomplete']);
  });

  it('a wrong Sec-WebSocket-Accept is diagnosed, the connection still deframed', () => {
    const { diags, c, ws } = drive([
      { dir: 0, data: UPGRADE },
      { dir: 1, data: SWITCH.replace('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=') },
    ]);
    expect(diags.map((d) => d.code)).toEqual(['ws-bad-accept']);
    expect(c.transport).toBe('websocket');
    expect(ws().acceptValid).toBe(false);
  });

  it('with a negotiated extension, RSV1 frames are accepted but not passed on', () => {
    const { diags, sink } = drive([
      { dir: 0, data: UPGRADE },
      { dir: 1, data: SWITCH.replace('\r\n\r\n', '\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n') },
      { dir: 0, data: Buffer.concat([wsFrame({ opcode: WS_TEXT, rsv: 4, payload: 'compressed', mask: KEY }), wsFrame({ opcode: WS_TEXT, payload: msrp('t1'), mask: KEY })]) },
    ]);
    expect(diags.map((d) => d.code)).toEqual(['ws-compressed-payload']);
    expect(sink.stream(0).toString()).toBe(msrp('t1'));
  });

  it('frames in the same segment as the 101 and client frames sent before it are deframed', () => {
    const { sink } = drive([
      { dir: 0, data: Buffer.concat([Buffer.from(UPGRADE), wsFrame({ opcode: WS_TEXT, payload: msrp('early'), mask: KEY })]) },
      { dir: 1, data: Buffer.concat([Buffer.from(SWITCH), wsFrame({ opcode: WS_TEXT, payload: ok('early') })]) },
    ]);
    expect(sink.stream(0).toString()).toBe(msrp('early'));
    expect(sink.stream(1).toString()).toBe(ok('early'));
  });

  it('held bytes are bounded: an endless request head becomes plain', () => {
    const big = 'GET / HTTP/1.1\r\n' + 'X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'.repeat(300);
    const { sink, c } = drive([{ dir: 0, data: big.slice(0, 10000) }, { dir: 0, data: big.slice(10000) }]);
    expect(sink.stream(0).toString()).toBe(big);
    expect(c.transport).toBeUndefined();
  });
});

describe('TransportDemux: TLS', () => {
  // A minimal ClientHello: version, random, empty session id, one suite, null compression, no extensions.
  const body = Buffer.concat([Buffer.from('0303', 'hex'), Buffer.alloc(32, 7), Buffer.from('0000021301' + '0100', 'hex')]);
  const hs = Buffer.concat([Buffer.from([1, 0, 0, body.length]), body]);
  const hello = Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0, hs.length]), hs]);

  it('sets conn.transport before anything goes on, passes on only open and close', () => {
    const { sink, c, demux, diags, tls } = drive([
      { dir: 0, data: hello.subarray(0, 2) },
      { dir: 0, data: hello.subarray(2) },
      { dir: 1, data: Buffer.from('1703030005aabbccddee', 'hex') },
      { dir: 0, gap: 10 },
    ]);
    expect(c.transport).toBe('tls');
    expect(sink.calls.map((x) => x.kind)).toEqual(['open', 'close']);
    expect(demux.stats).toMatchObject({ tls: 1, tlsRecords: 2, tlsDecrypted: 0, tlsRecordsDecrypted: 0 });
    const f = tls();
    expect(f).toMatchObject({ kind: 'tls', handshakeSeen: true, offeredVersions: ['TLS 1.2'], clientRandom: '07'.repeat(32) });
    expect(f.decryption.state).toBe('no-keylog');
    expect(demux.facts.get(c.id)?.websocket).toBeNull();
    expect(f.dirs.map((d) => [d.records, d.bytes])).toEqual([
      [1, hello.length],
      [1, 10],
    ]);
    expect(diags.map((d) => d.code)).toEqual(['tls-gap', 'tls-encrypted']);
  });

  it('is the one TLS sniffer: sets conn.transport itself from the first bytes, even a byte at a time', () => {
    // TCP reassembly sets no hint any more (see test/tcp/reassembler.test.ts): the demux decides from the bytes.
    const sink = new RecordingSink();
    const demux = new TransportDemux(sink);
    const c = conn();
    demux.open(c);
    expect(c.transport).toBeUndefined();
    for (let i = 0; i < hello.length; i++) {
      demux.data(c, 0, hello.subarray(i, i + 1), ref(i + 1));
      // 16 03 01 is a handshake record header: TLS from the third byte on, nothing held is passed on.
      expect(c.transport, `after ${i + 1} bytes`).toBe(i < 2 ? undefined : 'tls');
    }
    demux.close(c, 'fin');
    expect(sink.calls.map((x) => x.kind)).toEqual(['open', 'close']);
    expect(demux.stats).toMatchObject({ tls: 1, tlsRecords: 1 });
    expect(factsOf(demux, c).tls()).toMatchObject({ handshakeSeen: true, clientRandom: '07'.repeat(32) });
  });

  it('mid-stream: an application_data record header decides TLS when no SYN was seen', () => {
    const rec = Buffer.from('1703030005aabbccddee', 'hex');
    const withSyn = drive([{ dir: 0, data: rec }]);
    expect(withSyn.c.transport).toBeUndefined();
    expect(withSyn.sink.stream(0).equals(rec)).toBe(true);
    const mid = drive([{ dir: 0, data: rec }], { sawSyn: false });
    expect(mid.c.transport).toBe('tls');
    expect(mid.diags.map((d) => d.code)).toEqual(['tls-midstream', 'tls-encrypted']);
    expect(mid.tls()).toMatchObject({ midStream: true, recordVersion: 'TLS 1.2' });
  });

  it('mid-stream: one direction starts inside a record, the other at a record header', () => {
    const { c, sink, diags, tls } = drive(
      [
        { dir: 0, data: Buffer.from('deadbeef0102', 'hex') },
        { dir: 1, data: Buffer.from('17', 'hex') },
        { dir: 1, data: Buffer.from('03030003aabbcc', 'hex') },
        { dir: 0, data: Buffer.from('0405', 'hex') },
      ],
      { sawSyn: false },
    );
    expect(c.transport).toBe('tls');
    // The first piece went on before the other direction showed TLS; nothing after.
    expect(sink.dataCalls()).toBe(1);
    const f = tls();
    expect(f.dirs.map((d) => [d.records, d.bytes, d.unframed])).toEqual([
      [0, 2, true],
      [1, 8, false],
    ]);
    expect(diags.map((d) => d.code)).toEqual(['tls-midstream', 'tls-encrypted']);
  });

  it('mid-stream plain MSRP stays plain (both directions)', () => {
    const { c, sink } = drive([{ dir: 0, data: msrp('t1') }, { dir: 1, data: ok('t1') }], { sawSyn: false });
    expect(c.transport).toBeUndefined();
    expect(sink.stream(0).toString()).toBe(msrp('t1'));
    expect(sink.stream(1).toString()).toBe(ok('t1'));
  });

  it('0x16 0x03 0x05 is not TLS', () => {
    const { c } = drive([{ dir: 0, data: Buffer.from('160305000100', 'hex') }]);
    expect(c.transport).toBeUndefined();
  });
});

describe('TransportDemux: robustness', () => {
  it('random streams on random connections never throw; plain ones come out byte-identical', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ dir: fc.constantFrom<Dir>(0, 1), bytes: fc.uint8Array({ maxLength: 200 }), gap: fc.nat(50), prefix: fc.constantFrom('', 'GET ', 'HTTP/1.1 101 x\r\n\r\n', '\x16\x03\x01', '\x17\x03\x03\x00\x10', '\x82') }),
          { maxLength: 12 },
        ),
        fc.boolean(),
        (pieces, sawSyn) => {
          const steps: Step[] = pieces.map((p) =>
            p.gap === 49 ? { dir: p.dir, gap: 3 } : { dir: p.dir, data: Buffer.concat([Buffer.from(p.prefix, 'latin1'), Buffer.from(p.bytes)]) },
          );
          const o = drive(steps, { sawSyn });
          if (o.c.transport === undefined) {
            for (const dir of [0, 1] as Dir[]) {
              const sent = Buffer.concat(steps.filter((s): s is { dir: Dir; data: Buffer } => 'data' in s && s.dir === dir).map((s) => s.data as Buffer));
              expect(o.sink.stream(dir).equals(sent)).toBe(true);
            }
          }
          const known = new Set(TRANSPORT_CODES.map((x) => x.code));
          expect(o.diags.every((d) => known.has(d.code) && d.connection === 0)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('every emitted code is in TRANSPORT_CODES with its severity', () => {
    const codes = new Map(TRANSPORT_CODES.map((c) => [c.code, c.severity]));
    expect(codes.size).toBe(TRANSPORT_CODES.length);
    expect(codes.get('ws-protocol-error')).toBe('error');
    expect(codes.get('ws-msrp-split')).toBe('note');
    expect(codes.get('ws-msrp-multiple')).toBe('note');
  });
});
