#!/usr/bin/env node
// The README's diagnostic code table, made from the code tables in src/*/codes.ts (run after a build).
//   node scripts/codes-table.mjs           prints the table
//   node scripts/codes-table.mjs --write   replaces the table between the markers in README.md
import { readFileSync, writeFileSync } from 'node:fs';
import { codesMarkdown } from '../dist/cli/codes.js';

const table = codesMarkdown();
if (!process.argv.includes('--write')) {
  process.stdout.write(table);
} else {
  const path = new URL('../README.md', import.meta.url);
  const readme = readFileSync(path, 'utf8');
  const begin = '<!-- codes:begin -->\n';
  const end = '<!-- codes:end -->';
  const a = readme.indexOf(begin);
  const b = readme.indexOf(end);
  if (a < 0 || b < a) throw new Error('README.md has no codes markers');
  writeFileSync(path, readme.slice(0, a + begin.length) + table + readme.slice(b));
}
