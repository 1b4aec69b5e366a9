import { closeSync, openSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Column, RESIDENT_PAGES } from '../../src/util/column.js';
import { readAll, writeAll } from '../../src/util/fd-io.js';
import { PAGE_BYTES, PageFile } from '../../src/util/page-file.js';
import { RecordSpill } from '../../src/export/record-spill.js';
import { tempDirs } from '../helpers/temp-dirs.js';

const tempDir = tempDirs('msrpscope-pages-');

/** Entries of a page of Float64Array / Int32Array. */
const F64_PAGE = PAGE_BYTES / 8;
const I32_PAGE = PAGE_BYTES / 4;

describe('Column, paged', () => {
  it('gives back every number set, with pages going to the file and back, as a column held in memory does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat(12 * F64_PAGE), fc.double({ noNaN: true })), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 3 }),
        (ops, resident) => {
          const file = new PageFile(tempDir());
          const floats = new Column((n) => new Float64Array(n), Number.NaN, file, resident);
          const ints = new Column((n) => new Int32Array(n), -1, file, resident);
          const want = new Map<number, number>();
          for (const [isSet, index, v] of ops) {
            if (isSet) {
              floats.set(index, v);
              ints.set(index, Math.trunc(v) | 0);
              want.set(index, v);
            } else {
              const w = want.get(index);
              expect(floats.get(index)).toBe(w ?? Number.NaN);
              expect(ints.get(index)).toBe(w === undefined ? -1 : Math.trunc(w) | 0);
            }
            expect(floats.pagesInMemory).toBeLessThanOrEqual(resident);
          }
          for (const [index, v] of want) expect(floats.get(index)).toBe(v);
          expect(floats.get(-1)).toBeNaN();
          expect(floats.get(13 * F64_PAGE)).toBeNaN();
          file.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps RESIDENT_PAGES pages in memory and writes each page once when numbers come in index order', () => {
    const file = new PageFile(tempDir());
    const col = new Column((n) => new Float64Array(n), 0, file);
    const pages = 40;
    for (let i = 0; i < pages * F64_PAGE; i++) col.set(i, i * 1.5);
    expect(col.pagesInMemory).toBe(RESIDENT_PAGES);
    expect(file.writes).toBe(pages - RESIDENT_PAGES);
    expect(col.length).toBe(pages * F64_PAGE);
    // Read back in order from the start: the first pages read push out the last ones written (still in memory,
    // changed, so written now), which are read back in their turn: each page is read once, and written once.
    for (let i = 0; i < pages * F64_PAGE; i++) expect(col.get(i)).toBe(i * 1.5);
    expect(file.reads).toBe(pages);
    expect(file.writes).toBe(pages);
    file.close();
  });

  it('keeps every page in memory without a file, when the file cannot be made, and once held', () => {
    const none = new PageFile(null);
    const broken = new PageFile('/nonexistent-msrpscope-dir/sub');
    const held = new PageFile(tempDir());
    const cols = [none, broken, held].map((f) => ({ f, col: new Column((n) => new Int32Array(n), 0, f, 2) }));
    for (let i = 0; i < 4 * I32_PAGE; i++) cols[2]?.col.set(i, i + 7);
    held.hold();
    const writes = held.writes;
    expect(writes).toBe(2);
    for (const { col } of cols) for (let i = 0; i < 10 * I32_PAGE; i += 97) col.set(i, i + 7);
    for (const { f, col } of cols) {
      for (let i = 0; i < 10 * I32_PAGE; i += 97) expect(col.get(i)).toBe(i + 7);
      expect(f.usable).toBe(false);
    }
    expect(none.writes).toBe(0);
    expect(broken.writes).toBe(0);
    expect(cols[0]?.col.pagesInMemory).toBe(10);
    expect(cols[1]?.col.pagesInMemory).toBe(10);
    // Held: nothing more written, and the pages read back stay.
    expect(held.writes).toBe(writes);
    expect(cols[2]?.col.pagesInMemory).toBe(10);
    for (const { f } of cols) f.close();
  });
});

describe('RecordSpill places in pages', () => {
  it('reads back every record of a long run, its places paged out and in', () => {
    const spill = new RecordSpill(tempDir());
    const n = (RESIDENT_PAGES + 8) * F64_PAGE;
    // Records let go about in index order, every fifth one 200 records late (as silent transactions are).
    const want = new Map<number, string>();
    const put = (i: number, text: string): void => {
      spill.put('transaction', i, text);
      want.set(i, text);
    };
    const late: number[] = [];
    for (let i = 0; i < n; i++) {
      if (i % 5 === 4) late.push(i);
      else put(i, `{"t":${i}}`);
      if (late.length > 200) {
        const j = late.shift() as number;
        put(j, `{"late":${j},"at":${i}}`);
      }
    }
    for (const j of late) put(j, `{"late":${j}}`);
    spill.finish();
    expect(want.size).toBe(n);
    expect(spill.pages.writes).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) expect(spill.text('transaction', i)).toBe(want.get(i));
    expect(spill.pages.reads).toBeGreaterThan(0);
    expect(spill.has('transaction', n)).toBe(false);
    spill.close();
  });
});

describe('readAll and writeAll', () => {
  it('move every byte at a position, and a read past the end of the file fails instead of looping', () => {
    const fd = openSync(path.join(tempDir(), 'f'), 'w+');
    try {
      writeAll(fd, Buffer.from('0123456789'), 0);
      writeAll(fd, Buffer.from('abc'), 4);
      const into = Buffer.alloc(10);
      readAll(fd, into, 10, 0);
      expect(into.toString()).toBe('0123abc789');
      readAll(fd, into, 3, 7);
      expect(into.subarray(0, 3).toString()).toBe('789');
      expect(() => readAll(fd, into, 4, 8)).toThrow(/file ends at byte 10, before 12/);
    } finally {
      closeSync(fd);
    }
  });
});
