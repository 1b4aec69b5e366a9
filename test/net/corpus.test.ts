import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCapture } from '../../src/capture/reader.js';
import { PacketDecoder } from '../../src/net/decoder.js';
import type { Segment } from '../../src/net/types.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus', import.meta.url));
const HAS_CORPUS = existsSync(CORPUS);
const FILES = HAS_CORPUS ? readdirSync(CORPUS).filter((f) => /\.(pcap|pcapng)(\.gz)?$/.test(f)).sort() : [];

function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const TSHARK = HAS_CORPUS && hasTshark();

interface Decoded {
  segments: Segment[];
  diags: Diagnostic[];
  packets: number;
}

async function decodeFile(path: string): Promise<Decoded> {
  const diags: Diagnostic[] = [];
  const dec = new PacketDecoder({ onDiagnostic: (d) => diags.push(d) });
  const segments: Segment[] = [];
  let packets = 0;
  const reader = await openCapture(path);
  for await (const batch of reader) {
    for (const rec of batch) {
      packets++;
      const s = dec.decode(rec);
      // The reader reuses its buffers: keep only what the test compares.
      if (s !== undefined) segments.push({ ...s, payload: Buffer.alloc(s.payload.length) });
    }
  }
  dec.finish();
  return { segments, diags, packets };
}

/** One row per frame that tshark decodes as TCP or UDP (the first transport layer, not one quoted by ICMP). */
interface TsharkRow {
  frame: number;
  proto: 'tcp' | 'udp';
  src: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  len: number;
}

function tsharkRows(path: string): TsharkRow[] {
  const out = execFileSync(
    'tshark',
    ['-r', path, '-o', 'tcp.relative_sequence_numbers:FALSE', '-T', 'fields', '-E', 'occurrence=f',
      '-e', 'frame.number', '-e', 'frame.protocols', '-e', 'ip.src', '-e', 'ipv6.src',
      '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'tcp.seq', '-e', 'tcp.len',
      '-e', 'udp.srcport', '-e', 'udp.dstport', '-e', 'udp.length'],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const rows: TsharkRow[] = [];
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const f = line.split('\t');
    const layers = (f[1] ?? '').split(':');
    const stop = layers.findIndex((l) => l === 'icmp' || l === 'icmpv6');
    const upto = stop < 0 ? layers : layers.slice(0, stop);
    const proto = upto.includes('tcp') ? 'tcp' : upto.includes('udp') ? 'udp' : undefined;
    if (proto === undefined) continue;
    const src = f[2] !== '' ? f[2]! : f[3]!;
    if (proto === 'tcp') {
      rows.push({ frame: Number(f[0]), proto, src, srcPort: Number(f[4]), dstPort: Number(f[5]), seq: Number(f[6]), len: Number(f[7]) });
    } else {
      rows.push({ frame: Number(f[0]), proto, src, srcPort: Number(f[8]), dstPort: Number(f[9]), seq: 0, len: Number(f[10]) - 8 });
    }
  }
  return rows;
}

describe.skipIf(!HAS_CORPUS || FILES.length === 0)('corpus decodes cleanly', () => {
  it.each(FILES)('%s', async (name) => {
    const { segments, diags, packets } = await decodeFile(join(CORPUS, name));
    expect(packets).toBeGreaterThan(0);
    expect(segments.length).toBeGreaterThan(0);
    expect(segments.length).toBeLessThanOrEqual(packets);
    // No malformed packets or unsupported link types (notes such as a snaplen cut would be acceptable).
    expect(diags.filter((d) => d.severity !== 'note')).toEqual([]);
  });
});

describe.skipIf(!TSHARK || FILES.length === 0)('corpus agrees with tshark', { concurrent: true }, () => {
  it.each(FILES)('%s', async (name) => {
    const path = join(CORPUS, name);
    const { segments } = await decodeFile(path);
    const rows = tsharkRows(path);
    const count = (p: string, list: Array<{ proto: string }>): number => list.filter((x) => x.proto === p).length;
    expect(count('tcp', segments)).toBe(count('tcp', rows));
    expect(count('udp', segments)).toBe(count('udp', rows));
    expect(
      segments.map((s) => ({ frame: s.frame, proto: s.proto, src: s.src, srcPort: s.srcPort, dstPort: s.dstPort, seq: s.seq, len: s.payload.length })),
    ).toEqual(rows);
  });
});
