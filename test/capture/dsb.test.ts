/** pcapng Decryption Secrets Blocks: writer, reader callback (any chunk split), damaged blocks, corpus, tshark. */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CaptureParser } from '../../src/capture/parser.js';
import { openCapture, readAllRecords } from '../../src/capture/reader.js';
import { SECRETS_TYPE_TLS_KEYLOG, type CaptureSecrets } from '../../src/capture/types.js';
import { pcapngBlock, writePcapng, type WriteSecrets } from '../../src/capture/writer.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import { chunkStream, CORPUS, expected, flat, sampleRecords, split, type ParseResult } from './helpers.js';

const TLSK = 0x544c534b;
const KEYLOG = Buffer.from(
  '# SSL/TLS secrets log file\n' +
    'CLIENT_RANDOM 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f ' +
    'aa'.repeat(48) +
    '\n',
  'utf8',
); // 203 bytes: padded when written
const KEYLOG2 = Buffer.from(`CLIENT_RANDOM ${'11'.repeat(32)} ${'22'.repeat(48)}\nSERVER_HANDSHAKE_TRAFFIC_SECRET ${'33'.repeat(32)} ${'44'.repeat(32)}`, 'utf8');
const OTHER = Buffer.from([1, 2, 3, 4, 5]); // an unknown secrets type, 5 bytes

interface SecretSeen {
  type: number;
  hex: string;
  beforeFrame: number;
}

const seen = (s: CaptureSecrets): SecretSeen => ({ type: s.type, hex: s.data.toString('hex'), beforeFrame: s.beforeFrame });

interface Result extends ParseResult {
  secrets: SecretSeen[];
  /** Packets handed out before each onSecrets call (parser only). */
  packetsAtCall: number[];
}

/** Runs chunks through a CaptureParser with onSecrets. */
function parseWithSecrets(chunks: Buffer[]): Result {
  const diagnostics: Diagnostic[] = [];
  const secrets: SecretSeen[] = [];
  const packetsAtCall: number[] = [];
  const records: ReturnType<typeof flat>[] = [];
  const p = new CaptureParser({
    onDiagnostic: (d) => diagnostics.push(d),
    onSecrets: (s) => {
      secrets.push(seen(s));
      packetsAtCall.push(records.length);
    },
  });
  for (const c of chunks) for (const r of p.push(c)) records.push(flat(r));
  p.end();
  return { records, info: structuredClone(p.info), diagnostics, secrets, packetsAtCall };
}

/** Reads through openCapture (file path or chunks of a stream). */
async function readWithSecrets(source: string | Buffer[]): Promise<Omit<Result, 'packetsAtCall'>> {
  const diagnostics: Diagnostic[] = [];
  const secrets: SecretSeen[] = [];
  const reader = await openCapture(typeof source === 'string' ? source : chunkStream(source), {
    onDiagnostic: (d) => diagnostics.push(d),
    onSecrets: (s) => secrets.push(seen(s)),
  });
  const records = [];
  for await (const batch of reader) for (const r of batch) records.push(flat(r));
  return { records, info: structuredClone(reader.info), diagnostics, secrets };
}

