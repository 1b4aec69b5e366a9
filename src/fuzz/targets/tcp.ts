/**
 * TCP reassembly: scripted segments of a few connections (handshakes or mid-stream starts, data both ways,
 * loss, duplicates, reordering, overlaps, keep-alives, FIN/RST, port reuse), then the script's bytes mutated.
 *
 * In "canonical" scripts every payload byte is a function of its sequence number (b(s) = 7s mod 256), so
 * the delivered stream is checked exactly: each byte follows the previous one, or a gap of n bytes, by
 * 7(1+n) mod 256. Anything else is checked for protocol sanity (open before data, nothing after close,
 * counters consistent, buffered bytes within their bounds and zero at the end).
 */
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type Segment } from '../../net/types.js';
import { TcpReassembler } from '../../tcp/reassembler.js';
import type { Dir, TcpConnection, TcpSink } from '../../tcp/types.js';
import { Checker } from '../check.js';
import { mutate } from '../mutate.js';
import { DataProvider, DataWriter } from '../provider.js';
import type { Rng } from '../rng.js';
import type { FuzzTarget } from '../target.js';

const TUPLES: ReadonlyArray<[string, number, string, number]> = [
  ['10.0.0.1', 40000, '10.0.0.2', 2855],
  ['10.0.0.1', 40001, '10.0.0.2', 2855],
  ['10.0.0.3', 40000, '10.0.0.2', 2855],
  ['2001:db8::1', 50000, '2001:db8::2', 5060],
  ['10.0.0.2', 2855, '10.0.0.1', 40000],
  ['10.0.0.9', 1, '10.0.0.9', 1],
];

const CANONICAL = 1;
const SMALL_LIMITS = 2;
const MAX_PAYLOAD = 4000;

function patternByte(seq: number): number {
  return Math.imul(seq >>> 0, 7) & 0xff;
}

/** Payload of `len` bytes starting at sequence number `seq`, in the canonical pattern. */
export function canonicalPayload(seq: number, len: number): Buffer {
  const out = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) out[i] = patternByte(seq + i);
  return out;
}

interface Op {
  conn: number;
  dir: Dir;
  flags: number;
  seq: number;
  ack: number;
  window: number;
  len: number;
}

