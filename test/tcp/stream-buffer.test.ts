import { describe, expect, it } from 'vitest';
import { seqAdd, seqDelta } from '../../src/tcp/seq.js';
import { StreamBuffer } from '../../src/tcp/stream-buffer.js';

const F = { frame: 1, tsSec: 0, tsNsec: 0 };

describe('StreamBuffer', () => {
  it('adds only uncovered sub-ranges, as views, and reports the first conflicting overlap', () => {
    const b = new StreamBuffer();
    const a = Buffer.from('CCDD');
    expect(b.insert(20, a, F)).toEqual({ added: 4, conflictAt: -1 });
    expect(b.insert(10, Buffer.from('AABB'), F)).toEqual({ added: 4, conflictAt: -1 });
    const wide = Buffer.from('xxAABBxxxxxxCCDdyy'); // 8..26, differs from the held bytes at 23
    expect(b.insert(8, wide, F)).toEqual({ added: 10, conflictAt: 20 });
    expect(b.bytes).toBe(18);
    const pieces = [];
    for (let p = b.shift(); p !== undefined; p = b.shift()) pieces.push([p.start, p.end, p.bytes.toString()]);
    expect(pieces).toEqual([
      [8, 10, 'xx'],
      [10, 14, 'AABB'],
      [14, 20, 'xxxxxx'],
      [20, 24, 'CCDD'],
      [24, 26, 'yy'],
    ]);
    expect(b.bytes).toBe(0);
    expect(b.empty).toBe(true);
  });

  it('counts a fully covered insert as nothing added', () => {
    const b = new StreamBuffer();
    b.insert(0, Buffer.from('abcdef'), F);
    expect(b.insert(2, Buffer.from('cd'), F)).toEqual({ added: 0, conflictAt: -1 });
    expect(b.count).toBe(1);
  });

  it('truncates at an offset', () => {
    const b = new StreamBuffer();
    b.insert(0, Buffer.from('abcd'), F);
    b.insert(10, Buffer.from('efgh'), F);
    expect(b.truncate(12)).toBe(2);
    expect(b.bytes).toBe(6);
    expect(b.truncate(2)).toBe(4);
    expect(b.first()!.bytes.toString()).toBe('ab');
  });

  it('stays sorted through thousands of inserts in any order and many removals from the front', () => {
    const b = new StreamBuffer();
    const n = 5000;
    const order = Array.from({ length: n }, (_, i) => (i * 7919) % n); // a permutation
    for (const i of order) b.insert(i * 10, Buffer.alloc(10, i & 0xff), F);
    expect(b.count).toBe(n);
    for (let i = 0; i < n; i++) {
      const p = b.shift()!;
      expect(p.start).toBe(i * 10);
      if (i === 2500) b.insert(n * 10, Buffer.alloc(5), F); // append while the head has moved
    }
    expect(b.shift()!.start).toBe(n * 10);
    expect(b.empty).toBe(true);
  });
});

describe('sequence arithmetic', () => {
  it('takes signed 32-bit differences across the wrap', () => {
    expect(seqDelta(5, 0xfffffffb)).toBe(10);
    expect(seqDelta(0xfffffffb, 5)).toBe(-10);
    expect(seqDelta(0x80000000, 0)).toBe(-0x80000000);
    expect(seqAdd(0xffffffff, 1)).toBe(0);
    expect(seqAdd(7, 2 ** 32 * 3 + 5)).toBe(12);
  });
});
