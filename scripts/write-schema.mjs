#!/usr/bin/env node
// The JSON Schema of the document as a file of the package: schema/msrpscope-1.schema.json, written from
// JSON_SCHEMA (src/export/schema.ts, made from the TypeBox declarations in src/export/document/) after tsc by
// `npm run build`. `msrpscope --schema` prints this file and `--csv` reads its columns from it, so the command
// line never loads TypeBox. test/export/schema-file.test.ts checks the committed file is current.
//   node scripts/write-schema.mjs           writes the file
//   node scripts/write-schema.mjs --check   exits 1 when the file differs
import { readFileSync, writeFileSync } from 'node:fs';
import { JSON_SCHEMA } from '../dist/export/schema.js';

const path = new URL('../schema/msrpscope-1.schema.json', import.meta.url);
const text = `${JSON.stringify(JSON_SCHEMA, null, 2)}\n`;
if (process.argv.includes('--check')) {
  let old = '';
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    // Missing: differs.
  }
  if (old !== text) {
    process.stderr.write('schema/msrpscope-1.schema.json is not current: run npm run build\n');
    process.exit(1);
  }
} else {
  let old = '';
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    // Missing: written.
  }
  if (old !== text) writeFileSync(path, text);
}
