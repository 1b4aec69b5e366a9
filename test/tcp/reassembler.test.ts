import { describe, expect, it } from 'vitest';
import { TCP_CODES } from '../../src/tcp/codes.js';
import { TcpReassembler } from '../../src/tcp/reassembler.js';
import { TransportDemux } from '../../src/transport/demux.js';
import { bytesOf, codes, harness, RecordingSink, SegmentFactory, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from './helpers.js';

const PA = TCP_ACK | 0x08;

/** SYN, SYN-ACK, ACK with client ISN `ci` and server ISN `si`. */
function handshake(f: SegmentFactory, ci: number, si: number) {
  return [f.seg(0, ci, '', TCP_SYN), f.seg(1, si, '', TCP_SYN | TCP_ACK, ci + 1), f.seg(0, ci + 1, '', TCP_ACK, si + 1)];
}

describe('connections', () => {
  it('delivers both directions of a complete connection and closes it with fin', () => {
    const { sink, tcp, diags } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 1000, 5000)) tcp.push(s);
    tcp.push(f.seg(0, 1001, 'hello ', PA, 5001));
    tcp.push(f.seg(0, 1007, 'world', PA, 5001));
    tcp.push(f.seg(1, 5001, 'OK', PA, 1012));
    tcp.push(f.seg(0, 1012, '', TCP_FIN | TCP_ACK, 5003));
    tcp.push(f.seg(1, 5003, '', TCP_FIN | TCP_ACK, 1013));
    expect(sink.closes).toEqual([{ conn: 0, reason: 'fin' }]);
    tcp.push(f.seg(0, 1013, '', TCP_ACK, 5004)); // last ACK: same connection (tombstone)
    tcp.end();
    expect(sink.conns).toHaveLength(1);
    const c = sink.conns[0]!;
    expect(c.id).toBe(0);
    expect(c.client).toEqual({ address: '10.0.0.1', port: 40000 });
    expect(c.server).toEqual({ address: '10.0.0.2', port: 2855 });
    expect(c.sawSyn).toBe(true);
    expect(c.ended).toBe('fin');
    expect(c.first.frame).toBe(1);
    expect(c.last.frame).toBe(9);
    expect(sink.stream(0, 0).toString()).toBe('hello world');
    expect(sink.stream(0, 1).toString()).toBe('OK');
    expect(c.stats[0]).toEqual({ packets: 6, bytes: 11, delivered: 11, retransmissions: 0, outOfOrder: 0, gaps: 0, missingBytes: 0 });
    expect(c.stats[1]).toEqual({ packets: 3, bytes: 2, delivered: 2, retransmissions: 0, outOfOrder: 0, gaps: 0, missingBytes: 0 });
    expect(sink.chunks.map((d) => d.from.frame)).toEqual([4, 5, 6]);
    expect(diags).toEqual([]);
    expect(tcp.stats).toMatchObject({ segments: 9, connections: 1, open: 0, delivered: 13, gaps: 0 });
  });

  it('hands the in-order payload up as the same memory (no copy)', () => {
    const { sink, tcp } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 7, 9)) tcp.push(s);
    const s = f.seg(0, 8, bytesOf(1000), PA, 10);
    tcp.push(s);
    const got = sink.chunks[0]!.bytes;
    expect(got.buffer).toBe(s.payload.buffer);
    expect(got.byteOffset).toBe(s.payload.byteOffset);
    expect(got.length).toBe(1000);
  });

  it('keeps out-of-order segments as views of their payloads', () => {
    const { sink, tcp } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 7, 9)) tcp.push(s);
    const late = f.seg(0, 108, bytesOf(100, 2), PA, 10);
    tcp.push(late);
    expect(sink.chunks).toHaveLength(0);
    expect(tcp.stats.bufferedBytes).toBe(100);
    tcp.push(f.seg(0, 8, bytesOf(100, 3), PA, 10));
    expect(sink.chunks.map((d) => [d.offset, d.bytes.length, d.from.frame])).toEqual([
      [0, 100, 5],
      [100, 100, 4],
    ]);
    expect(sink.chunks[1]!.bytes.buffer).toBe(late.payload.buffer);
    expect(sink.chunks[1]!.bytes.byteOffset).toBe(late.payload.byteOffset);
    expect(tcp.stats.bufferedBytes).toBe(0);
    expect(sink.conns[0]!.stats[0].outOfOrder).toBe(1);
  });

  it('takes the receiver of a first SYN-ACK as the client', () => {
    const { sink, tcp, diags } = harness();
    const f = new SegmentFactory();
    tcp.push(f.seg(1, 500, '', TCP_SYN | TCP_ACK, 101));
    tcp.push(f.seg(0, 101, 'abc', PA, 501));
    tcp.push(f.seg(1, 501, 'de', PA, 104));
    tcp.end();
    const c = sink.conns[0]!;
    expect(c.client).toEqual({ address: '10.0.0.1', port: 40000 });
    expect(c.sawSyn).toBe(false);
    expect(sink.stream(0, 0).toString()).toBe('abc');
    expect(sink.stream(0, 1).toString()).toBe('de');
    expect(codes(diags)).toEqual([]);
    expect(c.ended).toBe('capture-end');
  });

  it('starts mid-connection at the first segment of each direction', () => {
    const { sink, tcp, diags } = harness();
    const f = new SegmentFactory();
    tcp.push(f.seg(1, 0xfffffffe, 'xyz', PA, 77)); // server speaks first; its seq wraps inside the segment
    tcp.push(f.seg(0, 77, 'abc', PA, 1));
    tcp.push(f.seg(1, 1, 'more', PA, 80));
    tcp.end();
    const c = sink.conns[0]!;
    expect(c.client).toEqual({ address: '10.0.0.2', port: 2855 }); // the first sender
    expect(c.sawSyn).toBe(false);
    expect(sink.stream(0, 0).toString()).toBe('xyzmore');
    expect(sink.stream(0, 1).toString()).toBe('abc');
    expect(codes(diags)).toEqual(['tcp-midstream']);
    expect(diags[0]).toMatchObject({ severity: 'note', frame: 1, connection: 0 });
  });

  it('mid-connection: leading empty segments (pure ACK, zero-length keep-alive) do not fix the stream start', () => {
    const { sink, tcp, diags } = harness();
    const f = new SegmentFactory();
    tcp.push(f.seg(0, 999, '', TCP_ACK, 50)); // keep-alive at next-1
    tcp.push(f.seg(1, 50, '', TCP_ACK, 1000));
    tcp.push(f.seg(0, 1000, 'data', PA, 50));
    tcp.push(f.seg(1, 50, '', TCP_ACK, 1004));
    tcp.end();
    expect(sink.events.slice(1)).toEqual(['data 0/0 4@0 f3', 'close 0 capture-end']);
    expect(codes(diags)).toEqual(['tcp-midstream']);
  });

  it('ignores UDP segments', () => {
    const { sink, tcp } = harness();
    const f = new SegmentFactory();
    tcp.push({ ...f.seg(0, 0, 'x'), proto: 'udp' });
    tcp.end();
    expect(sink.conns).toHaveLength(0);
    expect(tcp.stats.segments).toBe(0);
  });

  it('numbers interleaved connections in order of first packet', () => {
    const { sink, tcp } = harness();
    const fs = [0, 1, 2].map((i) => new SegmentFactory({ address: '10.0.0.1', port: 40000 + i }));
    const f0 = fs[0]!;
    const f1 = fs[1]!;
    const f2 = fs[2]!;
    tcp.push(f1.seg(0, 10, '', TCP_SYN));
    tcp.push(f0.seg(1, 20, 'zero', PA, 5)); // mid-stream, server first
    tcp.push(f2.seg(0, 30, '', TCP_SYN));
    tcp.push(f1.seg(0, 11, 'one', PA));
    tcp.push(f2.seg(0, 31, 'two', PA));
    tcp.push(f0.seg(1, 24, '!', PA, 5));
    tcp.end();
    expect(sink.conns.map((c) => c.client.port)).toEqual([40001, 2855, 40002]);
    expect(sink.stream(0, 0).toString()).toBe('one');
    expect(sink.stream(1, 0).toString()).toBe('zero!');
    expect(sink.stream(2, 0).toString()).toBe('two');
    expect(sink.closes.map((c) => c.conn)).toEqual([0, 1, 2]);
  });
});

