/** Byte-Range coverage as a bar: which parts of a body arrived (█ all, ▒ some, · none). */

/** Bytes of [lo, hi] (1-based, inclusive) covered by sorted, disjoint ranges. */
function coveredIn(ranges: ReadonlyArray<readonly [number, number]>, lo: number, hi: number): number {
  let n = 0;
  for (const [a, b] of ranges) {
    if (b < lo) continue;
    if (a > hi) break;
    n += Math.min(b, hi) - Math.max(a, lo) + 1;
  }
  return n;
}

/**
 * A bar of `width` cells over bytes 1..total. Ranges are `[start, end]` pairs (1-based, inclusive) in any
 * order; overlapping ranges are merged first. An empty string when there is nothing to draw.
 */
export function coverageBar(ranges: ReadonlyArray<readonly [number, number]>, total: number, width: number): string {
  if (!(total > 0) || width <= 0) return '';
  const sorted = ranges
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && b >= a)
    .map(([a, b]) => [Math.max(1, a), Math.min(total, b)] as [number, number])
    .filter(([a, b]) => b >= a)
    .sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  const cells = Math.min(width, total);
  let out = '';
  for (let i = 0; i < cells; i++) {
    const lo = Math.floor((i * total) / cells) + 1;
    const hi = Math.floor(((i + 1) * total) / cells);
    const have = coveredIn(merged, lo, hi);
    out += have >= hi - lo + 1 ? '█' : have > 0 ? '▒' : '·';
  }
  return out;
}
