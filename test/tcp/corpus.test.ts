/** Reassembly of the shared corpus, checked against tshark's `follow,tcp,raw` and the documented damage. */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runCapture } from '../transport/corpus-run.js';
import { CORPUS, corpusCaptures, expectTsharkAgrees, HAS_CORPUS, HAS_TSHARK, reassembleFile } from './pipeline.js';

if (HAS_CORPUS && !HAS_TSHARK) console.warn('tshark not on PATH: skipping the tshark follow comparison');

describe.skipIf(!HAS_CORPUS || !HAS_TSHARK)('per-direction stream lengths equal tshark follow,tcp,raw', { concurrent: true }, () => {
  for (const file of corpusCaptures()) {
    it(basename(file), async () => {
      await expectTsharkAgrees(file, await reassembleFile(file));
    });
  }
});

describe.skipIf(!HAS_TSHARK)('bundled samples: stream lengths equal tshark follow,tcp,raw', () => {
  const dir = fileURLToPath(new URL('../../samples/', import.meta.url));
  for (const f of readdirSync(dir).filter((n) => /\.pcap(ng)?$/.test(n))) {
    it(f, async () => {
      const r = await reassembleFile(join(dir, f));
      expect(r.sink.conns.length).toBe(1);
      await expectTsharkAgrees(join(dir, f), r);
    });
  }
});

interface DamageEntry {
  frame: number;
  stream: number;
  sport: number;
  dport: number;
  len: number;
}
interface Damage {
  source: string;
  deleted?: DamageEntry[];
  first_kept_frame?: DamageEntry;
}

function damage(): Map<string, Damage> {
  if (!HAS_CORPUS) return new Map();
  return new Map(Object.entries(JSON.parse(readFileSync(join(CORPUS, 'damage.json'), 'utf8')) as Record<string, Damage>));
}

const key = (c: { client: { address: string; port: number }; server: { address: string; port: number } }): string =>
  `${c.client.address}:${c.client.port}-${c.server.address}:${c.server.port}`;