describe('port reuse', () => {
  it('starts a new connection for a SYN after FIN/FIN', () => {
    const { sink, tcp } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 100, 200)) tcp.push(s);
    tcp.push(f.seg(0, 101, 'first', PA, 201));
    tcp.push(f.seg(0, 106, '', TCP_FIN | TCP_ACK, 201));
    tcp.push(f.seg(1, 201, '', TCP_FIN | TCP_ACK, 107));
    tcp.push(f.seg(0, 107, '', TCP_ACK, 202));
    for (const s of handshake(f, 9000, 300)) tcp.push(s);
    tcp.push(f.seg(0, 9001, 'second', PA, 301));
    tcp.end();
    expect(sink.conns).toHaveLength(2);
    expect(sink.stream(0, 0).toString()).toBe('first');
    expect(sink.stream(1, 0).toString()).toBe('second');
    expect(sink.closes).toEqual([
      { conn: 0, reason: 'fin' },
      { conn: 1, reason: 'capture-end' },
    ]);
    expect(sink.conns[0]!.stats[0].packets).toBe(5);
    expect(sink.conns[1]!.first.frame).toBe(8);
  });

  it('starts a new connection for a SYN after a one-sided FIN, closing the old one first', () => {
    const { sink, tcp } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 100, 200)) tcp.push(s);
    tcp.push(f.seg(0, 101, 'a', PA, 201));
    tcp.push(f.seg(0, 102, '', TCP_FIN | TCP_ACK, 201));
    tcp.push(f.seg(0, 777, '', TCP_SYN));
    tcp.end();
    expect(sink.events.filter((e) => e.startsWith('open') || e.startsWith('close'))).toEqual(['open 0', 'close 0 fin', 'open 1', 'close 1 capture-end']);
  });

  it('starts a new connection for a SYN with a new ISN on an open connection', () => {
    const { sink, tcp, diags } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 100, 200)) tcp.push(s);
    tcp.push(f.seg(0, 101, 'a', PA, 201));
    tcp.push(f.seg(0, 5555, '', TCP_SYN));
    tcp.push(f.seg(0, 5556, 'b', PA));
    tcp.end();
    expect(sink.closes).toEqual([
      { conn: 0, reason: 'evicted' },
      { conn: 1, reason: 'capture-end' },
    ]);
    expect(codes(diags)).toEqual(['tcp-port-reuse']);
    expect(diags[0]).toMatchObject({ frame: 5, connection: 0 });
    expect(sink.stream(1, 0).toString()).toBe('b');
  });

  it('keeps a retransmitted SYN (same ISN) in its connection', () => {
    const { sink, tcp } = harness();
    const f = new SegmentFactory();
    tcp.push(f.seg(0, 100, '', TCP_SYN));
    tcp.push(f.seg(0, 100, '', TCP_SYN));
    tcp.push(f.seg(1, 0, '', TCP_RST | TCP_ACK, 101));
    tcp.push(f.seg(0, 100, '', TCP_SYN)); // retry after a refusal, same ISN
    tcp.end();
    expect(sink.conns).toHaveLength(1);
    expect(sink.conns[0]!.ended).toBe('rst');
    expect(sink.conns[0]!.stats[0].packets).toBe(3);
  });

  it('starts a new connection for a SYN after RST', () => {
    const { sink, tcp } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 100, 200)) tcp.push(s);
    tcp.push(f.seg(1, 201, '', TCP_RST));
    tcp.push(f.seg(0, 7000, '', TCP_SYN));
    tcp.end();
    expect(sink.closes).toEqual([
      { conn: 0, reason: 'rst' },
      { conn: 1, reason: 'capture-end' },
    ]);
  });
});

