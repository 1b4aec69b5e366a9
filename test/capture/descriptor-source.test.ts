/**
 * Standard input read by its descriptor (DescriptorSource): a pipe (a FIFO, as a shell makes it) read into the
 * reader's reused buffers, a regular file as a file, and stop() ending the input where it is while the writer still
 * holds the pipe open. The writer is a child process that writes the capture in pieces of random sizes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, open, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openCapture, readAllRecords } from '../../src/capture/reader.js';
import { DescriptorSource, type CaptureRecord } from '../../src/capture/types.js';
import { syntheticPcap } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'msrpscope-descriptor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HAVE_MKFIFO = spawnSync('mkfifo', ['--version']).status === 0;

const data = syntheticPcap(3000);
const file = join(dir, 'capture.pcap');
writeFileSync(file, data);
let fifos = 0;

/**
 * A FIFO a child process writes `file` into, in pieces of the sizes given (cycled), pausing `pauseMs` after each
 * piece; with `hold`, it keeps the FIFO open after the last byte until it is killed. Returns the FIFO opened for
 * reading and the writer.
 */
async function fifoWriter(pieces: number[], pauseMs: number, hold = false): Promise<{ fd: number; writer: ChildProcess; exited: Promise<unknown> }> {
  const path = join(dir, `fifo-${fifos++}`);
  expect(spawnSync('mkfifo', [path]).status).toBe(0);
  const script = `
    const fs = require('fs');
    const [file, fifo, pieces, pause, hold] = process.argv.slice(1);
    const data = fs.readFileSync(file);
    const sizes = JSON.parse(pieces);
    const fd = fs.openSync(fifo, 'w');
    let at = 0, k = 0;
    const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    while (at < data.length) {
      const n = Math.min(sizes[k++ % sizes.length], data.length - at);
      for (let w = 0; w < n; ) w += fs.writeSync(fd, data, at + w, n - w);
      at += n;
      if (Number(pause) > 0) sleep(Number(pause));
    }
    if (hold === '1') setInterval(() => undefined, 1000);
    else fs.closeSync(fd);
  `;
  const writer = spawn(process.execPath, ['-e', script, file, path, JSON.stringify(pieces), String(pauseMs), hold ? '1' : '0'], { stdio: 'ignore' });
  const exited = new Promise((r) => writer.once('exit', r));
  // Opening a FIFO for reading waits for its writer: off the event loop. A plain descriptor (the reader's socket
  // closes it), not a FileHandle (which would close it again once collected).
  const fd = await new Promise<number>((resolve, reject) => open(path, 'r', (err, d) => (err === null ? resolve(d) : reject(err))));
  return { fd, writer, exited };
}

function same(a: readonly CaptureRecord[], b: readonly CaptureRecord[]): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    expect(a[i]!.frame).toBe(b[i]!.frame);
    expect(a[i]!.tsSec).toBe(b[i]!.tsSec);
    expect(a[i]!.data.equals(b[i]!.data)).toBe(true);
  }
}

describe.skipIf(!HAVE_MKFIFO)('a capture read from a pipe by its descriptor', () => {
  const whole = readAllRecords(file);

  it('gives the records of the file, in whatever pieces the writer writes, with the read buffers reused', async () => {
    const expected = (await whole).records;
    expect(expected.length).toBe(3000);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1000, max: 200_000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 4096, max: 100_000 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 5 }),
        async (pieces, chunkBytes, waits) => {
          const { fd, exited } = await fifoWriter(pieces, 0);
          // Poisoned buffers: a chunk handed out again while a record still pointed into it, or while it waited to
          // be handed out, would show. The consumer waits for timers now and then (as the pipeline waits for its
          // output to drain): reads queue up meanwhile, and the reading is stopped and started again.
          const reader = await openCapture(new DescriptorSource(fd), { chunkBytes, reuseChunks: true, reuseRecords: true, poisonReusedChunks: true });
          const got: CaptureRecord[] = [];
          let k = 0;
          for await (const batch of reader) {
            for (const r of batch) got.push({ ...r, data: Buffer.from(r.data) });
            const wait = waits[k++ % waits.length] as number;
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          }
          await exited;
          same(got, expected);
          expect(reader.info.bytes).toBe((await whole).info.bytes);
          expect(reader.info.truncated).toBe(false);
        },
      ),
      { numRuns: 8 },
    );
  }, 60_000);

  it('reads a writer that writes slowly, piece by piece, to its end', async () => {
    const { fd, exited } = await fifoWriter([7, 1500, 65_536, 333], 1);
    const got = await readAllRecords(new DescriptorSource(fd), { reuseChunks: true, poisonReusedChunks: true });
    await exited;
    same(got.records, (await whole).records);
  }, 60_000);

  it('stop() ends the input where it is while the writer holds the pipe open, keeping what was read', async () => {
    const { fd, writer } = await fifoWriter([100_000], 0, true);
    const src = new DescriptorSource(fd);
    const reader = await openCapture(src, { reuseChunks: true });
    let packets = 0;
    const started = Date.now();
    for await (const batch of reader) {
      packets += batch.length;
      // Every record written is read; the writer then waits with the pipe open: stop() ends the reading.
      if (packets === 3000) setTimeout(() => src.stop(), 50);
    }
    writer.kill();
    expect(packets).toBe(3000);
    expect(reader.info.packets).toBe(3000);
    expect(src.stopped).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);
});

describe('a capture read from a regular file by its descriptor', () => {
  it('reads it as the file, from the descriptor offset on', async () => {
    const fd = openSync(file, 'r');
    try {
      const got = await readAllRecords(new DescriptorSource(fd));
      same(got.records, (await readAllRecords(file)).records);
    } finally {
      closeSync(fd);
    }
  });

  it('stop() ends it after the chunk in hand (Ctrl-C on `msrpscope - < file`), keeping what was read', async () => {
    const fd = openSync(file, 'r');
    try {
      const src = new DescriptorSource(fd);
      const reader = await openCapture(src, { chunkBytes: 64 * 1024 });
      let packets = 0;
      for await (const batch of reader) {
        packets += batch.length;
        src.stop();
      }
      // 64 KiB of records of 60-1460 bytes, and the chunk read ahead: some, not all 3000.
      expect(packets).toBeGreaterThan(40);
      expect(packets).toBeLessThan(300);
      expect(reader.info.packets).toBe(packets);
    } finally {
      closeSync(fd);
    }
  });
});
