import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseSeed, Rng } from '../../src/fuzz/rng.js';
import { mutate, randomErrors, randomSplit } from '../../src/fuzz/mutate.js';
import { corruptLengthField, lengthFieldOffsets } from '../../src/fuzz/capture-mutate.js';
import { TARGETS } from '../../src/fuzz/targets/index.js';
import { ROOT, samplePool } from './helpers.js';

describe('the fuzzer is seeded and deterministic', () => {
  it('the generator gives the same numbers for the same seed, different ones otherwise', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 100 }, () => a.u32());
    expect(Array.from({ length: 100 }, () => b.u32())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.u32())).not.toEqual(xs);
    // Spread: every residue mod 16 appears in 1000 draws.
    const seen = new Set(Array.from({ length: 1000 }, () => a.int(16)));
    expect(seen.size).toBe(16);
    expect(caseSeed(1, 'msrp', 0)).toBe(caseSeed(1, 'msrp', 0));
    expect(caseSeed(1, 'msrp', 0)).not.toBe(caseSeed(1, 'sip-stream', 0));
    expect(caseSeed(1, 'msrp', 0)).not.toBe(caseSeed(2, 'msrp', 0));
  });

  it('every target generates the same inputs from the same case seeds', () => {
    const pool = samplePool();
    for (const t of TARGETS) {
      for (let i = 0; i < 20; i++) {
        const s = caseSeed(7, t.name, i);
        expect(t.generate(new Rng(s), pool).equals(t.generate(new Rng(s), pool)), `${t.name} case ${i}`).toBe(true);
      }
    }
  });

  it('mutators leave their input alone; splits cover the input exactly', () => {
    const rng = new Rng(5);
    const src = Buffer.from('MSRP abcd SEND\r\nByte-Range: 1-10/10\r\n\r\n0123456789\r\n-------abcd$\r\n');
    const copy = Buffer.from(src);
    let changed = 0;
    for (let i = 0; i < 500; i++) {
      const m = mutate(src, rng);
      if (!m.equals(src)) changed++;
      expect(src.equals(copy)).toBe(true);
      const parts = randomSplit(m, rng);
      expect(Buffer.concat(parts).equals(m)).toBe(true);
    }
    expect(changed).toBeGreaterThan(400);
    // editcap -E style errors: about prob * length bytes change.
    const big = Buffer.alloc(100_000);
    const e = randomErrors(big, new Rng(9), 0.01);
    let diff = 0;
    for (let i = 0; i < e.length; i++) if (e[i] !== 0) diff++;
    expect(diff).toBeGreaterThan(700);
    expect(diff).toBeLessThan(1100);
  });

  it('length fields of pcap and pcapng files are found and damaged', () => {
    const pool = samplePool();
    expect(pool.files.map((f) => f.name.replace(/.*\//, '')).sort()).toEqual(['chat-sll2.pcap', 'chat.pcap', 'chat.pcapng']);
    for (const f of pool.files) {
      const fields = lengthFieldOffsets(f.bytes);
      expect(fields.length).toBeGreaterThanOrEqual(2 * 47);
      const d = corruptLengthField(f.bytes, new Rng(3));
      expect(d.length).toBe(f.bytes.length);
      expect(d.equals(f.bytes)).toBe(false);
    }
    expect(pool.conversations.some((c) => c.kind === 'msrp')).toBe(true);
    expect(pool.datagrams.length).toBeGreaterThan(3);
  });
});

describe('npm run fuzz (scripts/fuzz.mjs)', () => {
  it('runs every target for a few cases, reports cases and codes, exits 0 without findings', () => {
    const out = mkdtempSync(join(tmpdir(), 'msrpscope-fuzz-'));
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'fuzz.mjs'), '--cases', '20', '--seed', '3', '--no-corpus', '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const t of TARGETS) expect(r.stdout).toMatch(new RegExp(`^${t.name}\\s+20\\s`, 'm'));
    expect(r.stdout).toMatch(/^total\s+220 cases/m);
    expect(r.stdout).toMatch(/distinct diagnostic codes hit: \d+/);
    expect(r.stdout).toContain('findings: none');
    expect(readdirSync(out)).toEqual([]);
  }, 60_000);
});
