import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrameLog, FrameRuns } from '../../src/cli/frame-log.js';
import { readAllRecords } from '../../src/capture/reader.js';
import { PcapngStreamWriter, PcapStreamWriter } from '../../src/capture/writer.js';
import { joinPieces } from '../../src/util/bytes.js';
import { Readable } from 'node:stream';

/** What FrameRuns gives: the frames added, but one inside the run being extended (a repeat) left out. */
function reference(frames: readonly number[]): number[] {
  const runs: Array<[number, number]> = [];
  for (const f of frames) {
    const last = runs[runs.length - 1];
    if (last !== undefined && f === last[0] + last[1]) last[1]++;
    else if (last === undefined || f < last[0] || f >= last[0] + last[1]) runs.push([f, 1]);
  }
  return runs.flatMap(([start, count]) => Array.from({ length: count }, (_, k) => start + k));
}

describe('FrameRuns', () => {
  it('gives back the frames added, runs and repeats and frames before the last (fragments) included, up to 2^32 (property)', () => {
    const step = fc.oneof(fc.constant(1), fc.constant(1), fc.integer({ min: 0, max: 3 }), fc.integer({ min: -300, max: 300 }), fc.integer({ min: 1, max: 2 ** 31 }));
    fc.assert(
      fc.property(fc.nat(2 ** 32 - 1), fc.array(step, { maxLength: 400 }), (first, steps) => {
        const frames: number[] = [first];
        for (const d of steps) frames.push(Math.min(2 ** 32 - 1, Math.max(0, (frames[frames.length - 1] as number) + d)));
        const runs = new FrameRuns();
        for (const f of frames) runs.add(f);
        const got: number[] = [];
        runs.forEach((f) => got.push(f));
        const want = reference(frames);
        expect(got).toEqual(want);
        expect(runs.frames).toBe(want.length);
      }),
      { numRuns: 300 },
    );
  });

  it('costs about three bytes a frame for a connection interleaved with hundreds of others', () => {
    const runs = new FrameRuns();
    for (let f = 7; f < 2_000_000; f += 500) runs.add(f);
    const got: number[] = [];
    runs.forEach((f) => got.push(f));
    expect(got).toHaveLength(4000);
    expect(got[3999]).toBe(7 + 3999 * 500);
    // 3,999 runs written (the last still grows): the first 7 from 0 (two bytes), the others 499 after the one
    // before (998 zigzagged: two bytes) and a count of one.
    expect((runs as unknown as { used: number }).used).toBe(2 + 3 * 3998);
  });
});

describe('FrameLog', () => {
  it('keeps each connection as runs and selects the frames of connections and dialogs sorted, once each', () => {
    const log = new FrameLog();
    for (const f of [1, 2, 3, 7, 8, 20]) log.tcpFrame(0, f, undefined);
    for (const f of [4, 5, 6, 9]) log.tcpFrame(1, f, undefined);
    // A datagram reassembled at frame 12 from fragments 10, 11 and 12; frame 11 seen again (retransmission).
    log.tcpFrame(2, 12, [10, 11, 12]);
    log.tcpFrame(2, 11, undefined);
    log.tcpFrame(-1, 99, undefined);
    // SIP: over UDP its datagrams (one of them fragmented), over TCP the connection that carried it.
    log.sipMessage('call-a', -1, 13, undefined);
    log.sipMessage('call-a', -1, 15, [14, 15]);
    log.sipMessage('call-b', 1, 9, undefined);
    expect([...log.select([0], [])]).toEqual([1, 2, 3, 7, 8, 20]);
    expect([...log.select([2], [])]).toEqual([10, 11, 12]);
    expect([...log.select([0, 2], ['call-a'])]).toEqual([1, 2, 3, 7, 8, 10, 11, 12, 13, 14, 15, 20]);
    expect([...log.select([], ['call-b'])]).toEqual([4, 5, 6, 9]);
    expect(log.sipConnections('call-b')).toEqual([1]);
    expect([...log.select([5], ['nope'])]).toEqual([]);
  });

  it('grows past its first allocation', () => {
    const log = new FrameLog();
    for (let f = 1; f <= 10_000; f += 2) log.tcpFrame(0, f, undefined);
    const s = log.select([0], []);
    expect(s.length).toBe(5000);
    expect(s[4999]).toBe(9999);
  });
});

describe('stream writers', () => {
  it('pcapng: interfaces as they come, a DSB, nanosecond timestamps and both lengths, read back by the reader', async () => {
    const blocks: Buffer[] = [];
    const secrets: Buffer[] = [];
    const w = new PcapngStreamWriter((b) => blocks.push(b));
    w.secrets(Buffer.from('CLIENT_RANDOM aa bb\n'));
    const a = w.addInterface({ linkType: 1, tsresol: 9 });
    w.packet(a, 1_800_000_000, 123_456_789, Buffer.from([1, 2, 3]), 60);
    const b = w.addInterface({ linkType: 101 });
    w.packet(b, 1_800_000_001, 5_000, Buffer.from([4, 5, 6, 7, 8]), 5);
    const got = await readAllRecords(Readable.from([joinPieces(blocks)]), { onSecrets: (s) => secrets.push(s.data) });
    expect(got.info.packets).toBe(2);
    expect(secrets.map((s) => s.toString())).toEqual(['CLIENT_RANDOM aa bb\n']);
    expect(got.records.map((r) => [r.frame, r.linkType, r.interfaceId, r.tsSec, r.tsNsec, [...r.data], r.originalLength])).toEqual([
      [1, 1, 0, 1_800_000_000, 123_456_789, [1, 2, 3], 60],
      [2, 101, 1, 1_800_000_001, 5_000, [4, 5, 6, 7, 8], 5],
    ]);
    expect(got.info.timestampDigits).toBe(9);
  });

  it('classic pcap: µs or ns', async () => {
    for (const nanosecond of [false, true]) {
      const parts: Buffer[] = [];
      const w = new PcapStreamWriter((b) => parts.push(b), { linkType: 113, nanosecond });
      w.packet(1_800_000_000, 123_456_789, Buffer.from([9, 9]), 100);
      const got = await readAllRecords(Readable.from([joinPieces(parts)]));
      expect(got.records.map((r) => [r.linkType, r.tsNsec, r.originalLength])).toEqual([[113, nanosecond ? 123_456_789 : 123_456_000, 100]]);
    }
  });
});
