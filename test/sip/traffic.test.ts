import { describe, expect, it } from 'vitest';
import type { Segment } from '../../src/net/types.js';
import type { SipMessage } from '../../src/sip/message.js';
import { SipTraffic } from '../../src/sip/traffic.js';
import type { DirStats, TcpConnection } from '../../src/tcp/types.js';
import { collectDiagnostics, frame, inviteHeaders, sip, SDP_OFFER } from './helpers.js';

function dirStats(): DirStats {
  return { packets: 0, bytes: 0, delivered: 0, retransmissions: 0, outOfOrder: 0, gaps: 0, missingBytes: 0 };
}

function conn(id: number, clientPort: number, serverPort: number, transport?: 'tls' | 'websocket'): TcpConnection {
  return {
    id,
    client: { address: '127.0.0.1', port: clientPort },
    server: { address: '127.0.0.1', port: serverPort },
    sawSyn: true,
    first: frame(1),
    last: frame(1),
    stats: [dirStats(), dirStats()],
    ended: undefined,
    transport,
  };
}

const INVITE = sip('INVITE sip:bob@h;transport=tcp SIP/2.0', [...inviteHeaders('t@h'), ['Content-Type', 'application/sdp']], SDP_OFFER);
const RINGING = sip('SIP/2.0 180 Ringing', inviteHeaders('t@h', 1, 'INVITE', 'b'));

describe('SipTraffic', () => {
  it('recognises a SIP connection by content on any port and parses both directions', () => {
    const got: SipMessage[] = [];
    const t = new SipTraffic((m) => got.push(m));
    const c = conn(3, 40000, 7000);
    t.open(c);
    t.data(c, 0, Buffer.from(INVITE), frame(2));
    t.data(c, 1, Buffer.from(RINGING), frame(3));
    t.close(c, 'fin');
    expect(got.map((m) => [m.method ?? m.status, m.connection, m.src.port, m.dst.port])).toEqual([
      ['INVITE', 3, 40000, 7000],
      [180, 3, 7000, 40000],
    ]);
    expect(t.stats.tcpConnections).toBe(1);
  });

  it('holds a first segment that ends inside the start-line until the line is complete', () => {
    const got: SipMessage[] = [];
    const t = new SipTraffic((m) => got.push(m));
    const c = conn(0, 40000, 7000);
    const b = Buffer.from(INVITE);
    t.data(c, 0, b.subarray(0, 6), frame(1));
    t.data(c, 0, b.subarray(6, 30), frame(2));
    expect(got).toEqual([]);
    t.data(c, 0, b.subarray(30), frame(3));
    expect(t.isSipConnection(0)).toBe(true);
    t.end();
    expect(got.map((m) => [m.method, m.firstFrame.frame, m.lastFrame.frame])).toEqual([['INVITE', 1, 3]]);
  });

  it('ignores MSRP and WebSocket connections', () => {
    const got: SipMessage[] = [];
    const t = new SipTraffic((m) => got.push(m));
    const msrp = conn(0, 40000, 2855);
    t.data(msrp, 0, Buffer.from('MSRP a1 SEND\r\nTo-Path: msrp://h:1/a;tcp\r\n'), frame(1));
    t.data(msrp, 0, Buffer.from(INVITE), frame(2)); // decided already: not SIP
    const ws = conn(1, 40001, 5061, 'websocket');
    t.data(ws, 0, Buffer.from(INVITE), frame(3));
    // Asked before end(), which forgets every connection.
    expect(t.isSipConnection(0)).toBe(false);
    expect(t.isSipConnection(1)).toBe(false);
    t.end();
    expect(got).toEqual([]);
    expect(t.stats.tcpConnections).toBe(0);
  });

  it('parses a connection marked tls: only decrypted bytes reach it (the transport demux withholds encrypted ones)', () => {
    const got: SipMessage[] = [];
    const t = new SipTraffic((m) => got.push(m));
    const tls = conn(1, 40001, 5061, 'tls');
    t.open(tls);
    t.data(tls, 0, Buffer.from(INVITE), frame(3));
    t.data(tls, 1, Buffer.from(RINGING), frame(4));
    expect(t.isSipConnection(1)).toBe(true);
    t.close(tls, 'fin');
    expect(got.map((m) => [m.method ?? m.status, m.connection, m.src.port, m.dst.port])).toEqual([
      ['INVITE', 1, 40001, 5061],
      [180, 1, 5061, 40001],
    ]);
    expect(t.stats.tcpConnections).toBe(1);
  });

  it('parses a connection on port 5060 that starts mid-message, resynchronising', () => {
    const got: SipMessage[] = [];
    const d = collectDiagnostics();
    const t = new SipTraffic((m) => got.push(m), { onDiagnostic: d.sink });
    const c = conn(2, 40000, 5060);
    t.data(c, 0, Buffer.from(INVITE).subarray(100), frame(1));
    t.data(c, 0, Buffer.from(RINGING), frame(2));
    t.gap(c, 0, 10, frame(3));
    t.close(c, 'rst');
    expect(got.map((m) => m.status)).toEqual([180]);
    expect(d.codes()).toEqual(['sip-garbage-skipped']);
  });

  it('parses SIP datagrams and ignores other UDP', () => {
    const got: SipMessage[] = [];
    const t = new SipTraffic((m) => got.push(m));
    const seg = (payload: Buffer): Segment => ({
      frame: 9, tsSec: 1, tsNsec: 2, interfaceId: 0, proto: 'udp', ipVersion: 4, src: '127.0.0.1', dst: '127.0.0.2', srcPort: 5072, dstPort: 5060,
      seq: 0, ack: 0, flags: 0, window: 0, payload,
    });
    expect(t.udp(seg(Buffer.from('\x80\x00\x01\x02rtp')))).toBeUndefined();
    expect(t.udp(seg(Buffer.from(INVITE)))?.method).toBe('INVITE');
    expect(got.map((m) => [m.transport, m.firstFrame.frame, m.dst.address])).toEqual([['udp', 9, '127.0.0.2']]);
    expect(t.stats.udpMessages).toBe(1);
  });
});
