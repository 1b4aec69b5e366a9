/** Packet counts and per-frame epoch timestamps against tshark (skipped when tshark is not installed). */
import { describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';
import { readAllRecords } from '../../src/capture/reader.js';
import { writePcap, writePcapng } from '../../src/capture/writer.js';
import { corpusFiles, HAS_CORPUS, sampleCaptureFiles, sampleRecords } from './helpers.js';

function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const TSHARK = hasTshark();
if (!TSHARK) console.warn('tshark not on PATH: skipping the tshark comparison of capture timestamps');

const run = promisify(execFile);

/** One tshark call per file: epoch time, captured and wire length of every frame. */
async function tsharkRows(path: string): Promise<string[]> {
  const { stdout } = await run('tshark', ['-n', '-r', path, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.cap_len', '-e', 'frame.len'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.split('\n').filter((l) => l !== '');
}

async function ourRows(path: string): Promise<string[]> {
  const { records } = await readAllRecords(path);
  return records.map((r) => `${r.tsSec}.${String(r.tsNsec).padStart(9, '0')}\t${r.data.length}\t${r.originalLength}`);
}

const dir = mkdtempSync(join(tmpdir(), 'msrpscope-tshark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!TSHARK || !HAS_CORPUS)('tshark agrees on the corpus', { concurrent: true }, () => {
  for (const f of corpusFiles()) {
    it(`same frames and epoch timestamps in ${f.split('/').pop()}`, async () => {
      const want = await tsharkRows(f);
      expect(want.length).toBeGreaterThan(0);
      expect(await ourRows(f)).toEqual(want);
    });
  }
});

describe.skipIf(!TSHARK)('tshark agrees on written captures of every variant', { concurrent: true }, () => {
  const recs = sampleRecords(20).map((r, i) => ({ ...r, tsNsec: r.tsNsec + (i * 7919) % 1000, interfaceId: i % 2 }));
  const cases: [string, () => Buffer][] = [
    ['pcap-us-le', () => writePcap(recs, { linkType: 1 })],
    ['pcap-us-be', () => writePcap(recs, { linkType: 1, bigEndian: true })],
    ['pcap-ns-le', () => writePcap(recs, { linkType: 1, nanosecond: true })],
    ['pcap-ns-be', () => writePcap(recs, { linkType: 113, nanosecond: true, bigEndian: true })],
    ['pcapng-epb-resolutions', () => writePcapng(recs, { interfaces: [{ linkType: 1, tsresol: 9 }, { linkType: 113, tsresol: 0x80 | 20 }] })],
    ['pcapng-epb-ms-be-offset', () => writePcapng(recs, { interfaces: [{ linkType: 1, tsresol: 3, tsoffset: 1000 }, { linkType: 276, tsoffset: -5 }], bigEndian: true })],
    ['pcapng-opb', () => writePcapng(recs, { interfaces: [{ linkType: 1 }, { linkType: 1, tsresol: 0x80 | 10 }], block: 'opb' })],
    ['pcapng-two-sections', () => Buffer.from([...writePcapng(recs.slice(0, 10), { interfaces: [{ linkType: 1 }, { linkType: 113 }], bigEndian: true }), ...writePcapng(recs.slice(10), { interfaces: [{ linkType: 113, tsresol: 9 }, { linkType: 1 }] })])],
  ];
  for (const [name, make] of cases) {
    it(`same frames and epoch timestamps in ${name}`, async () => {
      const p = join(dir, `${name}.${name.startsWith('pcapng') ? 'pcapng' : 'pcap'}`);
      writeFileSync(p, make());
      const want = await tsharkRows(p);
      expect(want.length).toBe(20);
      expect(await ourRows(p)).toEqual(want);
    });
  }
});

describe.skipIf(!TSHARK)('tshark agrees on the bundled samples', () => {
  for (const f of sampleCaptureFiles()) {
    it(`same frames and epoch timestamps in samples/${f.split('/').pop()}`, async () => {
      const want = await tsharkRows(f);
      expect(want).toHaveLength(47);
      expect(await ourRows(f)).toEqual(want);
    });
  }
});
