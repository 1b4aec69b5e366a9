import { describe, expect, it } from 'vitest';
import { cellWidth, renderTable, shortenMiddle } from '../../src/export/table.js';
import { percentile } from '../../src/export/summary.js';

describe('text tables', () => {
  it('shortens long ids in the middle, keeping both ends', () => {
    expect(shortenMiddle('abcdefghijklmnopqrstuvwxyz', 9)).toBe('abcd…wxyz');
    expect(shortenMiddle('short', 9)).toBe('short');
    expect(cellWidth(shortenMiddle('0123456789'.repeat(5), 20))).toBe(20);
  });

  it('fits the width by shrinking flexible columns, never wrapping', () => {
    const rows = [['1', 'msrp://127.0.0.1:57624/uxXGfzsbyX5h;tcp ↔ msrp://127.0.0.1:46588/6AGzy0DjrZxP;tcp', '42']];
    const out = renderTable([{ title: '#' }, { title: 'ends', flexible: true, min: 12 }, { title: 'n', align: 'right' }], rows, 60);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(cellWidth(l)).toBeLessThanOrEqual(60);
    expect(lines[1]).toMatch(/^ {2}1 {2}msrp:\/\/127\.0\.0\.1.*….*6AGzy0DjrZxP;tcp {2}42$/);
  });

  it('escapes control characters from capture text', () => {
    const out = renderTable([{ title: 'x', flexible: true }], [['evil\x1b]0;title\x07\u202eend']], 80);
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]/);
    expect(out).toContain('evil\\x1b]0;title\\x07\\u202eend');
  });

  it('takes nearest-rank percentiles', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(v, 50)).toBe(5);
    expect(percentile(v, 95)).toBe(10);
    expect(percentile([], 50)).toBeNull();
  });
});
