/**
 * The schema as a file of the package (schema/msrpscope-1.schema.json, written by scripts/write-schema.mjs at
 * build time) is JSON_SCHEMA of the current declarations, ships with the package, and `msrpscope --schema`
 * prints it without a capture.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA } from '../../src/export/schema.js';
import { schemaObject, schemaText } from '../../src/export/schema-file.js';

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
    expect(pkg.scripts.build).toContain('scripts/write-schema.mjs');
  });

  it('is what msrpscope --schema prints, with no capture given', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'msrpscope'), '--schema'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(readFileSync(FILE, 'utf8'));
  });
});
