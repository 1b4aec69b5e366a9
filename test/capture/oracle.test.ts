/** Our reader against an independent implementation (pcap-parser) on classic microsecond pcaps. */
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { openSync, readSync, closeSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { readAllRecords } from '../../src/capture/reader.js';
import { writePcap } from '../../src/capture/writer.js';
import { corpusFiles, HAS_CORPUS, sampleCaptureFiles, sampleRecords } from './helpers.js';

interface OracleHeader {
  timestampSeconds: number;
  timestampMicroseconds: number;
  capturedLength: number;
  originalLength: number;
}
interface OracleParser {
  on(ev: 'packet', cb: (p: { header: OracleHeader; data: Buffer }) => void): OracleParser;
  on(ev: 'end', cb: () => void): OracleParser;
  on(ev: 'error', cb: (e: Error) => void): OracleParser;
}
const require = createRequire(import.meta.url);
const pcapParser = require('pcap-parser') as { parse(input: string): OracleParser };

interface OraclePacket {
  sec: number;
  usec: number;
  caplen: number;
  orig: number;
  hex: string;
}

function oracle(path: string): Promise<OraclePacket[]> {
  return new Promise((resolve, reject) => {
    const out: OraclePacket[] = [];
    pcapParser
      .parse(path)
      .on('packet', (p) => {
        const h = p.header;
        out.push({ sec: h.timestampSeconds, usec: h.timestampMicroseconds, caplen: h.capturedLength, orig: h.originalLength, hex: p.data.toString('hex') });
      })
      .on('error', reject)
      .on('end', () => resolve(out));
  });
}

async function ours(path: string): Promise<OraclePacket[]> {
  const { records } = await readAllRecords(path);
  return records.map((r) => ({ sec: r.tsSec, usec: r.tsNsec / 1000, caplen: r.data.length, orig: r.originalLength, hex: r.data.toString('hex') }));
}

function isMicrosecondPcap(path: string): boolean {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(4);
  readSync(fd, head, 0, 4, 0);
  closeSync(fd);
  const m = head.toString('hex');
  return m === 'd4c3b2a1' || m === 'a1b2c3d4';
}

const dir = mkdtempSync(join(tmpdir(), 'msrpscope-oracle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pcap-parser oracle on written captures', () => {
  for (const bigEndian of [false, true]) {
    it(`agrees on a ${bigEndian ? 'big' : 'little'}-endian µs pcap`, async () => {
      const p = join(dir, `w-${bigEndian}.pcap`);
      writeFileSync(p, writePcap(sampleRecords(300), { linkType: 1, bigEndian }));
      const want = await oracle(p);
      expect(want.length).toBe(300);
      expect(await ours(p)).toEqual(want);
    });
  }
});

const corpusPcaps = corpusFiles().filter((f) => f.endsWith('.pcap') && isMicrosecondPcap(f));

describe.skipIf(!HAS_CORPUS || corpusPcaps.length === 0)('pcap-parser oracle on the corpus', () => {
  for (const f of corpusPcaps) {
    it(`agrees on ${f.split('/').pop()}`, async () => {
      const want = await oracle(f);
      expect(want.length).toBeGreaterThan(0);
      expect(await ours(f)).toEqual(want);
    });
  }
});

const samplePcaps = sampleCaptureFiles().filter((f) => f.endsWith('.pcap') && isMicrosecondPcap(f));

describe('pcap-parser oracle on the bundled samples', () => {
  it('has a classic microsecond pcap among the samples', () => {
    expect(samplePcaps.map((f) => f.split('/').pop())).toContain('chat.pcap');
  });
  for (const f of samplePcaps) {
    it(`agrees on samples/${f.split('/').pop()}`, async () => {
      const want = await oracle(f);
      expect(want.length).toBe(47);
      expect(await ours(f)).toEqual(want);
    });
  }
});
