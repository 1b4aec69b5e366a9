/**
 * JSON Schema (draft 2020-12) of the `msrpscope/1` document, assembled from the TypeBox declarations in
 * ./document/ (which are JSON Schema objects already: no conversion). Objects list every key the exporter
 * writes and forbid others, so a new key must be declared there; the test validates real output with Ajv.
 * Print it with `JSON.stringify(JSON_SCHEMA)`. Only tests and tooling import this module (it loads TypeBox).
 */
import { DEFS, Document } from './document/document.js';

export const JSON_SCHEMA: Record<string, unknown> = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://msrpscope.invalid/schema/msrpscope-1.json',
  title: 'msrpscope JSON document (schema msrpscope/1)',
  ...Document,
  $defs: Object.fromEntries(DEFS.map((d) => [d.name, d.schema])),
};
