#!/usr/bin/env node
// The key tables of docs/json.md, made from the schema file (schema/msrpscope-1.schema.json, written from the
// TypeBox declarations by npm run build) with src/export/schema-markdown.ts (run after a build).
//   node scripts/json-doc.mjs           prints the tables
//   node scripts/json-doc.mjs --write   replaces them between the markers in docs/json.md
import { readFileSync, writeFileSync } from 'node:fs';
import { schemaMarkdown } from '../dist/export/schema-markdown.js';

const schema = JSON.parse(readFileSync(new URL('../schema/msrpscope-1.schema.json', import.meta.url), 'utf8'));
const tables = schemaMarkdown(schema);
if (!process.argv.includes('--write')) {
  process.stdout.write(tables);
} else {
  const path = new URL('../docs/json.md', import.meta.url);
  const doc = readFileSync(path, 'utf8');
  const begin = '<!-- schema:begin -->\n';
  const end = '<!-- schema:end -->';
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error('docs/json.md has no schema markers');
  writeFileSync(path, doc.slice(0, a + begin.length) + tables + doc.slice(b));
}
