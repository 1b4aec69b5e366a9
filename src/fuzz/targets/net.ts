/** Link layer, IPv4/IPv6 (extension chains, fragments), TCP/UDP headers: PacketDecoder on damaged records. */
import { buildIpFragments, buildTcp, buildUdp, linkTypeOf, type LinkKind } from '../../net/build.js';
import { PacketDecoder } from '../../net/decoder.js';
import { Checker } from '../check.js';
import { mutate } from '../mutate.js';
import { DataProvider, DataWriter } from '../provider.js';
import type { Rng } from '../rng.js';
import type { SeedPool } from '../seeds.js';
import type { FuzzTarget } from '../target.js';

const KINDS: LinkKind[] = ['ether', 'ether-vlan', 'ether-qinq', 'sll', 'sll2', 'null', 'loop', 'raw', 'ipv4', 'ipv6'];
/** Link types a record may claim (index = the byte in the input). */
export const LINK_TYPES: readonly number[] = [...new Set([...KINDS.map(linkTypeOf), 12, 14, 147, 65535])];

function builtRecords(rng: Rng): Array<{ link: number; data: Buffer }> {
  const kind = rng.pick(KINDS);
  const v6 = kind === 'ipv6' || (kind !== 'ipv4' && rng.chance(0.4));
  const src = v6 ? '2001:db8::1' : '192.0.2.1';
  const dst = v6 ? '2001:db8::2' : '192.0.2.2';
  const link = linkTypeOf(kind);
  const payload = rng.bytes(rng.smallLength(3000));
  if (rng.chance(0.5)) {
    const data = rng.chance(0.5)
      ? buildUdp({ src, dst, srcPort: 5060, dstPort: 5060, payload: payload.subarray(0, 1400) }, 'raw').subarray(v6 ? 40 : 20)
      : rng.bytes(rng.range(8, 2000));
    const size = 8 * rng.range(1, 64);
    const total = data.length;
    const pieces: Array<{ offset: number; length: number; more?: boolean }> = [];
    for (let off = 0; off < total; off += size) pieces.push({ offset: off, length: Math.min(size, total - off) });
    // Fragments out of order, duplicated, overlapping, missing.
    for (let k = rng.int(4); k > 0 && pieces.length > 0; k--) {
      const i = rng.int(pieces.length);
      const op = rng.int(4);
      if (op === 0) pieces.splice(i, 1);
      else if (op === 1) pieces.push({ ...pieces[i]! });
      else if (op === 2) pieces.splice(i, 0, { offset: pieces[i]!.offset, length: Math.min(total - pieces[i]!.offset, pieces[i]!.length + 8) });
      else pieces.reverse();
    }
    const frags = buildIpFragments({ src, dst, proto: rng.pick([6, 17]), id: rng.int(65536), data, pieces }, kind);
    return frags.map((f) => ({ link, data: f }));
  }
  const spec = { src, dst, srcPort: rng.int(65536), dstPort: 2855, seq: rng.u32(), flags: rng.int(64), payload: payload.subarray(0, 1400) };
  const opts = rng.chance(0.3) && !v6 ? { ipv4Options: rng.bytes(rng.int(41)) } : {};
  return [{ link, data: rng.chance(0.5) ? buildTcp(spec, kind, opts) : buildUdp(spec, kind, opts) }];
}

function generate(rng: Rng, pool: SeedPool): Buffer {
  let recs: Array<{ link: number; data: Buffer }>;
  if (pool.captures.length > 0 && rng.chance(0.6)) {
    const cap = rng.pick(pool.captures);
    const start = rng.int(cap.records.length);
    recs = cap.records.slice(start, start + 1 + rng.int(32)).map((r) => ({ link: cap.linkTypes[r.interfaceId ?? 0] ?? 1, data: r.data }));
  } else {
    recs = builtRecords(rng);
  }
  const w = new DataWriter();
  for (const r of recs) {
    const li = LINK_TYPES.indexOf(r.link);
    w.u8(rng.chance(0.05) ? rng.int(256) : li < 0 ? 0 : li);
    w.u8(rng.chance(0.05) ? 255 : 0);
    w.u16(rng.chance(0.1) ? rng.int(200) : 0);
    w.bytes(rng.chance(0.6) ? mutate(r.data, rng, 2) : r.data);
  }
  const out = w.done();
  return rng.chance(0.15) ? mutate(out, rng, 2) : out;
}

export const netTarget: FuzzTarget = {
  name: 'net',
  description: 'PacketDecoder: damaged link/IP/TCP/UDP records and IP fragments on every link type',
  generate,
  run(input: Buffer) {
    const check = new Checker();
    const maxFragmentBytes = 64 * 1024;
    const dec = new PacketDecoder({ onDiagnostic: (d) => {
      check.diagnostic(d);
      if (d.detail.startsWith('decoder error')) check.problem(`decoder safety net caught: ${d.detail}`);
    }, maxFragmentBytes, fragmentTimeoutSec: 5 });
    const p = new DataProvider(input);
    let frame = 0;
    let sec = 1_700_000_000;
    while (p.remaining > 0) {
      const li = p.u8();
      const linkType = LINK_TYPES[li] ?? li;
      sec += p.u8();
      const extra = p.u16();
      const data = Buffer.from(p.bytes(65535));
      frame++;
      const seg = dec.decode({ frame, tsSec: sec, tsNsec: 0, linkType, interfaceId: 0, data, originalLength: data.length + extra });
      if (seg !== undefined) {
        check.expect(seg.srcPort >= 0 && seg.srcPort < 65536 && seg.dstPort >= 0 && seg.dstPort < 65536, 'port out of range');
        check.expect(seg.seq >= 0 && seg.seq < 2 ** 32 && seg.ack >= 0 && seg.ack < 2 ** 32, 'sequence number out of range');
        check.expect(seg.payload.length <= 65535, `payload of ${seg.payload.length} bytes`);
        check.expect(seg.payloadMissing === undefined || seg.payloadMissing >= 0, 'negative payloadMissing');
      }
      check.expect(dec.fragmentBytesHeld <= maxFragmentBytes, `fragment bytes held ${dec.fragmentBytesHeld} beyond the bound`);
    }
    dec.finish();
    check.expect(dec.fragmentBytesHeld === 0, 'fragment bytes still held after finish()');
    return check.finish();
  },
};
