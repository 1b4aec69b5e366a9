import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture, readAllRecords } from '../../src/capture/reader.js';
import { CaptureError } from '../../src/capture/errors.js';
import { syntheticPcap as pcap } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'msrpscope-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading a capture file by path', () => {
  // About 6 MB: many read chunks, several turns given to the event loop.
  const file = join(dir, 'big.pcap');
  const data = pcap(8000);
  writeFileSync(file, data);

  it('gives the same records as reading the same bytes from a stream', async () => {
    const byPath = await readAllRecords(file);
    const byStream = await readAllRecords(createReadStream(file, { highWaterMark: 100_003 }));
    expect(byPath.records.length).toBe(8000);
    expect(byPath.info.bytes).toBe(byStream.info.bytes);
    expect(byPath.info.packets).toBe(8000);
    for (let i = 0; i < 8000; i += 997) {
      expect(byPath.records[i]!.frame).toBe(byStream.records[i]!.frame);
      expect(byPath.records[i]!.data.equals(byStream.records[i]!.data)).toBe(true);
    }
  });

  it('gives the event loop a turn while a large file is read', async () => {
    // A chain of immediates counts the event loop's turns; each batch notes the count it saw.
    let turns = 0;
    let reading = true;
    const tick = (): void => {
      turns++;
      if (reading) setImmediate(tick);
    };
    setImmediate(tick);
    const seen: number[] = [];
    for await (const batch of await openCapture(file)) {
      if (batch.length > 0) seen.push(turns);
    }
    reading = false;
    // One batch per read of 1 MiB, and a turn of the event loop before each.
    expect(seen.length).toBe(Math.ceil(data.length / (1024 * 1024)));
    expect(seen.length).toBeGreaterThan(4);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
  });

  it('reports a missing file and a directory as unreadable', async () => {
    await expect(openCapture(join(dir, 'absent.pcap'))).rejects.toThrow(CaptureError);
    await expect(openCapture(join(dir, 'absent.pcap'))).rejects.toThrow(/no such file/);
    await expect(openCapture(dir)).rejects.toThrow(/is a directory/);
  });

  const fifo = join(dir, 'fifo');
  const haveFifo = spawnSync('mkfifo', [fifo]).status === 0;
  it.skipIf(!haveFifo)('reads a FIFO as a stream', async () => {
    const small = pcap(300);
    const p = spawn('sh', ['-c', `cat > '${fifo}'`], { stdio: ['pipe', 'ignore', 'ignore'] });
    p.stdin.end(small);
    const feeder = new Promise<void>((resolve) => p.on('close', () => resolve()));
    const r = await readAllRecords(fifo);
    await feeder;
    expect(r.records.length).toBe(300);
    expect(r.records[299]!.data.equals(Buffer.alloc(r.records[299]!.data.length, 299 & 0xff))).toBe(true);
  });
});
