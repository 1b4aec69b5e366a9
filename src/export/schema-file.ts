/**
 * The JSON Schema as the package ships it: schema/msrpscope-1.schema.json, written from JSON_SCHEMA
 * (schema.ts, the TypeBox declarations) by scripts/write-schema.mjs at build time. The command line reads
 * this file (`--schema`, the columns of `--csv`) instead of loading TypeBox. src/export and dist/export lie
 * two levels below the package root, like dist/bundle, so the same relative URL works from each.
 */
import { readFileSync } from 'node:fs';

const SCHEMA_URL = new URL('../../schema/msrpscope-1.schema.json', import.meta.url);

let text: string | undefined;

/** The schema file's text (read once). */
export function schemaText(): string {
  text ??= readFileSync(SCHEMA_URL, 'utf8');
  return text;
}

/** The schema file, parsed. */
export function schemaObject(): Record<string, unknown> {
  return JSON.parse(schemaText()) as Record<string, unknown>;
}
