import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RttList } from '../../src/model/rtt-list.js';

const round3 = (n: number): number => Math.round(n * 1000) / 1000;
const sorted = (a: number[]): number[] => [...a].sort((x, y) => x - y);

describe('RttList', () => {
  it('gives back every time pushed, exactly (whole microseconds in chunks, the rest as they are)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ min: -5000, max: 5000, noNaN: true }).map(round3),
            fc.double({ min: -1e10, max: 1e10, noNaN: true }).map(round3),
            fc.double({ noNaN: true }),
            fc.integer({ min: 0, max: 3_000_000 }).map((us) => us / 1000),
          ),
          { maxLength: 400 },
        ),
        (times) => {
          const l = new RttList();
          for (const t of times) l.push(t);
          expect(l.length).toBe(times.length);
          const back = l.values();
          expect(back).toHaveLength(times.length);
          // Object.is: -0 and 0 are told apart only where a time was kept as it is.
          expect(sorted(back).map((x) => (x === 0 ? 0 : x))).toEqual(sorted(times).map((x) => (x === 0 ? 0 : x)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps times of whole microseconds in order, and beyond ±35 minutes as they are', () => {
    const l = new RttList();
    const times = [1.25, 0.001, 12345.678, -3.5, 2147483.647, 2147483.648, -2147483.648, 1e-4];
    for (const t of times) l.push(t);
    // The last three are not kept as microseconds (out of range, or a fraction of one): they come last.
    expect(l.values()).toEqual([1.25, 0.001, 12345.678, -3.5, 2147483.647, 2147483.648, -2147483.648, 1e-4]);
    const m = new RttList();
    for (const t of [5, 2147483.648, 7, 1e-4, 9]) m.push(t);
    expect(m.values()).toEqual([5, 7, 9, 2147483.648, 1e-4]);
  });

  it('holds 100,000 times in chunks of 4 bytes a time', () => {
    const l = new RttList();
    for (let i = 0; i < 100_000; i++) l.push(round3(i * 0.37));
    const chunks = (l as unknown as { chunks: Int32Array[] }).chunks;
    const bytes = chunks.reduce((n, c) => n + c.byteLength, 0);
    expect(bytes).toBeGreaterThanOrEqual(400_000);
    expect(bytes).toBeLessThan(400_000 + 4096 * 4);
    expect(l.values()[99_999]).toBe(round3(99_999 * 0.37));
  });
});