function script(rng: Rng): Op[] {
  const ops: Op[] = [];
  const conns = 1 + rng.int(4);
  const lists: Op[][] = [];
  for (let c = 0; c < conns; c++) {
    const tuple = rng.int(TUPLES.length);
    const isn: [number, number] = [rng.u32(), rng.u32()];
    const next: [number, number] = [isn[0], isn[1]];
    const list: Op[] = [];
    const push = (dir: Dir, flags: number, len: number, seq = next[dir]): void => {
      const other = (dir ^ 1) as Dir;
      const ack = rng.chance(0.05) ? (next[other] + rng.range(1, 5000)) >>> 0 : next[other] >>> 0;
      list.push({ conn: tuple, dir, flags, seq: seq >>> 0, ack, window: rng.chance(0.05) ? 0 : 65535, len });
    };
    if (rng.chance(0.75)) {
      push(0, TCP_SYN, 0);
      next[0] = (next[0] + 1) >>> 0;
      push(1, TCP_SYN | TCP_ACK, 0);
      next[1] = (next[1] + 1) >>> 0;
      push(0, TCP_ACK, 0);
    }
    const rounds = rng.int(24);
    for (let i = 0; i < rounds; i++) {
      const dir: Dir = rng.chance(0.6) ? 0 : 1;
      const len = rng.chance(0.1) ? 0 : 1 + rng.smallLength(1460);
      push(dir, TCP_ACK, len);
      next[dir] = (next[dir] + len) >>> 0;
      if (rng.chance(0.08)) push(dir, TCP_ACK, 1, next[dir] - 1); // keep-alive
      if (rng.chance(0.05)) push(dir, TCP_ACK, 1); // probe of the next byte
    }
    const end = rng.int(4);
    if (end === 0) {
      push(0, TCP_FIN | TCP_ACK, 0);
      next[0] = (next[0] + 1) >>> 0;
      push(1, TCP_FIN | TCP_ACK, 0);
      next[1] = (next[1] + 1) >>> 0;
      push(0, TCP_ACK, 0);
    } else if (end === 1) {
      push(rng.chance(0.5) ? 0 : 1, TCP_RST | TCP_ACK, 0);
    } else if (end === 2 && rng.chance(0.5)) {
      // port reuse: a new SYN with a new ISN
      list.push({ conn: tuple, dir: 0, flags: TCP_SYN, seq: rng.u32(), ack: 0, window: 65535, len: 0 });
    }
    lists.push(list);
  }
  // Interleave the connections.
  const idx = lists.map(() => 0);
  for (;;) {
    const live = lists.map((l, i) => (idx[i]! < l.length ? i : -1)).filter((i) => i >= 0);
    if (live.length === 0) break;
    const i = rng.pick(live);
    ops.push(lists[i]![idx[i]!++]!);
  }
  // Capture damage: loss, duplicates, reordering, overlapping retransmissions.
  for (let k = rng.int(8); k > 0 && ops.length > 0; k--) {
    const i = rng.int(ops.length);
    const op = ops[i]!;
    switch (rng.int(5)) {
      case 0:
        ops.splice(i, 1);
        break;
      case 1:
        ops.splice(rng.int(ops.length + 1), 0, { ...op });
        break;
      case 2: {
        const j = Math.min(ops.length - 1, i + 1 + rng.int(6));
        ops[i] = ops[j]!;
        ops[j] = op;
        break;
      }
      case 3:
        if (op.len > 2) {
          const cut = 1 + rng.int(op.len - 1);
          ops.splice(i + 1 + rng.int(3), 0, { ...op, seq: (op.seq + cut) >>> 0, len: Math.min(MAX_PAYLOAD, op.len - cut + rng.int(200)) });
        }
        break;
      default:
        ops.splice(i, 0, { ...op, seq: (op.seq - rng.int(100)) >>> 0, len: op.len + rng.int(100) });
    }
  }
  return ops;
}

function generate(rng: Rng): Buffer {
  const ops = script(rng);
  const mutated = rng.chance(0.3);
  const small = rng.chance(0.3);
  const w = new DataWriter();
  w.u8((mutated ? 0 : CANONICAL) | (small ? SMALL_LIMITS : 0));
  for (const op of ops) {
    w.u8(op.conn).u8(op.dir).u8(op.flags).u32(op.seq).u32(op.ack).u16(op.window).u16(op.len);
  }
  const out = w.done();
  return mutated ? mutate(out, rng, 3) : out;
}

interface DirTrack {
  last: number;
  bytes: number;
  gaps: number;
}