describe('RST and FIN', () => {
  it('closes on RST in the middle: the hole becomes a gap, buffered data is delivered, later packets ignored', () => {
    const { sink, tcp, diags } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 0, 0)) tcp.push(s);
    tcp.push(f.seg(0, 1, 'aaaa', PA, 1));
    tcp.push(f.seg(0, 9, 'cccc', PA, 1)); // 4 bytes missing before it
    tcp.push(f.seg(1, 1, '', TCP_RST | TCP_ACK, 13));
    tcp.push(f.seg(0, 13, 'dddd', PA, 1));
    tcp.end();
    expect(sink.events.slice(1)).toEqual(['data 0/0 4@0 f4', 'gap 0/0 4@4 f5', 'data 0/0 4@8 f5', 'close 0 rst']);
    const c = sink.conns[0]!;
    expect(c.ended).toBe('rst');
    expect(c.stats[0]).toMatchObject({ packets: 5, bytes: 12, delivered: 8, gaps: 1, missingBytes: 4 });
    expect(codes(diags)).toEqual(['tcp-gap']);
    expect(diags[0]).toMatchObject({ severity: 'warning', frame: 5, connection: 0, offset: 4 });
  });

  it('closes a simultaneous close with fin', () => {
    const { sink, tcp } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 10, 20)) tcp.push(s);
    tcp.push(f.seg(0, 11, 'q', PA, 21));
    tcp.push(f.seg(1, 21, 'r', PA, 12));
    tcp.push(f.seg(0, 12, '', TCP_FIN | TCP_ACK, 22));
    tcp.push(f.seg(1, 22, '', TCP_FIN | TCP_ACK, 12)); // sent before the client's FIN arrived
    expect(sink.closes).toEqual([{ conn: 0, reason: 'fin' }]);
    tcp.push(f.seg(0, 13, '', TCP_ACK, 23));
    tcp.push(f.seg(1, 23, '', TCP_ACK, 13));
    tcp.end();
    expect(sink.conns).toHaveLength(1);
    expect(sink.conns[0]!.stats[1].packets).toBe(4);
  });

  it('ignores data after the FIN', () => {
    const { sink, tcp, diags } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 10, 20)) tcp.push(s);
    tcp.push(f.seg(0, 11, 'abcdef', PA | TCP_FIN, 21));
    tcp.push(f.seg(0, 17, 'zz', PA, 21));
    tcp.end();
    expect(sink.stream(0, 0).toString()).toBe('abcdef');
    expect(codes(diags)).toEqual(['tcp-data-after-fin']);
  });

  it('FIN with a hole before it: the hole becomes a gap once the peer acknowledges the FIN', () => {
    const { sink, tcp, diags } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 10, 20)) tcp.push(s);
    tcp.push(f.seg(0, 11, 'abc', PA, 21));
    tcp.push(f.seg(0, 17, 'ghi', PA, 21)); // 'def' lost
    tcp.push(f.seg(0, 20, '', TCP_FIN | TCP_ACK, 21));
    expect(sink.gaps).toHaveLength(0); // a retransmission may still come
    tcp.push(f.seg(1, 21, '', TCP_ACK, 21)); // the receiver has everything: the capture lost 'def'
    expect(sink.gapList(0, 0)).toEqual([[3, 3]]);
    tcp.push(f.seg(1, 21, '', TCP_FIN | TCP_ACK, 21));
    expect(sink.closes).toEqual([{ conn: 0, reason: 'fin' }]);
    expect(sink.stream(0, 0).toString()).toBe('abcghi');
    expect(sink.gaps[0]!.at.frame).toBe(5);
    expect(codes(diags)).toEqual(['tcp-gap']);
  });

  it('FIN with a hole before it: a late retransmission fills the hole', () => {
    const { sink, tcp } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 10, 20)) tcp.push(s);
    tcp.push(f.seg(0, 11, 'abc', PA, 21));
    tcp.push(f.seg(0, 17, 'ghi', PA | TCP_FIN, 21));
    tcp.push(f.seg(1, 21, '', TCP_ACK, 14)); // dup-ack: not past the hole
    tcp.push(f.seg(0, 14, 'def', PA, 21));
    tcp.push(f.seg(1, 21, '', TCP_FIN | TCP_ACK, 21));
    expect(sink.stream(0, 0).toString()).toBe('abcdefghi');
    expect(sink.gaps).toHaveLength(0);
    expect(sink.closes).toEqual([{ conn: 0, reason: 'fin' }]);
  });

  it('FIN with a hole before it and no acknowledgement: gap at end, close reason fin', () => {
    const { sink, tcp } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 10, 20)) tcp.push(s);
    tcp.push(f.seg(0, 17, 'ghi', PA, 21));
    tcp.push(f.seg(0, 20, 'jk', PA | TCP_FIN, 21));
    tcp.push(f.seg(1, 21, '', TCP_FIN | TCP_ACK, 11));
    tcp.end();
    expect(sink.events.slice(1)).toEqual(['gap 0/0 6@0 f4', 'data 0/0 3@6 f4', 'data 0/0 2@9 f5', 'close 0 fin']);
    expect(sink.conns[0]!.stats[0]).toMatchObject({ gaps: 1, missingBytes: 6, delivered: 5 });
  });

  it('a hole the peer acknowledged in full becomes a gap at once', () => {
    const { sink, tcp } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 10, 20)) tcp.push(s);
    tcp.push(f.seg(0, 11, 'aa', PA, 21));
    tcp.push(f.seg(0, 15, 'cc', PA, 21));
    tcp.push(f.seg(1, 21, '', TCP_ACK, 14)); // acknowledges part of the hole only: nothing yet
    expect(sink.gaps).toHaveLength(0);
    tcp.push(f.seg(1, 21, '', TCP_ACK, 17));
    expect(sink.events.slice(1)).toEqual(['data 0/0 2@0 f4', 'gap 0/0 2@2 f5', 'data 0/0 2@4 f5']);
  });
});

