/**
 * Text to a pipe or a file written asynchronously: src/cli/pooled-writer.ts encodes it into a few reused
 * buffers and asks writers to wait while all are out; src/cli/pipeline.ts waits on `pace` between batches.
 */
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePcap, type WriteRecord } from '../../src/capture/writer.js';
import { buildUdp } from '../../src/net/build.js';
import { PooledWriter } from '../../src/cli/pooled-writer.js';
import { terminalSafeJson } from '../../src/export/json-safe.js';
import { runPipeline } from '../../src/cli/pipeline.js';
import { Correlator } from '../../src/model/correlator.js';

/** A stream that completes a write only when told to (a reader that has not read yet). */
function heldStream(): { stream: Writable; chunks: Buffer[]; release: () => void; held: () => number } {
  const chunks: Buffer[] = [];
  let pending: Array<() => void> = [];
  const stream = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk)); // a copy: the writer reuses its buffer once cb ran
      pending.push(cb);
    },
  });
  return {
    stream,
    chunks,
    held: () => pending.length,
    release: () => {
      const p = pending;
      pending = [];
      for (const cb of p) cb();
    },
  };
}

describe('PooledWriter', () => {
  it('writes every text byte for byte (UTF-8, a text larger than its buffers) in order', async () => {
    const h = heldStream();
    const w = new PooledWriter(h.stream, 64, 2);
    const texts = ['{"a":1}', 'café ✓ 😀', 'x'.repeat(100), '', '\n'];
    for (const t of texts) {
      w.write(t);
      await new Promise((r) => setImmediate(r));
      h.release();
      await new Promise((r) => setImmediate(r));
    }
    expect(Buffer.concat(h.chunks).toString('utf8')).toBe(texts.join(''));
  });

  it('writeJson writes terminalSafeJson of each text: safe, unsafe, larger than a buffer once escaped or before', async () => {
    const h = heldStream();
    // 96-byte buffers: texts of up to 32 units are encoded into one; '\u202e'.repeat(20) fits as it is (60
    // bytes) but not escaped (120), 'x'.repeat(40) and the last one do not fit at all.
    const w = new PooledWriter(h.stream, 96, 2);
    const texts = ['{"a":"café ✓"}', '{"b":"\u202eevil\u0085\x7f"}', '\u202e'.repeat(20), 'x'.repeat(40), '', '"\u2066😀"', `"${'\ufeff'.repeat(40)}"`];
    for (const t of texts) {
      w.writeJson(t);
      await new Promise((r) => setImmediate(r));
      h.release();
      await new Promise((r) => setImmediate(r));
    }
    expect(Buffer.concat(h.chunks).toString('utf8')).toBe(texts.map(terminalSafeJson).join(''));
    expect(Buffer.concat(h.chunks).toString('utf8')).toContain('\\u202eevil\\u0085\\u007f');
  });

  it('asks the writer to wait once all its buffers are out, and lets it go when one comes back', async () => {
    const h = heldStream();
    const w = new PooledWriter(h.stream, 1024, 3);
    expect(w.ready()).toBeUndefined();
    w.write('one');
    w.write('two');
    expect(w.ready()).toBeUndefined();
    w.write('three');
    const wait = w.ready();
    expect(wait).toBeInstanceOf(Promise);
    let settled = false;
    void wait!.then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    expect(h.held()).toBeGreaterThan(0);
    h.release();
    for (let i = 0; i < 5 && !settled; i++) {
      await new Promise((r) => setImmediate(r));
      h.release();
    }
    expect(settled).toBe(true);
    expect(w.ready()).toBeUndefined();
    expect(Buffer.concat(h.chunks).toString()).toBe('onetwothree');
  });
});

it('counts a text larger than its buffers as out until the stream is done with it', async () => {
  const h = heldStream();
  const w = new PooledWriter(h.stream, 64, 1);
  w.write('y'.repeat(1000));
  expect(w.ready()).toBeInstanceOf(Promise);
  h.release();
  await new Promise((r) => setImmediate(r));
  expect(w.ready()).toBeUndefined();
  expect(Buffer.concat(h.chunks).toString()).toBe('y'.repeat(1000));
});

it('keeps the buffers of a burst beyond its limit and writes the next burst with them', async () => {
  const h = heldStream();
  const w = new PooledWriter(h.stream, 64, 2, 8);
  for (let round = 0; round < 3; round++) {
    // Six texts before any write completes: more than `max` out at once, as NDJSON lines made within a batch.
    for (let i = 0; i < 6; i++) w.write(`r${round}t${i};`);
    // Every write of the burst completed (the stream takes them one at a time) before the next burst.
    for (let i = 0; i < 50 && h.chunks.length < 6 * (round + 1); i++) {
      h.release();
      await new Promise((r) => setImmediate(r));
    }
    h.release();
    await new Promise((r) => setImmediate(r));
  }
  expect(w.allocated).toBe(6);
  expect(Buffer.concat(h.chunks).toString()).toBe([0, 1, 2].map((r) => [0, 1, 2, 3, 4, 5].map((i) => `r${r}t${i};`).join('')).join(''));
});

describe('pipeline pacing', () => {
  it('reads no further batch while pace() holds it, and reads on when it settles', async () => {
    // 4.3 MB of UDP packets: five reads of 1 MiB, so four batches at least.
    const recs: WriteRecord[] = [];
    for (let i = 0; i < 3200; i++) {
      recs.push({ tsSec: 1_800_000_000, tsNsec: i * 1000, data: buildUdp({ src: '192.0.2.1', dst: '192.0.2.2', srcPort: 4000, dstPort: 4001, payload: Buffer.alloc(1300, i & 0xff) }) });
    }
    const file = join(mkdtempSync(join(tmpdir(), 'msrpscope-pace-')), 'udp.pcap');
    writeFileSync(file, writePcap(recs, { linkType: 1 }));
    const model = new Correlator();
    let calls = 0;
    let release: (() => void) | undefined;
    const run = runPipeline({
      sources: [{ name: file, input: file }],
      model,
      pace: () => {
        calls++;
        if (calls > 1) return undefined;
        return new Promise<void>((r) => (release = r));
      },
    });
    // The first read is done by the thread pool: wait for its batch, then give the pipeline turns.
    for (let i = 0; i < 2000 && calls === 0; i++) await new Promise((r) => setTimeout(r, 1));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
    expect(release).toBeDefined();
    release!();
    const result = await run;
    expect(result.info.packets).toBe(3200);
    expect(calls).toBeGreaterThanOrEqual(4);
  });
});
