#!/usr/bin/env node
// The README's filter section, made from the filter table in src/export/filter-terms.ts (run after a build);
// the TUI's help and its "not understood" message, and the command line's filter options, come from it too.
//   node scripts/filters-table.mjs           prints the section
//   node scripts/filters-table.mjs --write   replaces the section between the markers in README.md
import { filtersMarkdown } from '../dist/export/filter-terms.js';
import { replaceSection } from './markers.mjs';

const table = filtersMarkdown();
if (!process.argv.includes('--write')) {
  process.stdout.write(table);
} else {
  replaceSection(new URL('../README.md', import.meta.url), 'filters', table);
}
