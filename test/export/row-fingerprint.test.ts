/**
 * The live viewer's row revision (export/row-fingerprint.ts): the same records give the same three numbers, and any
 * record added, left out, moved, or with another kind, id or code gives other numbers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RowFingerprint } from '../../src/export/row-fingerprint.js';

type Rec = [kind: number, id: number, code: number];

function revision(recs: readonly Rec[]): readonly number[] {
  const p = new RowFingerprint();
  for (const [kind, id, code] of recs) p.add(kind, id, code);
  return p.revision;
}

const rec = fc.tuple(fc.integer({ min: 0, max: 1 }), fc.oneof(fc.nat({ max: 100_000 }), fc.nat({ max: 2 ** 40 })), fc.nat({ max: 127 }));
const recs = fc.array(rec, { maxLength: 60 });

describe('row fingerprint', () => {
  it('is the count and two hashes, the same for the same records', () => {
    fc.assert(
      fc.property(recs, (r) => {
        const a = revision(r);
        expect(a).toHaveLength(3);
        expect(a[0]).toBe(r.length);
        expect(revision(r.map((x) => [...x] as Rec))).toEqual(a);
      }),
    );
    expect(revision([])).toEqual([0, 0x9747b28c, 0x5bd1e995]);
  });

  it('changes when a record is added, left out, moved, or changes kind, id or code', () => {
    fc.assert(
      fc.property(recs, rec, fc.nat(), fc.nat({ max: 2 }), fc.integer({ min: 1, max: 3 }), (r, extra, at, field, delta) => {
        const before = revision(r);
        expect(revision([...r, extra])).not.toEqual(before);
        if (r.length === 0) return;
        const i = at % r.length;
        expect(revision(r.filter((_, j) => j !== i))).not.toEqual(before);
        const changed = r.map((x) => [...x] as Rec);
        const c = changed[i] as Rec;
        if (field === 0) c[0] = 1 - c[0];
        else if (field === 1) c[1] += delta;
        else c[2] = (c[2] + delta) % 128;
        expect(revision(changed)).not.toEqual(before);
        // Two different records swapped: same count, other hashes.
        const j = (i + 1) % r.length;
        if (r[i]!.join() !== r[j]!.join()) {
          const swapped = r.map((x) => [...x] as Rec);
          [swapped[i], swapped[j]] = [swapped[j] as Rec, swapped[i] as Rec];
          expect(revision(swapped)).not.toEqual(before);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('tells apart ids that differ only above 32 bits', () => {
    expect(revision([[0, 5, 1]])).not.toEqual(revision([[0, 5 + 2 ** 32, 1]]));
  });
});
