/**
 * With reuseChunks the reader refills its read buffers once the next batch is asked for. Every record of
 * every batch must still hold its own bytes while its batch is current, whatever the read size (records
 * straddling one or many reads), with the reused buffers poisoned.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import * as path from 'node:path';
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/reader.js';
import { writePcap } from '../../src/capture/writer.js';
import { CaptureParser } from '../../src/capture/parser.js';
import type { CaptureReaderOptions } from '../../src/capture/types.js';

const SAMPLES = path.resolve(import.meta.dirname, '..', '..', 'samples');

async function digests(file: string | Readable, opts: CaptureReaderOptions): Promise<string[]> {
  const out: string[] = [];
  const reader = await openCapture(file, opts);
  for await (const batch of reader) {
    for (const r of batch) out.push(`${r.frame} ${r.tsSec}.${r.tsNsec} ${createHash('sha1').update(r.data).digest('hex')}`);
  }
  return out;
}

describe('reused read buffers', () => {
  for (const name of ['chat.pcapng', 'chat.pcap', 'chat-sll2.pcap']) {
    it(`${name}: the same records at any read size, buffers poisoned before reuse`, async () => {
      const file = path.join(SAMPLES, name);
      const reference = await digests(file, {});
      expect(reference.length).toBeGreaterThan(10);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 16, max: 5000 }), async (size) => {
          const got = await digests(file, { reuseRecords: true, reuseChunks: true, chunkBytes: size, poisonReusedChunks: true });
          expect(got).toEqual(reference);
        }),
        { numRuns: 25 },
      );
    });
  }

  it('a record kept past its batch is poisoned (the check can fail)', async () => {
    const file = path.join(SAMPLES, 'chat.pcapng');
    const reader = await openCapture(file, { reuseChunks: true, chunkBytes: 4096, poisonReusedChunks: true });
    const kept: Buffer[] = [];
    for await (const batch of reader) for (const r of batch) kept.push(r.data);
    // Views of reused buffers (all but those in the last read, and those assembled across reads) now read 0xEE.
    const poisoned = kept.filter((d) => d.length > 0 && d.every((b) => b === 0xee)).length;
    expect(poisoned).toBeGreaterThan(kept.length / 3);
  });
});

/** `data` as a stream of pieces whose sizes cycle through `sizes`, each in memory of its own (as reads from a pipe). */
function streamOf(data: Buffer, sizes: readonly number[]): Readable {
  const out: Buffer[] = [];
  for (let at = 0, k = 0; at < data.length; k++) {
    const piece = data.subarray(at, at + (sizes[k % sizes.length] as number));
    const own = Buffer.allocUnsafeSlow(piece.length);
    piece.copy(own);
    out.push(own);
    at += piece.length;
  }
  return Readable.from(out);
}

describe('chunks read elsewhere (a pipe, gunzip), copied into reused buffers', () => {
  for (const gz of [false, true]) {
    it(`${gz ? 'gzip' : 'plain'} stream: the same records at any read and piece sizes, buffers poisoned before reuse`, async () => {
      const file = path.join(SAMPLES, 'chat.pcapng');
      const reference = await digests(file, {});
      const data = gz ? gzipSync(readFileSync(file)) : readFileSync(file);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 16, max: 5000 }), fc.array(fc.integer({ min: 1, max: 9000 }), { minLength: 1, maxLength: 8 }), async (size, sizes) => {
          const got = await digests(streamOf(data, sizes), { reuseRecords: true, reuseChunks: true, chunkBytes: size, poisonReusedChunks: true });
          expect(got).toEqual(reference);
        }),
        { numRuns: 25 },
      );
    });
  }

  it('records are views of a few buffers, not of one buffer per read', async () => {
    // 2,000 records of 40 bytes in reads of 4,000: one record in about 70 straddles two reads.
    const records = Array.from({ length: 2000 }, (_, i) => ({ tsSec: i, tsNsec: 0, data: Buffer.alloc(40, i & 0xff) }));
    const data = writePcap(records, { linkType: 1 });
    const buffers = async (opts: CaptureReaderOptions): Promise<number> => {
      const seen = new Set<ArrayBufferLike>();
      const reader = await openCapture(streamOf(data, [4000]), opts);
      for await (const batch of reader) for (const r of batch) seen.add(r.data.buffer);
      return seen.size;
    };
    const own = await buffers({ chunkBytes: 65536 });
    const reused = await buffers({ reuseChunks: true, chunkBytes: 65536 });
    // One buffer per read (29), against the pool's one or two.
    expect(own).toBeGreaterThanOrEqual(Math.floor(data.length / 4000));
    expect(reused).toBeLessThan(own / 2);
  });
});

describe('read buffers without reuse', () => {
  it('are not kept by the reader once the records that use them are gone', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const file = path.join(SAMPLES, 'chat.pcapng');
    const reader = await openCapture(file, { chunkBytes: 1024 });
    const seen = new Set<ArrayBufferLike>();
    const refs: Array<WeakRef<ArrayBufferLike>> = [];
    for await (const batch of reader) {
      for (const r of batch) {
        if (!seen.has(r.data.buffer)) {
          seen.add(r.data.buffer);
          refs.push(new WeakRef(r.data.buffer));
        }
      }
    }
    seen.clear();
    expect(refs.length).toBeGreaterThan(5);
    gc();
    // The reader is still referenced here: before, its pool held on to every buffer it had read.
    expect(reader.info.packets).toBeGreaterThan(0);
    const alive = refs.filter((r) => r.deref() !== undefined).length;
    // The last read and the shared small-buffer slab may stay; before, every one of them did.
    expect(alive).toBeLessThan(refs.length / 3);
  });
});

describe('reused batches', () => {
  it('refills the batch array only once recycle() says the last batch is consumed', () => {
    const recs = Array.from({ length: 6 }, (_, i) => ({
      frame: i + 1,
      tsSec: 1_700_000_000 + i,
      tsNsec: 0,
      linkType: 1,
      interfaceId: 0,
      data: Buffer.alloc(60 + i, i + 1),
      originalLength: 60 + i,
    }));
    const file = writePcap(recs, { linkType: 1 });
    // The file header and two records, then two records, then two.
    const cut1 = 24 + (16 + 60) + (16 + 61);
    const cut2 = cut1 + (16 + 62) + (16 + 63);
    const parser = new CaptureParser({ reuseRecords: true });
    const a = parser.push(file.subarray(0, cut1));
    expect(a.map((r) => r.frame)).toEqual([1, 2]);
    // Not recycled: a new array, and the first batch as it was.
    const b = parser.push(file.subarray(cut1, cut2));
    expect(b).not.toBe(a);
    expect(a.map((r) => r.frame)).toEqual([1, 2]);
    expect(b.map((r) => r.frame)).toEqual([3, 4]);
    parser.recycle();
    const c = parser.push(file.subarray(cut2));
    expect(c).toBe(b);
    expect(c.map((r) => [r.frame, r.data.length, r.data[0]])).toEqual([
      [5, 64, 5],
      [6, 65, 6],
    ]);
  });
});
