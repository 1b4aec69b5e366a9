import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ALL_CODES, codesMarkdown } from '../../src/cli/codes.js';
import { section } from '../../scripts/markers.mjs';

const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

describe('diagnostic codes', () => {
  it('are unique kebab-case codes with a meaning', () => {
    const seen = new Set<string>();
    for (const { codes } of ALL_CODES) {
      for (const c of codes) {
        expect(c.code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(c.meaning.length).toBeGreaterThan(5);
        expect(seen.has(c.code), c.code).toBe(false);
        seen.add(c.code);
      }
    }
    expect(seen.size).toBeGreaterThan(100);
  });

  it('are all documented in the README table (node scripts/codes-table.mjs --write)', () => {
    const table = section(README, 'codes');
    expect(table).toBeDefined();
    expect(table).toBe(codesMarkdown());
  });
});
