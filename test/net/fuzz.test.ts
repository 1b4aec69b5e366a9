import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildIpFragments, buildTcp, buildUdp, buildUdpDatagram, linkTypeOf } from '../../src/net/build.js';
import type { LinkKind } from '../../src/net/build.js';
import { PacketDecoder } from '../../src/net/decoder.js';
import { NET_CODES } from '../../src/net/codes.js';
import type { Segment } from '../../src/net/types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';

const KINDS: LinkKind[] = ['ether', 'ether-vlan', 'ether-qinq', 'sll', 'sll2', 'null', 'loop', 'raw', 'ipv4', 'ipv6'];
const LINK_NUMBERS = [...new Set(KINDS.map(linkTypeOf)), 12, 14, 147];
const KNOWN = new Set(NET_CODES.map((c) => c.code));

/** A copy with its own ArrayBuffer (Buffer.alloc never uses the shared pool), so views can be told apart. */
function unpooled(b: Uint8Array): Buffer {
  const out = Buffer.alloc(b.length);
  out.set(b, 0);
  return out;
}

function check(seg: Segment | undefined, data: Buffer): void {
  if (seg === undefined) return;
  expect(seg.proto === 'tcp' || seg.proto === 'udp').toBe(true);
  expect(seg.srcPort).toBeGreaterThanOrEqual(0);
  expect(seg.srcPort).toBeLessThan(65536);
  expect(seg.seq).toBeGreaterThanOrEqual(0);
  expect(seg.seq).toBeLessThan(2 ** 32);
  expect(seg.payload.length).toBeLessThanOrEqual(65535);
  if (seg.payload.buffer === data.buffer) {
    expect(seg.payload.byteOffset).toBeGreaterThanOrEqual(data.byteOffset);
    expect(seg.payload.byteOffset + seg.payload.length).toBeLessThanOrEqual(data.byteOffset + data.length);
  }
}

function decoderWithChecks(): { dec: PacketDecoder; diags: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const dec = new PacketDecoder({ onDiagnostic: (d) => diags.push(d), maxFragmentBytes: 4096 });
  return { dec, diags };
}

function assertDiagnostics(diags: Diagnostic[]): void {
  for (const d of diags) {
    expect(KNOWN.has(d.code)).toBe(true);
    // The decoder's own safety net must never be what caught a bad packet.
    expect(d.detail.startsWith('decoder error')).toBe(false);
  }
}

describe('garbage never throws', () => {
  it('random bytes on every link type', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LINK_NUMBERS),
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        fc.integer({ min: 0, max: 100 }),
        (linkType, bytes, extra) => {
          const { dec, diags } = decoderWithChecks();
          const data = unpooled(bytes);
          const seg = dec.decode({ frame: 1, tsSec: 1, tsNsec: 0, linkType, interfaceId: 0, data, originalLength: data.length + extra });
          check(seg, data);
          dec.finish();
          assertDiagnostics(diags);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('random bytes behind a valid link + IP header prefix', () => {
    const prefixes: Array<[number, Buffer]> = [];
    for (const kind of KINDS) {
      for (const addrs of [
        { src: '1.2.3.4', dst: '5.6.7.8' },
        { src: '::1', dst: '::2' },
      ]) {
        if ((kind === 'ipv4' && addrs.src === '::1') || (kind === 'ipv6' && addrs.src === '1.2.3.4')) continue;
        const f = buildTcp({ ...addrs, srcPort: 1, dstPort: 2, seq: 0, flags: 0 }, kind);
        prefixes.push([linkTypeOf(kind), f.subarray(0, f.length - 20)]);
      }
    }
    fc.assert(
      fc.property(
        fc.constantFrom(...prefixes),
        fc.uint8Array({ minLength: 0, maxLength: 120 }),
        fc.nat(60),
        ([linkType, prefix], tail, cut) => {
          const { dec, diags } = decoderWithChecks();
          const data = Buffer.alloc(prefix.length + tail.length);
          data.set(prefix, 0);
          data.set(tail, prefix.length);
          // Random bytes in the IP header too, sometimes.
          if (cut > 30 && data.length > cut) data[data.length - cut] = tail.length > 0 ? tail[0]! : 0;
          const seg = dec.decode({ frame: 1, tsSec: 1, tsNsec: 0, linkType, interfaceId: 0, data, originalLength: data.length });
          check(seg, data);
          assertDiagnostics(diags);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('valid packets and fragments with random byte flips and cuts, decoded as one stream', () => {
    const frames: Array<[LinkKind, Buffer]> = [];
    for (const kind of KINDS) {
      const addrs = kind === 'ipv6' ? { src: 'fd00::1', dst: 'fd00::2' } : { src: '10.0.0.1', dst: '10.0.0.2' };
      frames.push([kind, buildTcp({ ...addrs, srcPort: 1, dstPort: 2, seq: 3, flags: 0x18, payload: Buffer.alloc(40, 1) }, kind)]);
      frames.push([kind, buildUdp({ ...addrs, srcPort: 1, dstPort: 2, payload: Buffer.alloc(30, 2) }, kind)]);
      const dg = buildUdpDatagram({ ...addrs, srcPort: 1, dstPort: 2, payload: Buffer.alloc(100, 3) });
      for (const f of buildIpFragments({ ...addrs, proto: 17, id: 7, data: dg, size: 40 }, kind)) frames.push([kind, f]);
    }
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            i: fc.nat(frames.length - 1),
            flips: fc.array(fc.record({ at: fc.nat(200), v: fc.integer({ min: 0, max: 255 }) }), { maxLength: 4 }),
            cut: fc.nat(200),
            dt: fc.integer({ min: 0, max: 20 }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        (steps) => {
          const { dec, diags } = decoderWithChecks();
          let t = 0;
          steps.forEach((s, n) => {
            const [kind, f] = frames[s.i]!;
            const data = unpooled(f);
            for (const fl of s.flips) if (fl.at < data.length) data[fl.at] = fl.v;
            const cut = data.subarray(0, Math.max(0, data.length - (s.cut % 50 === 0 ? s.cut % 30 : 0)));
            t += s.dt;
            const seg = dec.decode({ frame: n + 1, tsSec: t, tsNsec: 0, linkType: linkTypeOf(kind), interfaceId: 0, data: cut, originalLength: data.length });
            check(seg, cut);
          });
          dec.finish();
          expect(dec.fragmentBytesHeld).toBe(0);
          assertDiagnostics(diags);
        },
      ),
      { numRuns: 500 },
    );
  });
});
