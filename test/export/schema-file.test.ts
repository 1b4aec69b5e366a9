/**
 * The schema as a file of the package (schema/msrpscope-1.schema.json, written by scripts/write-schema.mjs at
 * build time) is JSON_SCHEMA of the current declarations, ships with the package, and `msrpscope --schema`
 * prints it without a capture; docs/json.md's key tables are made from it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA } from '../../src/export/schema.js';
import { schemaObject, schemaText } from '../../src/export/schema-file.js';
import { schemaMarkdown } from '../../src/export/schema-markdown.js';
import { section } from '../../scripts/markers.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FILE = join(ROOT, 'schema', 'msrpscope-1.schema.json');

describe('schema/msrpscope-1.schema.json', () => {
  it('is JSON_SCHEMA as the build writes it (run npm run build when this fails)', () => {
    expect(readFileSync(FILE, 'utf8')).toBe(`${JSON.stringify(JSON_SCHEMA, null, 2)}\n`);
    expect(schemaText()).toBe(readFileSync(FILE, 'utf8'));
    expect(schemaObject()).toEqual(JSON.parse(JSON.stringify(JSON_SCHEMA)));
  });

  it('is in the package', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[]; scripts: Record<string, string> };
    expect(pkg.files).toContain('schema');
    expect(pkg.files).toContain('docs/json.md');
    expect(pkg.scripts.build).toContain('scripts/write-schema.mjs');
  });

  it('is what msrpscope --schema prints, with no capture given', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'msrpscope'), '--schema'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(readFileSync(FILE, 'utf8'));
  });

  it('gives the key tables of docs/json.md (node scripts/json-doc.mjs --write after a build when this fails)', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'json.md'), 'utf8');
    const tables = section(doc, 'schema');
    expect(tables).toBeDefined();
    expect(tables).toBe(schemaMarkdown(schemaObject()));
    // Every record of the schema has its table, and the README points here and to the schema file.
    for (const name of Object.keys(JSON_SCHEMA.$defs as object)) expect(doc).toContain(`\n### ${name}\n`);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('docs/json.md');
    expect(readme).toContain('schema/msrpscope-1.schema.json');
    expect(readme).not.toContain('../shared/JSON-CONTRACT');
  });
});