export const tcpTarget: FuzzTarget = {
  name: 'tcp',
  description: 'TcpReassembler: scripted connections with loss, reordering, overlaps, FIN/RST, port reuse',
  generate,
  run(input: Buffer) {
    const check = new Checker();
    const p = new DataProvider(input);
    const config = p.u8();
    const canonical = (config & CANONICAL) !== 0;
    const small = (config & SMALL_LIMITS) !== 0;
    const maxPerDir = small ? 3000 : 4 * 1024 * 1024;
    const maxAll = small ? 5000 : 64 * 1024 * 1024;
    const opened = new Map<number, { conn: TcpConnection; closed: boolean; dirs: [DirTrack, DirTrack] }>();
    let nextId = 0;
    let delivered = 0;
    const sink: TcpSink = {
      open(conn) {
        check.expect(conn.id === nextId, `connection opened with id ${conn.id}, expected ${nextId}`);
        nextId = conn.id + 1;
        check.expect(!opened.has(conn.id), `connection ${conn.id} opened twice`);
        opened.set(conn.id, { conn, closed: false, dirs: [{ last: -1, bytes: 0, gaps: 0 }, { last: -1, bytes: 0, gaps: 0 }] });
      },
      data(conn, dir, bytes) {
        const o = opened.get(conn.id);
        check.expect(o !== undefined && !o.closed, `data on connection ${conn.id} that is not open`);
        check.expect(bytes.length > 0, 'empty data call');
        delivered += bytes.length;
        if (o === undefined) return;
        const t = o.dirs[dir];
        t.bytes += bytes.length;
        if (!canonical || bytes.length === 0) return;
        let expect = t.last < 0 ? bytes[0]! : (t.last + 7 * (1 + t.gaps)) & 0xff;
        // Every byte follows its predecessor by 7 (mod 256); a gap of n bytes in between shifts it by 7n.
        for (let i = 0; i < bytes.length; i++) {
          if (bytes[i] !== expect) {
            check.problem(`connection ${conn.id} dir ${dir}: delivered byte ${t.bytes - bytes.length + i} is ${bytes[i]}, expected ${expect}`);
            break;
          }
          expect = (expect + 7) & 0xff;
        }
        t.last = bytes[bytes.length - 1]!;
        t.gaps = 0;
      },
      gap(conn, dir, length) {
        const o = opened.get(conn.id);
        check.expect(o !== undefined && !o.closed, `gap on connection ${conn.id} that is not open`);
        check.expect(Number.isInteger(length) && length > 0, `gap of ${length} bytes`);
        if (o !== undefined) o.dirs[dir].gaps += length;
      },
      close(conn) {
        const o = opened.get(conn.id);
        check.expect(o !== undefined && !o.closed, `close of connection ${conn.id} that is not open`);
        if (o !== undefined) o.closed = true;
      },
    };
    const tcp = new TcpReassembler(sink, {
      onDiagnostic: check.sink,
      ...(small ? { maxConnections: 3, maxBufferedPerDirection: maxPerDir, maxBufferedBytes: maxAll } : {}),
    });
    let frame = 0;
    while (p.remaining > 0) {
      const [a, ap, b, bp] = TUPLES[p.u8() % TUPLES.length]!;
      const dir = p.u8() & 1;
      const flags = p.u8();
      const seq = p.u32();
      const ack = p.u32();
      const window = p.u16();
      const len = Math.min(p.u16(), MAX_PAYLOAD);
      frame++;
      // The data of a SYN segment starts one sequence number after the SYN.
      const payload = canonical ? canonicalPayload((flags & TCP_SYN) !== 0 ? seq + 1 : seq, len) : Buffer.from(p.bytes(len));
      const seg: Segment = {
        frame,
        tsSec: 1_700_000_000 + frame,
        tsNsec: 0,
        interfaceId: 0,
        proto: 'tcp',
        ipVersion: a.includes(':') ? 6 : 4,
        src: dir === 0 ? a : b,
        dst: dir === 0 ? b : a,
        srcPort: dir === 0 ? ap : bp,
        dstPort: dir === 0 ? bp : ap,
        seq,
        ack,
        flags,
        window,
        payload,
      };
      tcp.push(seg);
      const s = tcp.stats;
      check.expect(s.bufferedBytes >= 0, `bufferedBytes ${s.bufferedBytes}`);
      check.expect(s.bufferedBytes <= maxAll, `bufferedBytes ${s.bufferedBytes} over the bound ${maxAll}`);
      check.expect(s.open >= 0 && s.open <= (small ? 3 : 100_000), `open connections ${s.open}`);
    }
    tcp.end();
    const s = tcp.stats;
    check.expect(s.bufferedBytes === 0, `bufferedBytes ${s.bufferedBytes} after end()`);
    check.expect(s.open === 0, `${s.open} connections open after end()`);
    check.expect(s.delivered === delivered, `stats.delivered ${s.delivered}, sink saw ${delivered}`);
    for (const [id, o] of opened) check.expect(o.closed, `connection ${id} never closed`);
    return check.finish();
  },
};