describe('retransmissions, overlaps, probes', () => {
  it('counts a full retransmission and trims a partial overlap', () => {
    const { sink, tcp } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 10, 20)) tcp.push(s);
    tcp.push(f.seg(0, 11, 'abcd', PA, 21));
    tcp.push(f.seg(0, 11, 'abcd', PA, 21));
    tcp.push(f.seg(0, 13, 'cdef', PA, 21));
    tcp.end();
    expect(sink.stream(0, 0).toString()).toBe('abcdef');
    expect(sink.chunks.map((d) => [d.bytes.toString(), d.from.frame])).toEqual([
      ['abcd', 4],
      ['ef', 6],
    ]);
    expect(sink.conns[0]!.stats[0]).toMatchObject({ packets: 5, bytes: 12, delivered: 6, retransmissions: 1 });
  });

  it('keeps the first data on conflicting overlaps and reports them', () => {
    const { sink, tcp, diags } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 10, 20)) tcp.push(s);
    tcp.push(f.seg(0, 15, 'EFGH', PA, 21));
    tcp.push(f.seg(0, 13, 'cdXfgh', PA, 21)); // overlaps E..H with 'Xfgh'
    tcp.push(f.seg(0, 11, 'ab', PA, 21));
    tcp.end();
    expect(sink.stream(0, 0).toString()).toBe('abcdEFGH');
    expect(codes(diags)).toEqual(['tcp-overlap-conflict']);
    expect(diags[0]).toMatchObject({ frame: 5, connection: 0, offset: 4 });
    expect(tcp.stats.overlapConflicts).toBe(1);
  });

  it('ignores keep-alives (0 or 1 byte at next-1)', () => {
    const { sink, tcp } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 10, 20)) tcp.push(s);
    tcp.push(f.seg(0, 11, 'abc', PA, 21));
    tcp.push(f.seg(0, 13, 'X', TCP_ACK, 21));
    tcp.push(f.seg(0, 13, '', TCP_ACK, 21));
    tcp.push(f.seg(0, 14, 'def', PA, 21));
    tcp.end();
    expect(sink.stream(0, 0).toString()).toBe('abcdef');
    expect(sink.conns[0]!.stats[0]).toMatchObject({ retransmissions: 0, packets: 6, bytes: 7 });
    expect(tcp.stats.keepAlives).toBe(1);
  });

  it('ignores a zero-window probe that is sent again later', () => {
    const { sink, tcp } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 10, 20)) tcp.push(s);
    tcp.push(f.seg(0, 11, 'abc', PA, 21));
    tcp.push(f.seg(1, 21, '', TCP_ACK, 14, 0)); // window closed
    tcp.push(f.seg(0, 14, 'd', TCP_ACK, 21)); // probe
    tcp.push(f.seg(0, 14, 'd', TCP_ACK, 21)); // probe again
    tcp.push(f.seg(1, 21, '', TCP_ACK, 14, 8192)); // window open
    tcp.push(f.seg(0, 14, 'defg', PA, 21));
    tcp.end();
    expect(sink.stream(0, 0).toString()).toBe('abcdefg');
    expect(sink.chunks.map((d) => d.from.frame)).toEqual([4, 9]);
    expect(sink.conns[0]!.stats[0]).toMatchObject({ retransmissions: 0, outOfOrder: 0, delivered: 7 });
    expect(tcp.stats.zeroWindowProbes).toBe(2);
  });

  it('delivers a zero-window probe the receiver took', () => {
    const { sink, tcp } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 10, 20)) tcp.push(s);
    tcp.push(f.seg(0, 11, 'abc', PA, 21));
    tcp.push(f.seg(1, 21, '', TCP_ACK, 14, 0));
    tcp.push(f.seg(0, 14, 'd', TCP_ACK, 21)); // probe, accepted
    tcp.push(f.seg(1, 21, '', TCP_ACK, 15, 8192));
    tcp.push(f.seg(0, 15, 'efg', PA, 21)); // continues after it
    tcp.end();
    expect(sink.stream(0, 0).toString()).toBe('abcdefg');
    expect(sink.chunks.map((d) => d.from.frame)).toEqual([4, 6, 8]);
    expect(sink.gaps).toHaveLength(0);
  });

  it('ignores segments implausibly far ahead', () => {
    const { sink, tcp, diags } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 10, 20)) tcp.push(s);
    tcp.push(f.seg(0, 11 + 0x50000000, 'junk', PA, 21));
    tcp.push(f.seg(0, 11, 'ok', PA, 21));
    tcp.end();
    expect(sink.stream(0, 0).toString()).toBe('ok');
    expect(sink.gaps).toHaveLength(0);
    expect(codes(diags)).toEqual(['tcp-out-of-window']);
  });
});

