import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Dir, TcpConnection } from '../../src/tcp/types.js';
import type { MsrpFrame } from '../../src/msrp/types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHARED = path.resolve(HERE, '../../../shared');
const CORPUS = path.join(SHARED, 'corpus');
const SRC = path.resolve(HERE, '../../src');
const stagesPresent = ['capture/reader.ts', 'net/decoder.ts', 'tcp/reassembler.ts'].every((f) => existsSync(path.join(SRC, f)));

/** `- requests by method: AUTH=4, SEND=9` → Map; `-` → empty. */
function kv(line: string | undefined): Map<string, number> {
  const m = new Map<string, number>();
  if (!line) return m;
  for (const part of line.split(',')) {
    const eq = part.lastIndexOf('=');
    if (eq > 0) m.set(part.slice(0, eq).trim(), Number(part.slice(eq + 1).trim()));
  }
  return m;
}

interface Truth {
  requests: Map<string, number>;
  responses: Map<string, number>;
  skipped: number;
  kinds: string;
}

function readTruth(file: string): Truth {
  const txt = readFileSync(file + '.truth.md', 'utf8');
  const ind = txt.split('## Independent count')[1] ?? '';
  const line = (re: RegExp) => re.exec(ind)?.[1];
  return {
    requests: kv(line(/^- requests by method: (.*)$/m)),
    responses: kv(line(/^- responses by status code: (.*)$/m)),
    skipped: Number(line(/bytes skipped while resynchronising: (\d+)/) ?? 'NaN'),
    kinds: line(/^- stream kinds: (.*)$/m) ?? '',
  };
}

interface Result {
  requests: Map<string, number>;
  responses: Map<string, number>;
  skipped: number;
  msrpConnections: number;
  /** TLS connections found by the transport demux (MsrpTap only sees what the demux passes on). */
  tlsConnections: number;
  frames: { conn: number; dir: Dir; m: MsrpFrame }[];
  diagnostics: Diagnostic[];
}

async function analyze(file: string): Promise<Result> {
  const { feedTcp } = await import('../helpers/tcp-feed.js');
  const { MsrpTap } = await import('../../src/msrp/tap.js');
  const { TransportDemux } = await import('../../src/transport/demux.js');
  const frames: Result['frames'] = [];
  const diagnostics: Diagnostic[] = [];
  // Every complete (not truncated) request and response on the wire, each relay leg counted.
  const requests = new Map<string, number>();
  const responses = new Map<string, number>();
  let msrpConnections = 0;
  const tap = new MsrpTap({
    frame: (conn: TcpConnection, dir: Dir, m: MsrpFrame) => {
      frames.push({ conn: conn.id, dir, m });
      if (m.truncated) return;
      const counts = m.kind === 'request' ? requests : responses;
      const key = m.kind === 'request' ? (m.method ?? '') : String(m.status ?? 0);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    diagnostic: (d: Diagnostic) => diagnostics.push(d),
    msrpConnection: () => msrpConnections++,
  });
  // As src/cli/pipeline.ts: TLS is recognised (and, without keys, withheld) before the tap.
  const demux = new TransportDemux(tap);
  await feedTcp(file, demux);
  return {
    requests,
    responses,
    skipped: tap.stats.bytesSkipped,
    msrpConnections,
    tlsConnections: demux.stats.tls,
    frames,
    diagnostics,
  };
}

const sorted = (m: Map<string, number>) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));

const captures = existsSync(CORPUS)
  ? readdirSync(CORPUS).filter((f) => /\.(pcap|pcapng)$/.test(f) && !f.startsWith('ws_'))
  : [];

/** Damage applied to a capture (damage.json): the source it was cut from. */
function damageSource(name: string): string | undefined {
  const file = path.join(CORPUS, 'damage.json');
  if (!existsSync(file)) return undefined;
  const d = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { source?: string; editcap_deleted_frames?: number[] }>;
  return d[name]?.editcap_deleted_frames ? d[name]!.source : undefined;
}

function deletedMsrpStarts(name: string): number {
  const d = JSON.parse(readFileSync(path.join(CORPUS, 'damage.json'), 'utf8')) as Record<string, { deleted?: Array<{ msrp_start: boolean }> }>;
  return (d[name]?.deleted ?? []).filter((x) => x.msrp_start).length;
}

