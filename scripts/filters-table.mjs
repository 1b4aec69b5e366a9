#!/usr/bin/env node
// The README's filter section, made from the filter table in src/export/filter-terms.ts (run after a build);
// the TUI's help and its "not understood" message, and the command line's filter options, come from it too.
//   node scripts/filters-table.mjs           prints the section
//   node scripts/filters-table.mjs --write   replaces the section between the markers in README.md
import { readFileSync, writeFileSync } from 'node:fs';
import { filtersMarkdown } from '../dist/export/filter-terms.js';

const table = filtersMarkdown();
if (!process.argv.includes('--write')) {
  process.stdout.write(table);
} else {
  const path = new URL('../README.md', import.meta.url);
  const readme = readFileSync(path, 'utf8');
  const begin = '<!-- filters:begin -->\n';
  const end = '<!-- filters:end -->';
  const a = readme.indexOf(begin);
  const b = readme.indexOf(end);
  if (a < 0 || b < a) throw new Error('README.md has no filters markers');
  writeFileSync(path, readme.slice(0, a + begin.length) + table + readme.slice(b));
}
