import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { CaptureParser } from '../../src/capture/parser.js';
import { openCapture } from '../../src/capture/reader.js';
import { writePcap, writePcapng, type WriteRecord } from '../../src/capture/writer.js';
import type { Diagnostic } from '../../src/util/diagnostics.js';
import { chunkStream, corpusFiles, flat, HAS_CORPUS, parseBuffer, parseChunks, split, type ParseResult } from './helpers.js';

const recordArb: fc.Arbitrary<WriteRecord> = fc.record({
  tsSec: fc.integer({ min: 0, max: 0xffffffff }),
  tsNsec: fc.integer({ min: 0, max: 999_999 }).map((us) => us * 1000),
  data: fc.integer({ min: 0, max: 3000 }).map((n) => Buffer.alloc(n, n & 0xff)),
  interfaceId: fc.integer({ min: 0, max: 1 }),
});

/** A capture of some variant built from generated records (sometimes cut short or corrupted). */
const captureArb: fc.Arbitrary<Buffer> = fc
  .tuple(
    fc.array(recordArb, { minLength: 0, maxLength: 40 }),
    fc.constantFrom('pcap-le', 'pcap-be-ns', 'pcapng-le', 'pcapng-be-opb', 'pcapng-2sections', 'pcapng-spb'),
    fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
    fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined }),
  )
  .map(([recs, kind, cut, corruptAt]) => {
    const itf = [{ linkType: 1 }, { linkType: 113, tsresol: 9 }];
    let buf: Buffer;
    switch (kind) {
      case 'pcap-le':
        buf = writePcap(recs, { linkType: 1 });
        break;
      case 'pcap-be-ns':
        buf = writePcap(recs, { linkType: 1, nanosecond: true, bigEndian: true });
        break;
      case 'pcapng-le':
        buf = writePcapng(recs, { interfaces: itf });
        break;
      case 'pcapng-be-opb':
        buf = writePcapng(recs, { interfaces: itf, bigEndian: true, block: 'opb' });
        break;
      case 'pcapng-spb':
        buf = writePcapng(recs, { interfaces: itf, block: 'spb' });
        break;
      default: {
        const half = recs.length >> 1;
        const a = writePcapng(recs.slice(0, half), { interfaces: itf, bigEndian: true });
        const b = writePcapng(recs.slice(half), { interfaces: itf });
        buf = Buffer.alloc(a.length + b.length);
        buf.set(a, 0);
        buf.set(b, a.length);
      }
    }
    const headerLen = kind.startsWith('pcap-') ? 24 : buf.readUInt32LE(4);
    if (corruptAt !== undefined && buf.length > headerLen + 12) {
      const at = headerLen + (corruptAt % (buf.length - headerLen - 4));
      buf.writeUInt32LE(0xfffffff0, at); // may land on a length field, or only on data
    }
    if (cut !== undefined) buf = buf.subarray(0, headerLen + (cut % (buf.length - headerLen + 1)));
    return buf;
  });

const chunkSizesArb = fc.oneof(
  fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
  fc.array(fc.integer({ min: 1, max: 65536 }), { minLength: 1, maxLength: 20 }),
  fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 20 }),
);

/** Reads chunks through openCapture over a Readable. */
async function viaReader(chunks: Buffer[]): Promise<ParseResult> {
  const diagnostics: Diagnostic[] = [];
  const reader = await openCapture(chunkStream(chunks), { onDiagnostic: (d) => diagnostics.push(d) });
  const records = [];
  for await (const batch of reader) for (const r of batch) records.push(flat(r));
  return { records, info: structuredClone(reader.info), diagnostics };
}

describe('chunk-split invariance', () => {
  it('CaptureParser yields identical records, info and diagnostics for any split', () => {
    fc.assert(
      fc.property(captureArb, chunkSizesArb, (buf, sizes) => {
        expect(parseChunks(split(buf, sizes))).toEqual(parseBuffer(buf));
      }),
      { numRuns: 300 },
    );
  });

  it('openCapture over a Readable yields the same as one whole push', async () => {
    await fc.assert(
      fc.asyncProperty(captureArb, chunkSizesArb, async (buf, sizes) => {
        expect(await viaReader(split(buf, sizes))).toEqual(parseBuffer(buf));
      }),
      { numRuns: 150 },
    );
  });

  it('gzip input split anywhere decompresses to the same records', async () => {
    await fc.assert(
      fc.asyncProperty(captureArb, chunkSizesArb, async (buf, sizes) => {
        const got = await viaReader(split(gzipSync(buf), sizes));
        expect(got).toEqual({ ...parseBuffer(buf), info: { ...parseBuffer(buf).info, compressed: true } });
      }),
      { numRuns: 60 },
    );
  });

  it('hands out views into the pushed chunk and copies only straddling records', () => {
    const recs = [0, 1, 2].map((i) => ({ tsSec: i, tsNsec: 0, data: Buffer.alloc(100, i) }));
    const buf = writePcap(recs, { linkType: 1 });
    const p = new CaptureParser();
    const cut = 24 + 116 + 50; // inside the second record
    const first = Buffer.from(buf.subarray(0, cut));
    const second = Buffer.from(buf.subarray(cut));
    const r1 = p.push(first);
    const r2 = p.push(second);
    expect(r1.map((r) => r.frame)).toEqual([1]);
    expect(r2.map((r) => r.frame)).toEqual([2, 3]);
    // Writing into the chunks shows which records are views and which are copies.
    first[40] = 0xee; // first byte of record 1's data
    second[0] = 0xee; // inside record 2's data (straddles the chunks)
    second[second.length - 1] = 0xee; // last byte of record 3's data
    expect(r1[0]!.data[0]).toBe(0xee);
    expect(r2[0]!.data.equals(Buffer.alloc(100, 1))).toBe(true);
    expect(r2[1]!.data[99]).toBe(0xee);
  });
});

describe.skipIf(!HAS_CORPUS)('chunk-split invariance on the corpus', () => {
  it('every corpus capture gives the same records in random chunks', () => {
    const files = corpusFiles().map((f) => readFileSync(f));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: files.length - 1 }), chunkSizesArb, (i, sizes) => {
        const buf = files[i]!;
        expect(parseChunks(split(buf, sizes))).toEqual(parseBuffer(buf));
      }),
      { numRuns: 60 },
    );
  });
});
