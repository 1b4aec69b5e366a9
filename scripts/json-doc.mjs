#!/usr/bin/env node
// The key tables of docs/json.md, made from the schema file (schema/msrpscope-1.schema.json, written from the
// TypeBox declarations by npm run build) with src/export/schema-markdown.ts (run after a build).
//   node scripts/json-doc.mjs           prints the tables
//   node scripts/json-doc.mjs --write   replaces them between the markers in docs/json.md
import { readFileSync } from 'node:fs';
import { schemaMarkdown } from '../dist/export/schema-markdown.js';
import { replaceSection } from './markers.mjs';

const schema = JSON.parse(readFileSync(new URL('../schema/msrpscope-1.schema.json', import.meta.url), 'utf8'));
const tables = schemaMarkdown(schema);
if (!process.argv.includes('--write')) {
  process.stdout.write(tables);
} else {
  replaceSection(new URL('../docs/json.md', import.meta.url), 'schema', tables);
}