describe('bounds', () => {
  it('declares a gap when out-of-order data beyond a hole exceeds the per-direction bound', () => {
    const bound = 10_000;
    const { sink, tcp, diags } = harness({ maxBufferedPerDirection: bound });
    const f = new SegmentFactory();
    for (const s of handshake(f, 10, 20)) tcp.push(s);
    const chunk = bytesOf(1000);
    // 1000 bytes never arrive; then endless data after them.
    let peak = 0;
    for (let i = 1; i <= 200; i++) {
      tcp.push(f.seg(0, 11 + i * 1000, chunk, PA, 21));
      peak = Math.max(peak, tcp.stats.bufferedBytes);
    }
    expect(peak).toBeLessThanOrEqual(bound);
    expect(tcp.stats.peakBufferedBytes).toBeLessThanOrEqual(bound + 1000);
    expect(sink.gapList(0, 0)).toEqual([[0, 1000]]);
    expect(codes(diags)).toEqual(['tcp-buffer-overflow', 'tcp-gap']);
    tcp.end();
    expect(sink.conns[0]!.stats[0]).toMatchObject({ delivered: 200_000, gaps: 1, missingBytes: 1000, outOfOrder: 11 });
  });

  it('keeps total buffered memory under the global bound, declaring the oldest holes first', () => {
    const { sink, tcp, diags } = harness({ maxBufferedBytes: 50_000, maxBufferedPerDirection: 1 << 30 });
    const fs = Array.from({ length: 20 }, (_, i) => new SegmentFactory({ address: '10.0.0.1', port: 41000 + i }));
    for (const f of fs) for (const s of handshake(f, 10, 20)) tcp.push(s);
    const chunk = bytesOf(1000);
    for (let round = 1; round <= 20; round++) {
      for (const f of fs) {
        tcp.push(f.seg(0, 11 + round * 1000, chunk, PA, 21));
        expect(tcp.stats.bufferedBytes).toBeLessThanOrEqual(50_000);
      }
    }
    // The first holes to be declared belong to the connections whose holes opened first.
    expect(sink.gaps.slice(0, 3).map((g) => g.conn)).toEqual([0, 1, 2]);
    expect(codes(diags).filter((c) => c === 'tcp-buffer-overflow').length).toBe(sink.gaps.length);
    tcp.end();
    expect(sink.gaps).toHaveLength(20);
    for (let i = 0; i < 20; i++) {
      expect(sink.gapList(i, 0)).toEqual([[0, 1000]]);
      expect(sink.stream(i, 0).length).toBe(20_000);
    }
  });

  it('evicts the connection idle the longest when the table is full', () => {
    const { sink, tcp, diags } = harness({ maxConnections: 2 });
    const fs = [0, 1, 2].map((i) => new SegmentFactory({ address: '10.0.0.1', port: 42000 + i }));
    tcp.push(fs[0]!.seg(0, 1, 'a', PA));
    tcp.push(fs[1]!.seg(0, 1, 'b', PA));
    tcp.push(fs[0]!.seg(0, 2, 'a', PA)); // connection 0 active again: 1 is the idle one
    tcp.push(fs[2]!.seg(0, 1, 'c', PA));
    expect(sink.closes).toEqual([{ conn: 1, reason: 'evicted' }]);
    expect(codes(diags).filter((c) => c === 'tcp-connection-evicted')).toHaveLength(1);
    expect(tcp.stats).toMatchObject({ open: 2, evicted: 1 });
    tcp.end();
    expect(sink.conns.map((c) => c.ended)).toEqual(['capture-end', 'evicted', 'capture-end']);
  });
});

