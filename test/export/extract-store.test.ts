import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, statSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExtractStore, makeFolder } from '../../src/export/extract-store.js';
import { SparseBody } from '../../src/model/sparse-body.js';

/** Runs `fn` with a new folder, removed after. */
function inFolder(fn: (d: string) => void): void {
  const d = mkdtempSync(join(tmpdir(), 'msrpscope-store-'));
  try {
    fn(d);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

/** The body as a buffer of `size` bytes (holes as zeros) from its pieces. */
function assemble(body: SparseBody, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (const p of body.list()) p.data.copy(out, p.start - 1, 0, Math.max(0, Math.min(p.data.length, size - p.start + 1)));
  return out;
}

describe('bodies kept in the extraction folder while the capture is read', () => {
  it('hold exactly what bodies kept in memory hold, for any order, overlap and size of the pieces, and any number of bodies at once', () => {
    inFolder((d) => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(3), fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 40_000 })), { minLength: 1, maxLength: 60 }),
          fc.integer({ min: 1, max: 255 }),
          (writes, seed) => {
            const store = new ExtractStore(d);
            const onDisk = [0, 1, 2, 3].map(() => new SparseBody(store.bodyStore()));
            const inMemory = [0, 1, 2, 3].map(() => new SparseBody());
            for (const [which, pos, len] of writes) {
              // The bytes of a position are the same in every copy (as a body's are), the source buffer is reused.
              const slice = Buffer.alloc(len, 0);
              for (let i = 0; i < len; i++) slice[i] = (pos + i) * seed & 0xff;
              onDisk[which]?.write(pos, slice);
              inMemory[which]?.write(pos, slice);
              slice.fill(0xee);
            }
            for (let i = 0; i < 4; i++) {
              const a = onDisk[i] as SparseBody;
              const b = inMemory[i] as SparseBody;
              expect(a.size).toBe(b.size);
              const size = Math.max(1, ...b.coverage.intervals().map(([, e]) => e));
              expect(assemble(a, size).equals(assemble(b, size))).toBe(true);
              expect(a.digest('sha256', size)).toBe(b.digest('sha256', size));
            }
            for (const b of onDisk) (b.store as ReturnType<ExtractStore['bodyStore']>).remove();
            expect(readdirSync(d)).toEqual([]);
          },
        ),
        { numRuns: 60 },
      );
    });
  });

  it('writes out the oldest bodies when many gather at once, and the file holds each body', () => {
    inFolder((d) => {
      const store = new ExtractStore(d);
      const bodies = Array.from({ length: 1500 }, () => store.bodyStore());
      // Interleaved: every body gets a piece in turn, three rounds.
      for (let round = 0; round < 3; round++) {
        bodies.forEach((b, i) => b.put(1 + round * 10, Buffer.from(`${String(i).padStart(4, '0')}-r${round}-xx`)));
      }
      bodies.forEach((b) => expect(b.finish(null)).toBeUndefined());
      expect(readFileSync((bodies[1234] as { file: string }).file, 'latin1')).toBe('1234-r0-xx1234-r1-xx1234-r2-xx');
      const last = bodies[1499];
      expect(last?.finish(50)).toBeUndefined();
      expect(readFileSync(last?.file ?? '').length).toBe(50);
      for (const b of bodies) b.remove();
      expect(readdirSync(d)).toEqual([]);
    });
  });

  it('keeps the first write error and never follows a symlink planted at its name', () => {
    inFolder((d) => {
      const store = new ExtractStore(d);
      const planted = store.bodyStore();
      const victim = join(d, 'victim');
      writeFileSync(victim, 'untouched');
      symlinkSync(victim, planted.file);
      planted.put(1, Buffer.from('evil'));
      expect(planted.finish(null)).toBe('EEXIST');
      expect(readFileSync(victim, 'utf8')).toBe('untouched');
      const gone = new ExtractStore(join(d, 'sub'));
      const body = gone.bodyStore();
      rmSync(join(d, 'sub'), { recursive: true });
      body.put(1, Buffer.from('lost'));
      expect(body.finish(null)).toBe('ENOENT');
      body.put(5, Buffer.from('more'));
      expect(body.error).toBe('ENOENT');
    });
  });
});

describe('the extraction folder', () => {
  it('is made with its parents; a file in the way or a parent that cannot be made is an error with a code, at once', () => {
    inFolder((d) => {
      makeFolder(join(d, 'a', 'b', 'c'));
      expect(statSync(join(d, 'a', 'b', 'c')).isDirectory()).toBe(true);
      makeFolder(join(d, 'a', 'b', 'c'));
      writeFileSync(join(d, 'file'), 'x');
      expect(() => makeFolder(join(d, 'file'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
      expect(() => makeFolder(join(d, 'file', 'sub'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
      // node's recursive mkdir never returns here.
      if (existsSync('/proc/self')) expect(() => makeFolder('/proc/no-such-entry/x')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    });
  });
});
