import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll } from 'vitest';
import { openCapture, readAllRecords } from '../../src/capture/reader.js';
import { CaptureError } from '../../src/capture/errors.js';
import { writePcap, writePcapng } from '../../src/capture/writer.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import { chunkStream, expected, flat, parseBuffer, sampleRecords, split } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'msrpscope-capture-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

const recs = sampleRecords(50);
const pcap = writePcap(recs, { linkType: 1 });
const pcapng = writePcapng(recs.map((r, i) => ({ ...r, interfaceId: i % 2 })), { interfaces: [{ linkType: 1 }, { linkType: 113 }] });

describe('openCapture', () => {
  it('reads a file path in batches and fills info', async () => {
    const reader = await openCapture(file('a.pcap', pcap));
    expect(reader.info.format).toBe('pcap');
    let batches = 0;
    const got = [];
    for await (const batch of reader) {
      batches++;
      expect(batch.length).toBeGreaterThan(0);
      for (const r of batch) got.push(flat(r));
    }
    expect(batches).toBe(1); // the file is far below one 256 KiB read
    expect(got).toEqual(expected(recs, () => 1));
    expect(reader.info).toMatchObject({ packets: 50, compressed: false, truncated: false });
  });

  it('reads a stream and yields one batch per chunk holding whole records', async () => {
    const chunks = split(pcap, [2000]);
    const reader = await openCapture(chunkStream(chunks));
    const sizes: number[] = [];
    for await (const batch of reader) sizes.push(batch.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(50);
    expect(sizes.length).toBeGreaterThan(3);
  });

  it('readAllRecords copies data out of the read buffers', async () => {
    const { info, records } = await readAllRecords(file('b.pcapng', pcapng));
    expect(info).toMatchObject({ format: 'pcapng', packets: 50, linkTypes: [1, 113] });
    expect(records.map(flat)).toEqual(parseBuffer(pcapng).records);
  });

  it('readAllRecords returns copies: changing the input chunks afterwards changes nothing', async () => {
    const chunks = split(pcap, [4096]);
    const { records } = await readAllRecords(chunkStream(chunks));
    for (const c of chunks) c.fill(0xee);
    expect(records.map(flat)).toEqual(expected(recs, () => 1));
  });

  for (const [name, content] of [
    ['pcap', pcap],
    ['pcapng', pcapng],
  ] as const) {
    it(`decompresses gzip of ${name} detected by magic, whatever the file name`, async () => {
      const { info, records } = await readAllRecords(file(`gz-${name}.bin`, gzipSync(content)));
      const plain = parseBuffer(content);
      expect(records.map(flat)).toEqual(plain.records);
      expect(info).toEqual({ ...plain.info, compressed: true });
    });
  }

  it('flags a gzip stream cut short as a truncated capture and keeps what was read', async () => {
    const big = writePcap(sampleRecords(2000), { linkType: 1 });
    const gz = gzipSync(big);
    const diagnostics: Diagnostic[] = [];
    const { info, records } = await readAllRecords(file('cut.pcap.gz', gz.subarray(0, Math.floor(gz.length * 0.6))), {
      onDiagnostic: (d) => diagnostics.push(d),
    });
    expect(info.truncated).toBe(true);
    expect(info.compressed).toBe(true);
    expect(records.length).toBeGreaterThan(100);
    expect(records.length).toBeLessThan(2000);
    expect(records.map(flat)).toEqual(parseBuffer(big).records.slice(0, records.length));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'capture-truncated', severity: 'warning', frame: records.length + 1 });
    expect(diagnostics[0]?.detail).toBe(`capture cut short after frame ${records.length} (gzip stream ends early)`);
  });

  it('flags a gzip stream cut on a record boundary as truncated too', async () => {
    const gz = gzipSync(pcap);
    const diagnostics: Diagnostic[] = [];
    // Drop only the 8-byte trailer: every record decompresses, the stream is still incomplete.
    const { info, records } = await readAllRecords(file('trailer.gz', gz.subarray(0, gz.length - 8)), {
      onDiagnostic: (d) => diagnostics.push(d),
    });
    expect(records.length).toBe(50);
    expect(info.truncated).toBe(true);
    expect(diagnostics.map((d) => d.code)).toEqual(['capture-truncated']);
  });

  it('reports damaged gzip data as an error diagnostic and keeps earlier records', async () => {
    const big = writePcap(sampleRecords(3000), { linkType: 1 });
    const gz = Buffer.from(gzipSync(big, { level: 1 }));
    for (let i = Math.floor(gz.length / 2); i < Math.floor(gz.length / 2) + 64; i++) gz[i] = 0xff;
    const diagnostics: Diagnostic[] = [];
    const { info, records } = await readAllRecords(file('bad.gz', gz), { onDiagnostic: (d) => diagnostics.push(d) });
    expect(info.truncated).toBe(true);
    expect(records.length).toBeLessThan(3000);
    expect(records.map(flat)).toEqual(parseBuffer(big).records.slice(0, records.length));
    expect(diagnostics.map((d) => d.code)).toEqual(['capture-gzip-corrupt', 'capture-truncated']);
  });

  it('throws after yielding the records within the decompressed size cap', async () => {
    const big = writePcap(sampleRecords(3000), { linkType: 1 });
    const reader = await openCapture(file('cap.gz', gzipSync(big)), { maxDecompressedBytes: 100_000 });
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const batch of reader) for (const r of batch) seen.push(r.frame);
      })(),
    ).rejects.toThrow(new CaptureError('decompressed size exceeds 100000 bytes'));
    const within = parseBuffer(big.subarray(0, 100_000)).records.length;
    expect(seen.length).toBe(within);
    expect(seen.at(-1)).toBe(within);
    expect(reader.info.truncated).toBe(true);
  });

  it('rejects a bad magic at open time, also inside gzip', async () => {
    await expect(openCapture(file('text.txt', Buffer.from('hello, world\n')))).rejects.toThrow(new CaptureError('not a pcap or pcapng capture'));
    await expect(openCapture(file('text.gz', gzipSync(Buffer.from('hello, world\n'))))).rejects.toThrow(new CaptureError('not a pcap or pcapng capture'));
  });

  it('rejects empty inputs and inputs cut inside the file header at open time', async () => {
    await expect(openCapture(file('empty.pcap', Buffer.alloc(0)))).rejects.toThrow(new CaptureError('empty file, not a capture'));
    await expect(openCapture(file('empty.gz', gzipSync(Buffer.alloc(0))))).rejects.toThrow(new CaptureError('empty file, not a capture'));
    await expect(openCapture(file('short.pcap', pcap.subarray(0, 20)))).rejects.toThrow(new CaptureError('capture cut short inside the file header'));
    await expect(openCapture(file('one.pcap', pcap.subarray(0, 1)))).rejects.toThrow(new CaptureError('capture cut short inside the file header'));
  });

  it('rejects a gzip stream cut inside the capture file header at open time', async () => {
    const gz = gzipSync(pcap);
    for (const n of [10, 14, 20]) {
      await expect(openCapture(file(`hdr${n}.gz`, gz.subarray(0, n)))).rejects.toThrow(CaptureError);
    }
    await expect(openCapture(file('hdr-cap.gz', gz), { maxDecompressedBytes: 10 })).rejects.toThrow(new CaptureError('decompressed size exceeds 10 bytes'));
  });

  it('rejects unreadable paths with a one-line CaptureError', async () => {
    const missing = join(dir, 'nope.pcap');
    await expect(openCapture(missing)).rejects.toThrow(new CaptureError(`cannot read ${missing}: no such file`));
    await expect(openCapture(dir)).rejects.toThrow(new CaptureError(`cannot read ${dir}: is a directory`));
  });

  it.skipIf(process.getuid?.() === 0)('rejects a file without read permission', async () => {
    const p = file('secret.pcap', pcap);
    chmodSync(p, 0o000);
    await expect(openCapture(p)).rejects.toThrow(new CaptureError(`cannot read ${p}: permission denied`));
  });

  it('turns a stream error during reading into a CaptureError after the records before it', async () => {
    const src = new PassThrough();
    const reader = await (async () => {
      src.write(pcap.subarray(0, 1000));
      return openCapture(src);
    })();
    const seen: number[] = [];
    const done = (async () => {
      for await (const batch of reader) {
        for (const r of batch) seen.push(r.frame);
        src.destroy(new Error('EIO: i/o error, read'));
      }
    })();
    await expect(done).rejects.toThrow(new CaptureError('cannot read input stream: EIO: i/o error, read'));
    expect(seen.length).toBe(parseBuffer(pcap.subarray(0, 1000)).records.length);
  });

  it('stops reading and closes the stream when the consumer breaks early', async () => {
    const src = chunkStream(split(pcap, [300]));
    const reader = await openCapture(src);
    for await (const batch of reader) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    expect(src.destroyed).toBe(true);
  });

  it('reports a truncated plain file with a warning', async () => {
    const diagnostics: Diagnostic[] = [];
    const { info, records } = await readAllRecords(file('cut.pcap', pcap.subarray(0, pcap.length - 3)), {
      onDiagnostic: (d) => diagnostics.push(d),
    });
    expect(records.length).toBe(49);
    expect(info.truncated).toBe(true);
    expect(diagnostics).toMatchObject([{ code: 'capture-truncated', frame: 50, detail: 'capture cut short after frame 49' }]);
  });
});