describe.skipIf(!HAS_CORPUS)('damaged corpus captures', () => {
  const dmg = damage();

  it('relay_chunked_gap.pcap reports the deleted frames as gaps of their payload lengths, nothing else changes', async () => {
    const d = dmg.get('relay_chunked_gap.pcap')!;
    const gap = await reassembleFile(join(CORPUS, 'relay_chunked_gap.pcap'), true);
    const orig = await reassembleFile(join(CORPUS, d.source), true);
    expect(gap.sink.conns.map(key)).toEqual(orig.sink.conns.map(key));
    // Expected missing bytes per stream and direction, from damage.json.
    const want = new Map<string, number>();
    for (const e of d.deleted!) {
      const conn = gap.sink.conns[e.stream]!;
      const dir = e.sport === conn.client.port ? 0 : 1;
      want.set(`${e.stream}/${dir}`, (want.get(`${e.stream}/${dir}`) ?? 0) + e.len);
    }
    expect([...want.entries()].sort()).toEqual([
      ['0/0', 2959 + 1500],
      ['1/1', 4459],
    ]);
    const got = new Map<string, number>();
    for (const g of gap.sink.gapList) got.set(`${g.conn}/${g.dir}`, (got.get(`${g.conn}/${g.dir}`) ?? 0) + g.length);
    expect([...got.entries()].sort()).toEqual([...want.entries()].sort());
    // Frames 254 and 261 were consecutive in sequence space: one hole.
    expect(gap.sink.gapList.map((g) => [g.conn, g.dir, g.length])).toEqual([
      [1, 1, 4459],
      [0, 0, 4459],
    ]);
    expect(gap.tcp.stats).toMatchObject({ gaps: 2, missingBytes: 2 * 4459, overlapConflicts: 0 });
    expect(gap.diags.filter((x) => x.code === 'tcp-gap').map((x) => [x.connection, x.offset])).toEqual(
      gap.sink.gapList.map((g) => [g.conn, g.offset]),
    );
    // Around each gap the bytes are the original's; data + gaps = the original stream length.
    for (let c = 0; c < orig.sink.conns.length; c++) {
      for (const dir of [0, 1] as const) {
        const o = orig.sink.stream(c, dir);
        const g = gap.sink.stream(c, dir);
        expect(gap.sink.delivered[c]![dir] + gap.sink.missing[c]![dir]).toBe(o.length);
        expect(gap.sink.conns[c]!.stats[dir].missingBytes).toBe(gap.sink.missing[c]![dir]);
        let at = 0;
        let skipped = 0;
        for (const x of gap.sink.gapList.filter((x) => x.conn === c && x.dir === dir)) {
          expect(g.subarray(at - skipped, x.offset - skipped).equals(o.subarray(at, x.offset))).toBe(true);
          at = x.offset + x.length;
          skipped += x.length;
        }
        expect(g.subarray(at - skipped).equals(o.subarray(at))).toBe(true);
      }
    }
    expect(orig.tcp.stats.gaps).toBe(0);
  });

  for (const name of ['relay_chunked_midstart.pcap', 'node_chunked_midstart.pcapng']) {
    it(`${name} starts mid-connection and continues the original streams exactly`, async () => {
      const d = dmg.get(name)!;
      const mid = await reassembleFile(join(CORPUS, name), true);
      const orig = await reassembleFile(join(CORPUS, d.source), true);
      const first = mid.sink.conns[0]!;
      expect(first.sawSyn).toBe(false);
      expect(first.client.port).toBe(d.first_kept_frame!.sport);
      expect(mid.diags.some((x) => x.code === 'tcp-midstream' && x.connection === 0 && x.frame === 1)).toBe(true);
      expect(mid.tcp.stats.gaps).toBe(0);
      const byKey = new Map(orig.sink.conns.map((c) => [key(c), c.id] as const));
      const byPorts = new Map(orig.sink.conns.map((c) => [`${c.server.port}/${c.client.port}`, c.id] as const));
      let nonEmpty = 0;
      for (const c of mid.sink.conns) {
        // A mid-stream connection's client is its first sender, which may be the original server.
        const oid = byKey.get(key(c)) ?? byPorts.get(`${c.client.port}/${c.server.port}`);
        expect(oid).toBeDefined();
        const swapped = !byKey.has(key(c));
        for (const dir of [0, 1] as const) {
          const m = mid.sink.stream(c.id, dir);
          const o = orig.sink.stream(oid!, swapped ? ((1 - dir) as 0 | 1) : dir);
          expect(m.length).toBeLessThanOrEqual(o.length);
          expect(o.subarray(o.length - m.length).equals(m)).toBe(true);
          if (m.length > 0) nonEmpty++;
        }
      }
      expect(nonEmpty).toBeGreaterThan(0);
    });
  }

  it('undamaged captures have no gaps, no overlap conflicts, and every connection closed', async () => {
    for (const file of corpusCaptures()) {
      if (dmg.has(basename(file))) continue;
      const r = await reassembleFile(file);
      expect({ file, gaps: r.tcp.stats.gaps, conflicts: r.tcp.stats.overlapConflicts }).toEqual({ file, gaps: 0, conflicts: 0 });
      expect(r.sink.closes.size).toBe(r.sink.conns.length);
      expect(r.tcp.stats.open).toBe(0);
      for (const c of r.sink.conns) for (const s of c.stats) expect(s.delivered).toBeLessThanOrEqual(s.bytes);
    }
  });

  it('sets no transport itself; behind it the transport demux marks the TLS legs (including the one captured mid-connection)', async () => {
    // The reassembler no longer sniffs TLS: src/transport (the one sniffer) sets conn.transport.
    const transports = async (file: string) => {
      const alone = await reassembleFile(join(CORPUS, file));
      expect(alone.sink.conns.map((c) => c.transport), file).toEqual(alone.sink.conns.map(() => undefined));
      const run = await runCapture(join(CORPUS, file));
      const conns = [...run.conns.values()].sort((a, b) => a.conn.id - b.conn.id).map((c) => c.conn);
      expect(conns.map((c) => c.id), file).toEqual(alone.sink.conns.map((c) => c.id));
      return conns;
    };
    const all = await transports('relay_tls_all.pcap');
    expect(all.map((c) => c.transport)).toEqual(['tls', 'tls', 'tls']);
    expect(all.filter((c) => !c.sawSyn)).toHaveLength(1);
    const mixed = await transports('relay_tls_mixed.pcap');
    expect(mixed.filter((c) => c.transport === 'tls')).toHaveLength(2);
    const clear = await transports('relay_chunked.pcap');
    expect(clear.filter((c) => c.transport !== undefined)).toHaveLength(0);
  });
});
