import { describe, expect, it } from 'vitest';
import { buildIpFragments } from '../../src/net/build.js';
import { PacketDecoder } from '../../src/net/decoder.js';
import { MemoryProbe, MiB } from './memory.js';

const RAW = 101;

function decoder() {
  const counts = new Map<string, number>();
  // Every diagnostic is counted here (the decoder shows the first few of each code and counts the rest).
  const dec = new PacketDecoder({ diagnosticsPerCode: Number.MAX_SAFE_INTEGER, onDiagnostic: (d) => counts.set(d.code, (counts.get(d.code) ?? 0) + 1) });
  return { dec, counts };
}

describe('IP fragments that never complete', () => {
  it('time out by capture time; bytes held stay bounded; the end reports the rest', () => {
    const { dec, counts } = decoder();
    const data = Buffer.alloc(3000, 0x41);
    let frame = 0;
    let maxHeld = 0;
    // 3000 datagrams, one every 100 ms of capture time, each missing its last fragment.
    for (let id = 0; id < 3000; id++) {
      const frags = buildIpFragments({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17, id, data, size: 1480 }, 'raw');
      for (const f of frags.slice(0, -1)) {
        dec.decode({ frame: ++frame, tsSec: 1_800_000_000 + Math.floor(id / 10), tsNsec: (id % 10) * 100_000_000, linkType: RAW, interfaceId: 0, data: f, originalLength: f.length });
      }
      maxHeld = Math.max(maxHeld, dec.fragmentBytesHeld);
    }
    // 30 s of capture time hold 300 datagrams of 2960 bytes; older ones timed out.
    expect(maxHeld).toBeLessThanOrEqual(301 * 2960);
    expect(counts.get('ip-fragment-timeout')).toBeGreaterThanOrEqual(2690);
    const pending = 3000 - counts.get('ip-fragment-timeout')!;
    dec.finish();
    expect(counts.get('ip-fragment-incomplete')).toBe(pending);
    expect(dec.fragmentBytesHeld).toBe(0);
    expect(dec.stats.reassembled).toBe(0);
  });

  it('many datagrams at one instant: at most 4096 pending, the oldest dropped with a diagnostic', () => {
    const { dec, counts } = decoder();
    const data = Buffer.alloc(2000, 0x42);
    let frame = 0;
    for (let id = 0; id < 10_000; id++) {
      const [first] = buildIpFragments({ src: '10.0.0.3', dst: '10.0.0.4', proto: 6, id, data, size: 1480 }, 'raw');
      dec.decode({ frame: ++frame, tsSec: 1_800_000_000, tsNsec: 0, linkType: RAW, interfaceId: 0, data: first!, originalLength: first!.length });
    }
    expect(counts.get('ip-fragment-overflow')).toBe(10_000 - 4096);
    expect(dec.fragmentBytesHeld).toBe(4096 * 1480);
    dec.finish();
    expect(counts.get('ip-fragment-incomplete')).toBe(4096);
  });

  it('tiny fragments with holes between them: bounded by pieces as well as bytes, in bounded memory and time', () => {
    const { dec, counts } = decoder();
    const data = Buffer.alloc(64_000, 0x43);
    // Every other 8-byte piece of each datagram: 4000 pieces per datagram, none ever complete.
    const pieces: Array<{ offset: number; length: number; more: boolean }> = [];
    for (let off = 0; off + 8 <= 64_000; off += 16) pieces.push({ offset: off, length: 8, more: true });
    const probe = new MemoryProbe();
    let frame = 0;
    let maxPieces = 0;
    for (let id = 0; id < 120; id++) {
      for (const f of buildIpFragments({ src: '10.0.0.5', dst: '10.0.0.6', proto: 17, id, data, pieces }, 'raw')) {
        dec.decode({ frame: ++frame, tsSec: 1_800_000_000, tsNsec: 0, linkType: RAW, interfaceId: 0, data: f, originalLength: f.length });
      }
      maxPieces = Math.max(maxPieces, dec.fragmentPiecesHeld);
      probe.sample();
    }
    const retained = probe.retained();
    expect(maxPieces).toBeLessThanOrEqual(65_536);
    expect(dec.fragmentBytesHeld).toBeLessThanOrEqual(65_536 * 8);
    expect(counts.get('ip-fragment-overflow')).toBeGreaterThan(0);
    // Before the piece bound, 16 MiB of 8-byte pieces (2 million objects) took over 300 MiB of heap.
    expect(retained).toBeLessThan(32 * MiB);
    dec.finish();
    expect(dec.fragmentPiecesHeld).toBe(0);
  }, 30_000);
});