/** Offsets and types of the blocks of a one-section pcapng. */
function blocks(buf: Buffer): Array<{ start: number; type: number; len: number }> {
  const be = buf.readUInt32LE(8) === 0x4d3c2b1a;
  const u32 = (o: number): number => (be ? buf.readUInt32BE(o) : buf.readUInt32LE(o));
  const out = [];
  for (let pos = 0; pos < buf.length; ) {
    const len = u32(pos + 4);
    out.push({ start: pos, type: u32(pos), len });
    pos += len;
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'msrpscope-dsb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const recs = sampleRecords(6);
const SECRETS: WriteSecrets[] = [
  { data: KEYLOG, beforeRecord: 0 },
  { type: TLSK, data: KEYLOG2, beforeRecord: 3 },
  { type: 0x12345678, data: OTHER, beforeRecord: 3 },
  { data: Buffer.alloc(0), beforeRecord: recs.length },
];
const WANT: SecretSeen[] = [
  { type: TLSK, hex: KEYLOG.toString('hex'), beforeFrame: 1 },
  { type: TLSK, hex: KEYLOG2.toString('hex'), beforeFrame: 4 },
  { type: 0x12345678, hex: OTHER.toString('hex'), beforeFrame: 4 },
  { type: TLSK, hex: '', beforeFrame: 7 },
];

describe('pcapng decryption secrets blocks: writer', () => {
  it('exports the TLSK type', () => {
    expect(SECRETS_TYPE_TLS_KEYLOG).toBe(TLSK);
  });

  for (const be of [false, true]) {
    it(`writes DSBs where asked (${be ? 'big' : 'little'}-endian), the rest unchanged`, () => {
      const opts = { interfaces: [{ linkType: 1 }], bigEndian: be };
      const plain = writePcapng(recs, opts);
      expect(writePcapng(recs, { ...opts, secrets: [] }).equals(plain)).toBe(true);
      const buf = writePcapng(recs, { ...opts, secrets: SECRETS });
      const list = blocks(buf);
      expect(list.map((b) => b.type)).toEqual([0x0a0d0d0a, 1, 0x0a, 6, 6, 6, 0x0a, 0x0a, 6, 6, 6, 0x0a]);
      const u32 = (o: number): number => (be ? buf.readUInt32BE(o) : buf.readUInt32LE(o));
      const first = list[2] as { start: number; len: number };
      expect(KEYLOG.length % 4).not.toBe(0); // padding is exercised
      expect(first.len).toBe(20 + ((KEYLOG.length + 3) & ~3));
      expect(u32(first.start + 8)).toBe(TLSK);
      expect(u32(first.start + 12)).toBe(KEYLOG.length);
      const other = list[7] as { start: number; len: number };
      expect(other.len).toBe(20 + 8); // 5 bytes padded to 8
      expect(u32(other.start + 8)).toBe(0x12345678);
      expect(u32(other.start + 12)).toBe(5);
      // Removing the DSBs gives the file without them.
      const kept = list.filter((b) => b.type !== 0x0a).map((b) => buf.subarray(b.start, b.start + b.len));
      expect(Buffer.concat(kept).equals(plain)).toBe(true);
    });
  }

  it('rejects a position outside the records', () => {
    const opts = { interfaces: [{ linkType: 1 }] };
    expect(() => writePcapng(recs, { ...opts, secrets: [{ data: KEYLOG, beforeRecord: 7 }] })).toThrow(RangeError);
    expect(() => writePcapng(recs, { ...opts, secrets: [{ data: KEYLOG, beforeRecord: -1 }] })).toThrow(RangeError);
    expect(() => writePcapng(recs, { ...opts, secrets: [{ data: KEYLOG, beforeRecord: 1.5 }] })).toThrow(RangeError);
    expect(writePcapng([], { ...opts, secrets: [{ data: KEYLOG, beforeRecord: 0 }] }).length).toBeGreaterThan(0);
  });
});

describe('pcapng decryption secrets blocks: reader', () => {
  for (const be of [false, true]) {
    const name = be ? 'big' : 'little';
    const opts = { interfaces: [{ linkType: 1 }, { linkType: 113, tsresol: 9 }], bigEndian: be };
    const rs = recs.map((r, i) => ({ ...r, interfaceId: i % 2 }));
    const plain = writePcapng(rs, opts);
    const buf = writePcapng(rs, { ...opts, secrets: SECRETS });

    it(`hands every DSB to onSecrets with its type, data and next frame (${name}-endian)`, () => {
      const got = parseWithSecrets([buf]);
      expect(got.secrets).toEqual(WANT);
      expect(got.diagnostics).toEqual([]);
      // Packets and the capture summary are those of the file without DSBs.
      const base = parseWithSecrets([plain]);
      expect(base.secrets).toEqual([]);
      expect(got.records).toEqual(base.records);
      expect(got.records).toEqual(expected(rs, (r) => ((r.interfaceId ?? 0) === 0 ? 1 : 113)));
      expect(got.info).toEqual(base.info);
      // One whole push: called while decoding, before the packets after it are handed out.
      expect(got.packetsAtCall).toEqual([0, 0, 0, 0]);
    });

    it(`gives the same callbacks, records and info for every split into chunks (${name}-endian)`, () => {
      const whole = parseWithSecrets([buf]);
      const strip = (r: Result): Omit<Result, 'packetsAtCall'> => ({ records: r.records, info: r.info, diagnostics: r.diagnostics, secrets: r.secrets });
      for (let cut = 1; cut < buf.length; cut++) {
        expect(strip(parseWithSecrets([buf.subarray(0, cut), buf.subarray(cut)]))).toEqual(strip(whole));
      }
      for (const size of [1, 2, 3, 5, 7, 13, 64, 100]) expect(strip(parseWithSecrets(split(buf, [size])))).toEqual(strip(whole));
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 }), (sizes) => {
          const got = parseWithSecrets(split(buf, sizes));
          expect(strip(got)).toEqual(strip(whole));
          // However split, a secret is never announced after a packet that follows it.
          got.packetsAtCall.forEach((n, i) => expect(n).toBeLessThan((WANT[i] as SecretSeen).beforeFrame));
        }),
        { numRuns: 200 },
      );
    });

    it(`reads the same through openCapture: file, split stream, gzip (${name}-endian)`, async () => {
      const whole = parseWithSecrets([buf]);
      const want = { records: whole.records, info: whole.info, diagnostics: whole.diagnostics, secrets: whole.secrets };
      const path = join(dir, `dsb-${name}.pcapng`);
      writeFileSync(path, buf);
      expect(await readWithSecrets(path)).toEqual(want);
      expect(await readWithSecrets(split(buf, [7, 1, 33]))).toEqual(want);
      const gz = join(dir, `dsb-${name}.pcapng.gz`);
      writeFileSync(gz, gzipSync(buf));
      expect(await readWithSecrets(gz)).toEqual({ ...want, info: { ...want.info, compressed: true } });
      // readAllRecords passes the option on too.
      const calls: SecretSeen[] = [];
      await readAllRecords(path, { onSecrets: (s) => calls.push(seen(s)) });
      expect(calls).toEqual(WANT);
    });

    it(`hands out a copy of exactly Secrets Length bytes (${name}-endian)`, () => {
      const datas: Buffer[] = [];
      const chunk = Buffer.from(buf);
      const p = new CaptureParser({ onSecrets: (s) => datas.push(s.data) });
      p.push(chunk);
      p.end();
      chunk.fill(0xee);
      expect(datas.map((d) => d.toString('hex'))).toEqual(WANT.map((w) => w.hex));
    });

    it(`without onSecrets, DSBs are skipped as before (${name}-endian)`, () => {
      const diagnostics: Diagnostic[] = [];
      const p = new CaptureParser({ onDiagnostic: (d) => diagnostics.push(d) });
      const n = p.push(buf).length;
      p.end();
      expect(n).toBe(recs.length);
      expect(diagnostics).toEqual([]);
    });

    it(`reports a DSB whose secrets length exceeds its block, skips it and reads on (${name}-endian)`, () => {
      const good = writePcapng(rs, { ...opts, secrets: [SECRETS[0] as WriteSecrets, { data: KEYLOG2, beforeRecord: 2 }, { data: OTHER, type: 7, beforeRecord: 4 }] });
      const dsbs = blocks(good).filter((b) => b.type === 0x0a);
      const bad = Buffer.from(good);
      const target = dsbs[1] as { start: number; len: number };
      if (be) bad.writeUInt32BE(target.len - 19, target.start + 12);
      else bad.writeUInt32LE(target.len - 19, target.start + 12);
      const got = parseWithSecrets([bad]);
      expect(got.diagnostics).toEqual([
        {
          code: 'capture-corrupt-record',
          severity: 'error',
          frame: 3,
          connection: -1,
          offset: target.start,
          detail: `frame 3 at offset ${target.start}: decryption secrets length ${target.len - 19} does not fit the block of ${target.len} bytes`,
        },
      ]);
      expect(got.secrets).toEqual([
        { type: TLSK, hex: KEYLOG.toString('hex'), beforeFrame: 1 },
        { type: 7, hex: OTHER.toString('hex'), beforeFrame: 5 },
      ]);
      expect(got.records).toEqual(parseWithSecrets([plain]).records);
      expect(got.info.truncated).toBe(false);
      expect(got.info.packets).toBe(recs.length);
      // Same for any split.
      const { packetsAtCall: _a, ...want } = got;
      for (let cut = 1; cut < bad.length; cut += 3) {
        const { packetsAtCall: _b, ...part } = parseWithSecrets([bad.subarray(0, cut), bad.subarray(cut)]);
        expect(part).toEqual(want);
      }
    });

    it(`reports a DSB too short for its header and one over the 16 MiB cap, reads on (${name}-endian)`, () => {
      const w = (v: number): Buffer => {
        const b = Buffer.alloc(4);
        if (be) b.writeUInt32BE(v >>> 0, 0);
        else b.writeUInt32LE(v >>> 0, 0);
        return b;
      };
      const head = writePcapng([], opts);
      const short = pcapngBlock(0x0a, w(TLSK), be); // 16 bytes: no secrets length
      const huge = pcapngBlock(0x0a, Buffer.concat([w(TLSK), w(0x01000001), Buffer.alloc(8)]), be);
      const body = writePcapng(rs, opts).subarray(head.length);
      const file = Buffer.concat([head, short, huge, body]);
      const got = parseWithSecrets([file]);
      expect(got.diagnostics.map((d) => [d.code, d.frame, d.offset, d.detail])).toEqual([
        ['capture-corrupt-record', 1, head.length, `frame 1 at offset ${head.length}: decryption secrets block too short (16 bytes)`],
        [
          'capture-corrupt-record',
          1,
          head.length + 16,
          `frame 1 at offset ${head.length + 16}: decryption secrets length ${0x01000001} exceeds ${16 * 1024 * 1024}`,
        ],
      ]);
      expect(got.secrets).toEqual([]);
      expect(got.records).toEqual(parseWithSecrets([plain]).records);
    });
  }

  it('reads DSBs in sections of either byte order in one file', () => {
    const a = writePcapng(recs.slice(0, 3), { interfaces: [{ linkType: 1 }], bigEndian: true, secrets: [{ data: KEYLOG, beforeRecord: 1 }] });
    const b = writePcapng(recs.slice(3), { interfaces: [{ linkType: 1 }], secrets: [{ data: KEYLOG2, beforeRecord: 0 }] });
    const got = parseWithSecrets([Buffer.concat([a, b])]);
    expect(got.secrets).toEqual([
      { type: TLSK, hex: KEYLOG.toString('hex'), beforeFrame: 2 },
      { type: TLSK, hex: KEYLOG2.toString('hex'), beforeFrame: 4 },
    ]);
    expect(got.records.length).toBe(6);
    expect(got.diagnostics).toEqual([]);
  });
});

