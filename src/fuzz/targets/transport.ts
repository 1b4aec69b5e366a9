/**
 * Transport and stream taps: damaged TCP conversations (plain MSRP, SIP, WebSocket upgrades, TLS) through
 * TransportDemux into MsrpTap and SipTraffic, as the pipeline wires them; and the WebSocket deframer alone
 * (whole vs random pieces).
 */
import type { FrameRef } from '../../capture/types.js';
import { MsrpTap } from '../../msrp/tap.js';
import { SipTraffic } from '../../sip/traffic.js';
import type { Dir, TcpConnection, TcpSink } from '../../tcp/types.js';
import { TransportDemux } from '../../transport/demux.js';
import { WsDeframer } from '../../transport/websocket.js';
import { Checker } from '../check.js';
import { mutate, randomSplit } from '../mutate.js';
import { DataProvider, DataWriter } from '../provider.js';
import type { Rng } from '../rng.js';
import { streamsOf, websocketTemplate, type Conversation, type SeedPool } from '../seeds.js';
import type { FuzzTarget } from '../target.js';

const PORTS = [2855, 5060, 8088, 443, 40000, 2866];

function encodeConversation(conv: Conversation, rng: Rng): Buffer {
  const w = new DataWriter();
  w.u8(rng.int(256));
  let n = 0;
  for (const item of conv.items) {
    if (n > 200) break;
    n++;
    if (item.bytes === undefined) {
      w.u8(item.dir | 2).u16(Math.min(item.gap, 0xffff));
      continue;
    }
    let b = item.bytes.subarray(0, 8192);
    if (rng.chance(0.15)) b = mutate(b, rng, 3);
    w.u8(item.dir).bytes(b);
    if (rng.chance(0.02)) w.u8(item.dir | 2).u16(rng.int(3000));
  }
  return w.done();
}

function frameRef(n: number): FrameRef {
  return { frame: n, tsSec: 1_700_000_000 + n, tsNsec: 0 };
}

export const transportTarget: FuzzTarget = {
  name: 'transport',
  description: 'TransportDemux → MsrpTap + SipTraffic: damaged TCP conversations (plain, WebSocket, TLS)',
  generate(rng: Rng, pool: SeedPool) {
    const conv = pool.conversations.length > 0 && rng.chance(0.9) ? rng.pick(pool.conversations) : websocketTemplate();
    const out = encodeConversation(conv, rng);
    return rng.chance(0.2) ? mutate(out, rng, 3) : out;
  },
  run(input: Buffer) {
    const check = new Checker();
    const p = new DataProvider(input);
    const cfg = p.u8();
    const conn: TcpConnection = {
      id: 0,
      client: { address: '10.0.0.1', port: 40000 + (cfg & 7) },
      server: { address: '10.0.0.2', port: PORTS[(cfg >> 3) % PORTS.length]! },
      sawSyn: (cfg & 0x80) === 0,
      first: frameRef(1),
      last: frameRef(1),
      stats: [0, 1].map(() => ({ packets: 0, bytes: 0, delivered: 0, retransmissions: 0, outOfOrder: 0, gaps: 0, missingBytes: 0 })) as TcpConnection['stats'],
      ended: undefined,
      transport: undefined,
    };
    let open = false;
    let closed = false;
    const tap = new MsrpTap({ frame() {}, diagnostic: check.sink }, { hashBodies: true });
    const sip = new SipTraffic(() => {}, { onDiagnostic: check.sink, sipPorts: [5060] });
    const downstream: TcpSink = {
      open(c) {
        check.expect(!open, 'downstream open twice');
        open = true;
        tap.open(c);
        sip.open(c);
      },
      data(c, dir, bytes, from) {
        check.expect(open && !closed, 'downstream data outside open/close');
        check.expect(bytes.length > 0, 'empty downstream data');
        tap.data(c, dir, bytes, from);
        sip.data(c, dir, bytes, from);
      },
      gap(c, dir, length, at) {
        check.expect(open && !closed, 'downstream gap outside open/close');
        tap.gap(c, dir, length, at);
        sip.gap(c, dir, length, at);
      },
      close(c, reason) {
        check.expect(open && !closed, 'downstream close twice');
        closed = true;
        tap.close(c, reason);
        sip.close(c, reason);
      },
    };
    const demux = new TransportDemux(downstream, { onDiagnostic: check.sink });
    demux.open(conn);
    let frame = 1;
    while (p.remaining > 0) {
      const k = p.u8();
      const dir = (k & 1) as Dir;
      frame++;
      if ((k & 2) !== 0) {
        const len = p.u16();
        if (len > 0) demux.gap(conn, dir, len, frameRef(frame));
      } else {
        const b = p.bytes(65535);
        if (b.length > 0) demux.data(conn, dir, Buffer.from(b), frameRef(frame));
      }
    }
    demux.close(conn, 'fin');
    void tap.stats;
    return check.finish();
  },
};

function wsRun(pieces: Buffer[], check: Checker | undefined, allowedRsv: number): string {
  const lines: string[] = [];
  let payload: Buffer[] = [];
  const ref = frameRef(1);
  const d = new WsDeframer(
    {
      frame(h) {
        lines.push(`F ${JSON.stringify(h)}`);
      },
      payload(bytes) {
        payload.push(Buffer.from(bytes));
      },
      frameEnd(fin) {
        lines.push(`E ${fin} ${Buffer.concat(payload).toString('hex')}`);
        payload = [];
      },
      control(opcode, bytes) {
        check?.expect(bytes.length <= 125, `control payload of ${bytes.length} bytes`);
        lines.push(`C ${opcode} ${bytes.toString('hex')}`);
      },
      diagnostic(code, detail) {
        if (check) {
          check.codes.add(code);
          check.text('WebSocket diagnostic detail', detail, false);
        }
        lines.push(`D ${code} ${detail}`);
      },
    },
    { allowedRsv },
  );
  for (const p of pieces) d.push(p, ref);
  lines.push(`end ${Buffer.concat(payload).toString('hex')} ${d.offset} ${d.ignored} ${d.broken} ${d.midFrame} ${d.midMessage}`);
  return lines.join('\n');
}

export const websocketTarget: FuzzTarget = {
  name: 'websocket',
  description: 'WsDeframer: damaged RFC 6455 frame streams, whole vs random pieces',
  generate(rng: Rng, pool: SeedPool) {
    const seeds: Buffer[] = [];
    for (const s of streamsOf(pool, 'websocket', 'ws-frames')) {
      const head = s.indexOf('\r\n\r\n');
      seeds.push(s.toString('latin1', 0, 4) === 'GET ' || s.toString('latin1', 0, 5) === 'HTTP/' ? s.subarray(head < 0 ? 0 : head + 4) : s);
    }
    if (seeds.length === 0 || rng.chance(0.05)) return rng.bytes(rng.smallLength(1024));
    const s = rng.pick(seeds).subarray(0, 32 * 1024);
    return rng.chance(0.9) ? mutate(s, rng, 4) : Buffer.from(s);
  },
  run(input: Buffer, rng: Rng) {
    const check = new Checker();
    const rsv = rng.chance(0.2) ? 7 : 0;
    const whole = wsRun([input], check, rsv);
    const split = wsRun(randomSplit(input, rng), undefined, rsv);
    check.expect(whole === split, 'WebSocket deframing differs by split');
    return check.finish();
  },
};
