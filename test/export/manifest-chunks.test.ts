import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { manifestChunks, type ManifestEntry } from '../../src/export/extract.js';

const entry = fc.record<ManifestEntry>({
  file: fc.string(),
  message: fc.nat(),
  messageId: fc.string({ unit: 'binary' }),
  session: fc.option(fc.nat(), { nil: null }),
  contentType: fc.option(fc.string(), { nil: null }),
  size: fc.option(fc.nat(), { nil: null }),
  bytes: fc.nat(),
  sha256: fc.option(fc.string(), { nil: null }),
  state: fc.constantFrom('complete', 'aborted', 'incomplete'),
  holes: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }),
  nameFrom: fc.constantFrom('file-selector', 'content-disposition', 'message-id'),
});

describe('the manifest written in pieces', () => {
  it('is the text of JSON.stringify(doc, null, 2) and a newline, for any entries', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), fc.nat(), fc.array(fc.record({ message: fc.nat(), error: fc.string() }), { maxLength: 3 }), (files, empty, failed) => {
        const doc = { schema: 'msrpscope-extract/1', files, empty, failed };
        expect([...manifestChunks({ files, empty, failed })].join('')).toBe(`${JSON.stringify(doc, null, 2)}\n`);
      }),
      { numRuns: 300 },
    );
  });

  it('comes in pieces when it is long', () => {
    const files: ManifestEntry[] = Array.from({ length: 2000 }, (_, i) => ({
      file: `m${i}.txt`, message: i, messageId: `id-${i}`, session: 0, contentType: 'text/plain', size: 5, bytes: 5,
      sha256: 'a'.repeat(64), state: 'complete', holes: [], nameFrom: 'message-id',
    }));
    const chunks = [...manifestChunks({ files, empty: 0, failed: [] })];
    expect(chunks.length).toBeGreaterThan(5);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(70 * 1024);
    expect(JSON.parse(chunks.join('')).files).toHaveLength(2000);
  });
});