describe('sequence space', () => {
  it('follows a stream across the 2^32 wrap, out of order', () => {
    const { sink, tcp } = harness();
    const f = new SegmentFactory();
    const isn = 0xfffffff0;
    for (const s of handshake(f, isn, 5)) tcp.push(s);
    const data = bytesOf(64);
    tcp.push(f.seg(0, isn + 1 + 32, data.subarray(32), PA, 6));
    tcp.push(f.seg(0, isn + 1, data.subarray(0, 32), PA, 6));
    tcp.end();
    expect(sink.stream(0, 0).equals(data)).toBe(true);
  });

  it('keeps exact offsets in streams longer than 4 GiB', () => {
    const { sink, tcp } = harness();
    const f = new SegmentFactory();
    for (const s of handshake(f, 123, 5)) tcp.push(s);
    const chunk = Buffer.alloc(1 << 16, 0x61);
    const n = (2 ** 32 + 3 * 2 ** 16) / chunk.length; // 65539 chunks, just over 4 GiB
    let seq = 124;
    const counted = { bytes: 0 };
    const origData = sink.chunks.push.bind(sink.chunks);
    sink.chunks.push = (...items) => {
      for (const it of items) counted.bytes += it.bytes.length;
      return 0; // do not keep 65k views around
    };
    for (let i = 0; i < n; i++) {
      tcp.push(f.seg(0, seq, chunk, PA, 6));
      seq = (seq + chunk.length) >>> 0;
    }
    // Out of order beyond the 4 GiB mark, then the hole filled.
    const a = Buffer.from('AAAA');
    const b = Buffer.from('BBBB');
    tcp.push(f.seg(0, (seq + 4) >>> 0, b, PA, 6));
    tcp.push(f.seg(0, seq, a, PA, 6));
    tcp.push(f.seg(0, (seq + 8) >>> 0, '', TCP_FIN | TCP_ACK, 6));
    sink.chunks.push = origData;
    tcp.end();
    const c = sink.conns[0]!;
    expect(counted.bytes).toBe(2 ** 32 + 3 * 2 ** 16 + 8);
    expect(c.stats[0]).toMatchObject({ delivered: 2 ** 32 + 3 * 2 ** 16 + 8, gaps: 0, outOfOrder: 1, retransmissions: 0 });
  });
});

