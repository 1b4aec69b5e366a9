import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildIpFragments, buildTcpSegment, buildUdpDatagram } from '../../src/net/build.js';
import { joinPieces } from '../../src/util/bytes.js';
import { PacketDecoder } from '../../src/net/decoder.js';
import type { Segment } from '../../src/net/types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import { codes, decodeFrames, record } from './helpers.js';

const A4 = { src: '192.0.2.1', dst: '192.0.2.2' };
const A6 = { src: 'fd00::1', dst: 'fd00::2' };

function body(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

for (const [name, addrs] of [
  ['IPv4', A4],
  ['IPv6', A6],
] as const) {
  describe(`${name} fragment reassembly`, () => {
    const payload = body(1000);
    const dgram = buildUdpDatagram({ ...addrs, srcPort: 5060, dstPort: 5070, payload });

    it('in order: the datagram appears on the last fragment, with its frame number and time', () => {
      const frags = buildIpFragments({ ...addrs, proto: 17, id: 0x1234, data: dgram, size: 256 });
      expect(frags.length).toBe(4);
      const run = decodeFrames(frags, 'ether', { step: 1 });
      expect(run.segments.slice(0, 3)).toEqual([undefined, undefined, undefined]);
      const s = run.segments[3]!;
      expect(s).toMatchObject({ frame: 4, tsSec: 1003, proto: 'udp', ipVersion: name === 'IPv4' ? 4 : 6, srcPort: 5060, dstPort: 5070 });
      expect(s.src).toBe(addrs.src);
      expect(s.payload.toString('hex')).toBe(payload.toString('hex'));
      expect(run.decoder.stats).toMatchObject({ fragments: 4, reassembled: 1, udp: 1, skipped: 0 });
      expect(run.decoder.fragmentBytesHeld).toBe(0);
      expect(run.diags).toEqual([]);
    });

    it('any arrival order gives the same datagram, completed by the last fragment to arrive', () => {
      const frags = buildIpFragments({ ...addrs, proto: 17, id: 77, data: dgram, size: 104 });
      fc.assert(
        fc.property(fc.shuffledSubarray(frags.map((_, i) => i), { minLength: frags.length, maxLength: frags.length }), (order) => {
          const run = decodeFrames(
            order.map((i) => frags[i]!),
            'ether',
          );
          const done = run.segments.map((s, i) => (s === undefined ? -1 : i)).filter((i) => i >= 0);
          expect(done).toEqual([frags.length - 1]);
          expect(run.segments[frags.length - 1]!.payload.toString('hex')).toBe(payload.toString('hex'));
          expect(run.diags).toEqual([]);
        }),
        { numRuns: 100 },
      );
    });

    it('TCP over fragments: the payload is a reassembled copy', () => {
      const tcp = buildTcpSegment({ ...addrs, srcPort: 2855, dstPort: 40000, seq: 5000, flags: 0x18, payload: body(300, 9) });
      const frags = buildIpFragments({ ...addrs, proto: 6, id: 9, data: tcp, size: 160 });
      const run = decodeFrames(frags.reverse());
      const s = run.segments[1]!;
      expect(s).toMatchObject({ proto: 'tcp', seq: 5000, srcPort: 2855, frame: 2 });
      expect(s.payload.toString('hex')).toBe(body(300, 9).toString('hex'));
      const before = s.payload.toString('hex');
      for (const f of frags) f.fill(0xee, 14); // wipe the records: the reassembled payload must not change
      expect(s.payload.toString('hex')).toBe(before);
    });

    it('overlapping fragments: the first data wins, a note is given', () => {
      const d = buildUdpDatagram({ ...addrs, srcPort: 1, dstPort: 2, payload: Buffer.alloc(40, 0x61) }); // 48 bytes
      const conflicting = Buffer.alloc(24, 0x7a);
      const frags = buildIpFragments({
        ...addrs,
        proto: 17,
        id: 3,
        data: d,
        pieces: [
          { offset: 0, length: 24 },
          { offset: 16, length: 24, data: conflicting }, // bytes 16..24 overlap, 24..40 new
          { offset: 8, length: 8 }, // entirely inside earlier data
          { offset: 40, length: 8 },
        ],
      });
      const run = decodeFrames(frags);
      const s = run.segments[3]!;
      expect(s.payload.toString('latin1')).toBe('a'.repeat(16) + 'z'.repeat(16) + 'a'.repeat(8));
      expect(codes(run.diags)).toEqual(['ip-fragment-overlap', 'ip-fragment-overlap']);
      expect(run.diags.map((x) => x.frame)).toEqual([2, 3]);
      expect(run.diags[0]!.severity).toBe('note');
    });

    it('a datagram that never completes times out by capture time', () => {
      const frags = buildIpFragments({ ...addrs, proto: 17, id: 5, data: dgram, size: 256 });
      const other = buildIpFragments({ ...addrs, proto: 17, id: 6, data: dgram, size: 2000 })[0]!; // unfragmented
      const diags: Diagnostic[] = [];
      const dec = new PacketDecoder({ onDiagnostic: (x) => diags.push(x), fragmentTimeoutSec: 30 });
      dec.decode(record(frags[0]!, 'ether', { frame: 1, tsSec: 100 }));
      dec.decode(record(frags[1]!, 'ether', { frame: 2, tsSec: 120 }));
      expect(dec.decode(record(other, 'ether', { frame: 3, tsSec: 130 }))?.proto).toBe('udp');
      expect(diags).toEqual([]);
      expect(dec.fragmentBytesHeld).toBe(512);
      expect(dec.decode(record(other, 'ether', { frame: 4, tsSec: 130, tsNsec: 1000 }))?.proto).toBe('udp');
      expect(codes(diags)).toEqual(['ip-fragment-timeout']);
      expect(diags[0]!.frame).toBe(1);
      expect(dec.fragmentBytesHeld).toBe(0);
      // The rest arrives too late: it starts a new datagram that cannot complete.
      expect(dec.decode(record(frags[2]!, 'ether', { frame: 5, tsSec: 131 }))).toBeUndefined();
      expect(dec.decode(record(frags[3]!, 'ether', { frame: 6, tsSec: 131 }))).toBeUndefined();
      dec.finish();
      expect(codes(diags)).toEqual(['ip-fragment-timeout', 'ip-fragment-incomplete']);
      expect(diags[1]!.frame).toBe(5);
      expect(dec.stats).toMatchObject({ fragments: 4, reassembled: 0, udp: 2 });
    });

    it('memory is bounded: the oldest incomplete datagram is dropped', () => {
      const big = buildUdpDatagram({ ...addrs, srcPort: 1, dstPort: 2, payload: body(1192) }); // 1200 bytes
      const byId = [1, 2, 3].map((id) => buildIpFragments({ ...addrs, proto: 17, id, data: big, size: 600 }));
      const diags: Diagnostic[] = [];
      const dec = new PacketDecoder({ onDiagnostic: (x) => diags.push(x), maxFragmentBytes: 1500 });
      const segs: Array<Segment | undefined> = [];
      let frame = 0;
      const push = (f: Buffer): void => {
        segs.push(dec.decode(record(f, 'ether', { frame: ++frame })));
      };
      push(byId[0]![0]!);
      push(byId[1]![0]!);
      expect(dec.fragmentBytesHeld).toBe(1200);
      push(byId[2]![0]!); // 1800 > 1500: id 1 goes
      expect(dec.fragmentBytesHeld).toBe(1200);
      expect(codes(diags)).toEqual(['ip-fragment-overflow']);
      expect(diags[0]!.detail).toContain('id 1');
      push(byId[0]![1]!); // id 1's first half is gone: now held 1800 → id 2 goes
      push(byId[2]![1]!); // id 3 completes
      expect(segs.map((s) => s?.payload.length)).toEqual([undefined, undefined, undefined, undefined, 1192]);
      expect(codes(diags)).toEqual(['ip-fragment-overflow', 'ip-fragment-overflow']);
      expect(dec.fragmentBytesHeld).toBe(600);
      // A single fragment larger than the bound is dropped at once.
      const tiny = new PacketDecoder({ maxFragmentBytes: 100 });
      tiny.decode(record(byId[0]![0]!));
      expect(tiny.fragmentBytesHeld).toBe(0);
    });

    it('impossible fragments are ignored with ip-fragment-invalid', () => {
      const d = body(100);
      const frags = buildIpFragments({
        ...addrs,
        proto: 17,
        id: 11,
        data: d,
        pieces: [
          { offset: 0, length: 20, more: true }, // not a multiple of 8
          { offset: 65528, length: 16, more: false, data: Buffer.alloc(16) }, // ends beyond 65535
        ],
      });
      const run = decodeFrames(frags);
      expect(codes(run.diags)).toEqual(['ip-fragment-invalid', 'ip-fragment-invalid']);
      expect(run.decoder.fragmentBytesHeld).toBe(0);
    });
  });
}

describe('fragment keys and IPv6 specifics', () => {
  it('IPv4 datagrams with the same id but another protocol or address do not mix', () => {
    const u = buildUdpDatagram({ ...A4, srcPort: 1, dstPort: 2, payload: body(40) });
    const t = buildTcpSegment({ ...A4, srcPort: 1, dstPort: 2, seq: 1, flags: 0x10, payload: body(28) });
    const fu = buildIpFragments({ ...A4, proto: 17, id: 42, data: u, size: 24 });
    const ft = buildIpFragments({ ...A4, proto: 6, id: 42, data: t, size: 24 });
    const fx = buildIpFragments({ src: '192.0.2.9', dst: A4.dst, proto: 17, id: 42, data: u, size: 24 });
    const run = decodeFrames([fu[0]!, ft[0]!, fx[0]!, ft[1]!, fx[1]!, fu[1]!]);
    expect(run.segments.map((s) => (s === undefined ? '-' : `${s.proto}:${s.src}`))).toEqual([
      '-',
      '-',
      '-',
      'tcp:192.0.2.1',
      'udp:192.0.2.9',
      'udp:192.0.2.1',
    ]);
  });

  it('IPv6: extension headers inside the fragmentable part are walked after reassembly', () => {
    const tcp = buildTcpSegment({ ...A6, srcPort: 1, dstPort: 2, seq: 1, flags: 0x18, payload: body(100) });
    const destOpts = Buffer.from([6, 0, 1, 4, 0, 0, 0, 0]); // next header TCP, PadN
    const data = joinPieces([destOpts, tcp]);
    const frags = buildIpFragments({ ...A6, proto: 60, id: 0xdeadbeef, data, size: 64 }, 'sll2');
    const run = decodeFrames(frags, 'sll2');
    const s = run.segments[frags.length - 1]!;
    expect(s.proto).toBe('tcp');
    expect(s.payload.toString('hex')).toBe(body(100).toString('hex'));
  });

  it('IPv6: a fragment of an ESP datagram completes as skipped', () => {
    const frags = buildIpFragments({ ...A6, proto: 50, id: 1, data: body(48), size: 24 });
    const run = decodeFrames(frags);
    expect(run.segments).toEqual([undefined, undefined]);
    expect(run.decoder.stats).toMatchObject({ fragments: 2, reassembled: 1, skipped: 1 });
  });

  it('many interleaved datagrams complete independently', () => {
    const frames: Buffer[] = [];
    const lists = Array.from({ length: 50 }, (_, id) =>
      buildIpFragments({ ...A4, proto: 17, id, data: buildUdpDatagram({ ...A4, srcPort: id, dstPort: 9, payload: body(200, id) }), size: 64 }),
    );
    for (let i = 0; i < 4; i++) for (const l of lists) frames.push(l[i]!);
    const run = decodeFrames(frames);
    const done = run.segments.filter((s): s is Segment => s !== undefined);
    expect(done.map((s) => s.srcPort)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(done.every((s) => s.payload.toString('hex') === body(200, s.srcPort).toString('hex'))).toBe(true);
    expect(run.decoder.fragmentBytesHeld).toBe(0);
  });
});
