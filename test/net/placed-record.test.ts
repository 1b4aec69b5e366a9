/**
 * A reader's records (ReadRecord) are decoded where they lie in the read buffer, between the bytes of other
 * packets: the decoder must read nothing before or after the record. Property: every frame, cut short or with
 * a byte flipped, decodes the same (segment, payload bytes, diagnostics) as a record of its own bytes when it is
 * placed at a random offset in a buffer of random bytes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildIpFragments, buildTcp, buildUdp, buildUdpDatagram, linkTypeOf, type LinkKind } from '../../src/net/build.js';
import { PacketDecoder } from '../../src/net/decoder.js';
import { ReadRecord } from '../../src/capture/read-record.js';
import type { CaptureRecord } from '../../src/capture/types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';

const KINDS: LinkKind[] = ['ether', 'ether-vlan', 'ether-qinq', 'sll', 'sll2', 'null', 'loop', 'raw', 'ipv4', 'ipv6'];

function frames(): Array<[number, Buffer]> {
  const out: Array<[number, Buffer]> = [];
  for (const kind of KINDS) {
    const lt = linkTypeOf(kind);
    const addrs = kind === 'ipv6' ? { src: 'fd00::1', dst: 'fd00::2' } : { src: '10.0.0.1', dst: '10.0.0.2' };
    out.push([lt, buildTcp({ ...addrs, srcPort: 1, dstPort: 2, seq: 3, flags: 0x18, payload: Buffer.alloc(40, 1) }, kind)]);
    out.push([lt, buildTcp({ ...addrs, srcPort: 1, dstPort: 2, seq: 4, flags: 0x10 }, kind)]);
    out.push([lt, buildUdp({ ...addrs, srcPort: 1, dstPort: 2, payload: Buffer.alloc(30, 2) }, kind)]);
    const dg = buildUdpDatagram({ ...addrs, srcPort: 1, dstPort: 2, payload: Buffer.alloc(100, 3) });
    for (const f of buildIpFragments({ ...addrs, proto: 17, id: 7, data: dg, size: 40 }, kind)) out.push([lt, f]);
  }
  return out;
}

interface Seen {
  segments: string[];
  diags: Diagnostic[];
}

function decodeAll(records: CaptureRecord[]): Seen {
  const diags: Diagnostic[] = [];
  const dec = new PacketDecoder({ onDiagnostic: (d) => diags.push(d) });
  const segments: string[] = [];
  for (const r of records) {
    const s = dec.decode(r);
    segments.push(s === undefined ? '-' : JSON.stringify({ ...s, payload: s.payload.toString('hex') }));
  }
  dec.finish();
  return { segments, diags };
}

describe('a record decoded where it lies in its read buffer', () => {
  const all = frames();

  it('decodes as the same bytes in a record of their own, whatever lies around them', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            which: fc.nat(all.length - 1),
            cut: fc.nat(80),
            flip: fc.option(fc.tuple(fc.nat(200), fc.integer({ min: 1, max: 255 })), { nil: undefined }),
            before: fc.uint8Array({ maxLength: 24 }),
            after: fc.uint8Array({ maxLength: 24 }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        (specs) => {
          const plain: CaptureRecord[] = [];
          const placed: CaptureRecord[] = [];
          specs.forEach((spec, i) => {
            const [linkType, frame] = all[spec.which]!;
            const bytes = Buffer.from(frame.subarray(0, Math.max(0, frame.length - spec.cut)));
            if (spec.flip !== undefined && bytes.length > 0) bytes[spec.flip[0] % bytes.length]! ^= spec.flip[1];
            const common = { frame: i + 1, tsSec: 1000 + i, tsNsec: 0, linkType, interfaceId: 0, originalLength: frame.length };
            plain.push({ ...common, data: bytes });
            const around = Buffer.concat([Buffer.from(spec.before), bytes, Buffer.from(spec.after)]);
            const r = new ReadRecord(around, spec.before.length, spec.before.length + bytes.length);
            Object.assign(r, common);
            placed.push(r);
          });
          const a = decodeAll(plain);
          const b = decodeAll(placed);
          expect(b.segments).toEqual(a.segments);
          expect(b.diags).toEqual(a.diags);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('makes its data view only when asked, and of its own bytes', () => {
    const buf = Buffer.from('xxABCDyy');
    const r = new ReadRecord(buf, 2, 6);
    expect(r.data.toString()).toBe('ABCD');
    expect(r.data).toBe(r.data);
    r.place(buf, 0, 2);
    expect(r.data.toString()).toBe('xx');
    // A copy made by spreading takes the view, not where it lay.
    const copy = { ...r, data: Buffer.from(r.data) };
    expect(Object.keys(copy).sort()).toEqual(['data', 'frame', 'interfaceId', 'linkType', 'originalLength', 'tsNsec', 'tsSec']);
  });
});