describe('transport detection is not the reassembler\'s', () => {
  // TCP reassembly sets no transport hint: the transport demux (src/transport/sniff.ts) is the one sniffer and
  // sets conn.transport itself. Each case: the reassembler alone leaves it unset; behind it, the demux decides.
  function withDemux() {
    const sink = new RecordingSink();
    const tcp = new TcpReassembler(new TransportDemux(sink));
    return { sink, tcp };
  }

  it('a stream starting with a TLS handshake record is tls, even when it arrives a byte at a time', () => {
    const alone = harness();
    const demuxed = withDemux();
    for (const { sink, tcp } of [alone, demuxed]) {
      const f = new SegmentFactory();
      for (const s of handshake(f, 10, 20)) tcp.push(s);
      tcp.push(f.seg(0, 11, Buffer.from([0x16]), PA, 21));
      expect(sink.conns[0]!.transport).toBeUndefined();
      tcp.push(f.seg(0, 12, Buffer.from([0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]), PA, 21));
    }
    expect(alone.sink.conns[0]!.transport).toBeUndefined();
    expect(demuxed.sink.conns[0]!.transport).toBe('tls');
  });

  it('a TLS record at the start of a mid-connection capture is tls', () => {
    const alone = harness();
    const demuxed = withDemux();
    for (const { tcp } of [alone, demuxed]) {
      const f = new SegmentFactory();
      tcp.push(f.seg(0, 10, Buffer.from([0x17, 0x03, 0x03, 0x00, 0x20, ...bytesOf(32)]), PA, 21));
    }
    expect(alone.sink.conns[0]!.sawSyn).toBe(false);
    expect(alone.sink.conns[0]!.transport).toBeUndefined();
    expect(demuxed.sink.conns[0]!.transport).toBe('tls');
  });

  it('MSRP and non-handshake starts are left alone', () => {
    const alone = harness();
    const demuxed = withDemux();
    for (const { tcp } of [alone, demuxed]) {
      const f = new SegmentFactory();
      for (const s of handshake(f, 10, 20)) tcp.push(s);
      tcp.push(f.seg(0, 11, 'MSRP abc SEND\r\n', PA, 21));
      tcp.push(f.seg(1, 21, Buffer.from([0x17, 0x03, 0x03, 0x00, 0x01, 0]), PA, 26)); // known start, not a handshake
      tcp.end();
    }
    expect(alone.sink.conns[0]!.transport).toBeUndefined();
    expect(demuxed.sink.conns[0]!.transport).toBeUndefined();
  });
});

