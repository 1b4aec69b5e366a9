import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Groups } from '../../src/export/groups.js';

/** What Groups replaces: a Map of arrays grown by push, keys in first-seen order. */
function reference(list: readonly (number | null)[]): Map<number, number[]> {
  const m = new Map<number, number[]>();
  list.forEach((k, i) => {
    if (k === null) return;
    const l = m.get(k);
    if (l === undefined) m.set(k, [i]);
    else l.push(i);
  });
  return m;
}

// Dense ids (the usual case), and what a hostile JSON document may give: negative, fractional, huge, -0, NaN.
const key = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom(-1, -0, 0.5, 1e9, 2 ** 53, Number.NaN, Infinity, 1024 + 4 * 3) },
);

describe('Groups', () => {
  it('gives every key the values of a Map of arrays, in list order, and its keys in first-seen order', () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 60 }), fc.array(key, { maxLength: 10 }), (keys, probes) => {
        const g = Groups.of(keys, (k) => k, (k) => keys.indexOf(k));
        const byIndex = Groups.of(
          keys.map((k, i) => [k, i] as const),
          ([k]) => k,
          ([, i]) => i,
        );
        const ref = reference(keys);
        expect([...byIndex.keys()]).toEqual([...ref.keys()]);
        for (const [k, list] of ref) {
          expect(byIndex.get(k)).toEqual(list);
          expect(byIndex.count(k)).toBe(list.length);
          expect(g.count(k)).toBe(list.length);
        }
        for (const p of probes) {
          if (p === null) continue;
          expect(byIndex.get(p)).toEqual(ref.get(p));
          expect(byIndex.count(p)).toBe(ref.get(p)?.length ?? 0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives back values of any kind as they were: 32-bit integers (held in a typed array) and all others', () => {
    // Ints mostly, sometimes a value a typed array cannot hold (the groups then keep an array), anywhere in the list.
    const value = fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(-0, 0.5, 2 ** 31, -(2 ** 31) - 1, Number.NaN, 'x', null, { id: 3 }) },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 60 }), (pairs) => {
        const g = Groups.of(
          pairs,
          ([k]) => k,
          ([, v]) => v,
        );
        const ref = new Map<number, unknown[]>();
        for (const [k, v] of pairs) {
          if (k === null) continue;
          const l = ref.get(k);
          if (l === undefined) ref.set(k, [v]);
          else l.push(v);
        }
        for (const [k, list] of ref) {
          const got = g.get(k) as unknown[];
          expect(got).toHaveLength(list.length);
          got.forEach((v, i) => expect(Object.is(v, list[i]), `key ${k} value ${i}`).toBe(true));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps no room for values it does not hold', () => {
    // 3 values over 2 keys: the run of key 7 is [0, 2], of key 2000 (past the typed array) [1].
    const g = Groups.of([7, 2000, 7], (k) => k, (k) => k * 10);
    expect(g.get(7)).toEqual([70, 70]);
    expect(g.get(2000)).toEqual([20000]);
    expect(g.get(8)).toBeUndefined();
    expect(g.count(2000)).toBe(1);
    expect(g.keys()).toEqual([7, 2000]);
    // Each get() is a new array: a caller's change does not reach the groups.
    g.get(7)!.push(1);
    expect(g.get(7)).toEqual([70, 70]);
  });
});
