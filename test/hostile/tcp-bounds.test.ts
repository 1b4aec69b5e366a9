import { describe, expect, it } from 'vitest';
import type { Segment } from '../../src/net/types.js';
import { TcpReassembler, type TcpReassemblerOptions } from '../../src/tcp/reassembler.js';
import type { TcpConnection, TcpSink } from '../../src/tcp/types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import { MemoryProbe, MiB } from './memory.js';

const SYN = 0x02;
const ACK = 0x10;
const PSH = 0x08;

function seg(src: string, srcPort: number, seq: number, flags: number, payload: Buffer, frame: number): Segment {
  return {
    frame, tsSec: 1_800_000_000 + Math.floor(frame / 1000), tsNsec: 0, interfaceId: 0, proto: 'tcp', ipVersion: 4,
    src, dst: '198.51.100.20', srcPort, dstPort: 2855, seq: seq >>> 0, ack: 0, flags, window: 65535, payload,
  };
}

/** Distinct client address per connection number. */
function client(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

function harness(opts: TcpReassemblerOptions = {}) {
  const counts = { delivered: 0, gaps: 0, gapBytes: 0, opened: 0, closed: 0 };
  const evicted: number[] = [];
  const codes = new Map<string, number>();
  const first = new Map<string, Diagnostic>();
  const sink: TcpSink = {
    open: () => counts.opened++,
    data: (_c, _d, b) => (counts.delivered += b.length),
    gap: (_c, _d, n) => {
      counts.gaps++;
      counts.gapBytes += n;
    },
    close: (c: TcpConnection, reason) => {
      counts.closed++;
      if (reason === 'evicted') evicted.push(c.id);
    },
  };
  const tcp = new TcpReassembler(sink, {
    ...opts,
    onDiagnostic: (d) => {
      codes.set(d.code, (codes.get(d.code) ?? 0) + 1);
      if (!first.has(d.code)) first.set(d.code, d);
    },
  });
  return { tcp, counts, evicted, codes, first };
}

const EMPTY = Buffer.alloc(0);
const HELLO = Buffer.from('MSRP abcd SEND\r\n', 'latin1');

describe('200 000 concurrent connections that never close', () => {
  it('default bound: at most 100 000 open, the oldest evicted with a diagnostic, memory sane', () => {
    const { tcp, counts, evicted, codes, first } = harness();
    const probe = new MemoryProbe();
    let frame = 0;
    for (let i = 0; i < 200_000; i++) {
      tcp.push(seg(client(i), 40000 + (i % 20000), 100, SYN, EMPTY, ++frame));
      tcp.push(seg(client(i), 40000 + (i % 20000), 101, ACK | PSH, HELLO, ++frame));
      expect(tcp.stats.open).toBeLessThanOrEqual(100_000);
      if ((i & 8191) === 0) probe.sample();
    }
    const live = probe.retained();
    expect(tcp.stats.open).toBe(100_000);
    expect(tcp.stats.evicted).toBe(100_000);
    expect(codes.get('tcp-connection-evicted')).toBe(100_000);
    expect(first.get('tcp-connection-evicted')!.connection).toBe(0);
    // Untouched since their first packets: evicted strictly oldest first.
    expect(evicted.slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(evicted[evicted.length - 1]).toBe(99_999);
    expect(counts.delivered).toBe(200_000 * HELLO.length);
    tcp.end();
    expect(counts.closed).toBe(200_000);
    expect(tcp.stats.open).toBe(0);
    const retained = probe.retained();
    console.log(`200k connections: ${(live / MiB).toFixed(0)} MiB live for 100k open + 100k tombstones (peak sampled ${(probe.peak / MiB).toFixed(0)} MiB), after end ${(retained / MiB).toFixed(1)} MiB`);
    // About 2 KiB per open connection with its tombstone; nothing left after end().
    expect(live).toBeLessThan(300 * MiB);
    expect(retained).toBeLessThan(16 * MiB);
  }, 60_000);

  it('a small bound evicts the connection idle the longest, not one that is still talking', () => {
    const { tcp, evicted, codes } = harness({ maxConnections: 1000 });
    let frame = 0;
    for (let i = 0; i < 5000; i++) {
      tcp.push(seg(client(i), 50000, 100, SYN, EMPTY, ++frame));
      // Connection 0 keeps sending: it must survive every eviction.
      tcp.push(seg(client(0), 50000, 101 + i, ACK | PSH, Buffer.from('x'), ++frame));
    }
    expect(tcp.stats.open).toBe(1000);
    expect(tcp.stats.evicted).toBe(4000);
    expect(evicted).not.toContain(0);
    expect(evicted.slice(0, 3)).toEqual([1, 2, 3]);
    expect(codes.get('tcp-connection-evicted')).toBe(4000);
  });
});

describe('endless out-of-order data that never fills its hole', () => {
  it('256 MiB beyond a hole: bounded buffer, the hole declared a gap, everything after it delivered', () => {
    const { tcp, counts, codes } = harness();
    const probe = new MemoryProbe();
    let frame = 0;
    tcp.push(seg('10.0.0.1', 40000, 999, SYN, EMPTY, ++frame));
    // Segments are views into a 64 KiB buffer, like records in the capture reader's chunks.
    const chunk = Buffer.alloc(64 * 1024, 0x62);
    const mss = 1448;
    const n = Math.floor((256 * MiB) / mss);
    let peak = 0;
    for (let i = 0; i < n; i++) {
      const at = (i % 40) * mss;
      // The first 1448 bytes never arrive.
      tcp.push(seg('10.0.0.1', 40000, 1000 + mss * (i + 1), ACK | PSH, chunk.subarray(at, at + mss), ++frame));
      if (tcp.stats.bufferedBytes > peak) peak = tcp.stats.bufferedBytes;
      if ((i & 4095) === 0) probe.sample();
    }
    tcp.end();
    expect(peak).toBeLessThanOrEqual(4 * MiB);
    expect(tcp.stats.peakBufferedBytes).toBeLessThanOrEqual(4 * MiB + mss);
    expect(counts.gaps).toBe(1);
    expect(counts.gapBytes).toBe(mss);
    expect(counts.delivered).toBe(n * mss);
    expect(codes.get('tcp-buffer-overflow')).toBe(1);
    expect(tcp.stats.bufferedBytes).toBe(0);
    expect(probe.peak).toBeLessThan(48 * MiB);
  }, 60_000);

  it('1-byte segments with holes between them: bounded by pieces too, and no reader chunk kept alive', () => {
    const { tcp, codes } = harness();
    const probe = new MemoryProbe();
    let frame = 0;
    tcp.push(seg('10.0.0.1', 40000, 999, SYN, EMPTY, ++frame));
    let chunk = Buffer.alloc(256 * 1024, 0x63);
    let maxPieces = 0;
    for (let i = 0; i < 400_000; i++) {
      // A new 256 KiB "reader chunk" every 2000 segments; each held byte is a view into one.
      if (i % 2000 === 0) chunk = Buffer.alloc(256 * 1024, 0x63);
      tcp.push(seg('10.0.0.1', 40000, 1001 + 2 * i, ACK | PSH, chunk.subarray(i % 2000, (i % 2000) + 1), ++frame));
      maxPieces = Math.max(maxPieces, tcp.stats.bufferedPieces ?? 0);
      if ((i & 8191) === 0) probe.sample();
    }
    const retained = probe.retained();
    expect(maxPieces).toBeLessThanOrEqual(16_384 + 1);
    expect(tcp.stats.bufferedBytes).toBeLessThanOrEqual(16_384);
    expect(codes.get('tcp-buffer-overflow')).toBeGreaterThanOrEqual(1);
    // 16 384 one-byte pieces and nothing else: a few MiB. (Held as views, they kept 200 chunks of 256 KiB.)
    expect(retained).toBeLessThan(24 * MiB);
    tcp.end();
    expect(tcp.stats.bufferedPieces).toBe(0);
  }, 60_000);

  it('many connections with holes: the global bounds (bytes and pieces) hold', () => {
    const { tcp, codes } = harness({ maxBufferedBytes: 8 * MiB, maxBufferedPieces: 20_000 });
    let frame = 0;
    const payload = Buffer.alloc(700, 0x64);
    for (let c = 0; c < 200; c++) tcp.push(seg(client(c), 40000, 999, SYN, EMPTY, ++frame));
    for (let round = 0; round < 200; round++) {
      for (let c = 0; c < 200; c++) {
        tcp.push(seg(client(c), 40000, 1001 + round * 701, ACK | PSH, payload, ++frame));
        expect(tcp.stats.bufferedBytes).toBeLessThanOrEqual(8 * MiB);
        expect(tcp.stats.bufferedPieces).toBeLessThanOrEqual(20_000);
      }
    }
    expect(codes.get('tcp-buffer-overflow')).toBeGreaterThan(0);
    tcp.end();
    expect(tcp.stats.bufferedBytes).toBe(0);
    expect(tcp.stats.bufferedPieces).toBe(0);
  }, 60_000);
});