const DSB_FILE = `${CORPUS}/tls/tls12_gcm_dsb.pcapng`;
const KEYS_FILE = `${CORPUS}/tls/tls12_gcm.pcap.keys.txt`;

/** The non-empty, non-comment lines of a key log. */
const keyLines = (text: string): Set<string> =>
  new Set(
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#')),
  );

describe.skipIf(!existsSync(DSB_FILE) || !existsSync(KEYS_FILE) || !existsSync(`${CORPUS}/tls/tls12_gcm.pcap`))('corpus: keys embedded by editcap --inject-secrets', () => {
  it('yields one TLSK secret holding the key log of tls12_gcm.pcap', async () => {
    const secrets: CaptureSecrets[] = [];
    const diagnostics: Diagnostic[] = [];
    const { records, info } = await readAllRecords(DSB_FILE, { onSecrets: (s) => secrets.push(s), onDiagnostic: (d) => diagnostics.push(d) });
    expect(diagnostics).toEqual([]);
    expect(secrets.length).toBe(1);
    const s = secrets[0] as CaptureSecrets;
    expect(s.type).toBe(TLSK);
    expect(s.beforeFrame).toBe(1);
    const text = s.data.toString('utf8');
    expect(text).toContain('CLIENT_RANDOM ');
    const want = keyLines(readFileSync(KEYS_FILE, 'utf8'));
    expect(want.size).toBeGreaterThan(0);
    expect(keyLines(text)).toEqual(want);
    // The packets are those of the pcap the keys belong to.
    const pcap = await readAllRecords(`${CORPUS}/tls/tls12_gcm.pcap`);
    expect(info.packets).toBe(pcap.info.packets);
    expect(records.map((r) => r.data.toString('hex'))).toEqual(pcap.records.map((r) => r.data.toString('hex')));
  });
});

function hasTshark(): boolean {
  try {
    execFileSync('which', ['tshark'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasTshark())('tshark reads the DSBs we write', () => {
  for (const be of [false, true]) {
    it(`${be ? 'big' : 'little'}-endian`, () => {
      const path = join(dir, `tshark-dsb-${be ? 'be' : 'le'}.pcapng`);
      writeFileSync(path, writePcapng(recs, { interfaces: [{ linkType: 1 }], bigEndian: be, secrets: SECRETS }));
      // Throws (non-zero exit) when tshark finds the file damaged.
      const out = execFileSync('tshark', ['-n', '-r', path, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(out.split('\n').filter((l) => l !== '').length).toBe(recs.length);
      execFileSync('tshark', ['-n', '-r', path, '-q'], { stdio: 'ignore' });
    });
  }
});
