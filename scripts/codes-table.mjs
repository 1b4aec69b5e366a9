#!/usr/bin/env node
// The README's diagnostic code table, made from the code tables in src/*/codes.ts (run after a build).
//   node scripts/codes-table.mjs           prints the table
//   node scripts/codes-table.mjs --write   replaces the table between the markers in README.md
import { codesMarkdown } from '../dist/cli/codes.js';
import { replaceSection } from './markers.mjs';

const table = codesMarkdown();
if (!process.argv.includes('--write')) {
  process.stdout.write(table);
} else {
  replaceSection(new URL('../README.md', import.meta.url), 'codes', table);
}