describe('diagnostics', () => {
  it('caps each code per connection and summarises the rest at close', () => {
    const { tcp, diags } = harness({ diagnosticsPerConnection: 3 });
    const f = new SegmentFactory();
    for (const s of handshake(f, 10, 20)) tcp.push(s);
    tcp.push(f.seg(0, 11, 'ab', PA | TCP_FIN, 21));
    for (let i = 0; i < 8; i++) tcp.push(f.seg(0, 14 + i, 'x', PA, 21));
    expect(codes(diags)).toEqual(['tcp-data-after-fin', 'tcp-data-after-fin', 'tcp-data-after-fin']);
    tcp.end();
    expect(diags).toHaveLength(4);
    expect(diags[3]).toMatchObject({ code: 'tcp-data-after-fin', connection: 0, detail: '5 more tcp-data-after-fin diagnostics on this connection not shown' });
  });
});

describe('code table', () => {
  it('lists every code once, in kebab-case with a meaning', () => {
    const names = TCP_CODES.map((c) => c.code);
    expect(new Set(names).size).toBe(names.length);
    for (const c of TCP_CODES) {
      expect(c.code).toMatch(/^tcp-[a-z]+(-[a-z]+)*$/);
      expect(c.meaning.length).toBeGreaterThan(20);
    }
    expect(names).toEqual(
      expect.arrayContaining(['tcp-gap', 'tcp-overlap-conflict', 'tcp-buffer-overflow', 'tcp-connection-evicted', 'tcp-port-reuse']),
    );
  });
});