describe.skipIf(!existsSync(CORPUS) || !stagesPresent)('corpus: counts equal the independent count', () => {
  for (const name of captures) {
    const source = damageSource(name);
    if (source !== undefined) {
      // Frames deleted from the middle: the independent count comes from tshark's follow output, which
      // holds back (never prints) data after some unfilled holes, so it undercounts; our reassembler
      // hands up everything after a gap. Our count must lie between that undercount and the undamaged
      // source, and the bytes of the cut message after the hole must be skipped.
      it(`${name} (frames deleted: between the independent count and ${source})`, async () => {
        const truth = readTruth(path.join(CORPUS, name));
        const full = readTruth(path.join(CORPUS, source));
        const r = await analyze(path.join(CORPUS, name));
        for (const [got, low, high] of [
          [r.requests, truth.requests, full.requests],
          [r.responses, truth.responses, full.responses],
        ] as const) {
          for (const [k, v] of high) {
            expect(got.get(k) ?? 0, k).toBeGreaterThanOrEqual(low.get(k) ?? 0);
            expect(got.get(k) ?? 0, k).toBeLessThanOrEqual(v);
          }
          expect([...got.keys()].every((k) => high.has(k))).toBe(true);
        }
        expect(r.skipped).toBeGreaterThan(0);
        expect(r.diagnostics.filter((d) => d.code === 'truncated-by-gap').length).toBeGreaterThan(0);
        // Exact: every SEND of the undamaged capture is either counted, cut by a gap, or had its start-line
        // in a deleted frame (damage.json says which deleted frames held an MSRP start).
        const deletedStarts = deletedMsrpStarts(name);
        const cut = r.diagnostics.filter((d) => d.code === 'truncated-by-gap').length;
        expect((r.requests.get('SEND') ?? 0) + cut + deletedStarts).toBe(full.requests.get('SEND'));
        expect(r.requests.get('REPORT')).toBe(full.requests.get('REPORT'));
        expect(r.diagnostics.filter((d) => d.code === 'resync').length).toBeGreaterThan(0);
      });
      continue;
    }
    it(name, async () => {
      const file = path.join(CORPUS, name);
      const truth = readTruth(file);
      const r = await analyze(file);
      expect(sorted(r.requests)).toEqual(sorted(truth.requests));
      expect(sorted(r.responses)).toEqual(sorted(truth.responses));
      expect(r.skipped).toBe(truth.skipped);
      expect(r.diagnostics.some((d) => d.code === 'resync')).toBe(truth.skipped > 0);
      const msrpStreams = (truth.kinds.match(/=msrp\b/g) ?? []).length;
      const tlsStreams = (truth.kinds.match(/=tls\b/g) ?? []).length;
      expect(r.msrpConnections).toBe(msrpStreams);
      expect(r.tlsConnections).toBe(tlsStreams);
    });
  }
});

const GENERATOR = path.join(SHARED, 'tools', 'genmsrp.py');
const hasPython = spawnSync('python3', ['--version']).status === 0;

describe.skipIf(!existsSync(GENERATOR) || !hasPython || !stagesPresent)('generated traffic (shared/tools/genmsrp.py)', () => {
  const cases: [string, string[]][] = [
    ['clean', ['--sessions', '30', '--target-mb', '4', '--seed', '11']],
    ['retransmitted and reordered', ['--sessions', '20', '--target-mb', '3', '--seed', '12', '--retrans', '0.05', '--reorder', '0.05']],
  ];
  for (const [label, args] of cases) {
    it(`${label}: requests and responses equal the generator's truth, nothing skipped`, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'msrp-gen-'));
      try {
        const file = path.join(dir, 'gen.pcap');
        const run = spawnSync('python3', [GENERATOR, file, ...args], { encoding: 'utf8' });
        expect(run.status, run.stderr).toBe(0);
        const truth = JSON.parse(readFileSync(file + '.truth.json', 'utf8')) as {
          requests: Record<string, number>;
          responses: Record<string, number>;
        };
        const r = await analyze(file);
        expect(sorted(r.requests)).toEqual(sorted(new Map(Object.entries(truth.requests))));
        expect(sorted(r.responses)).toEqual(sorted(new Map(Object.entries(truth.responses))));
        expect(r.skipped).toBe(0);
        expect(r.diagnostics.filter((d) => d.code === 'resync' || d.code.startsWith('truncated'))).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
