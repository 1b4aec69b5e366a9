/**
 * `--csv KIND`: the sessions, messages or transactions of the JSON document as RFC 4180 CSV. The columns come
 * from the document's JSON Schema (the TypeBox declarations in ./document/, shipped as
 * schema/msrpscope-1.schema.json), so they follow the JSON without a list of their own:
 *
 * - every key of the record whose value is a scalar (string, number, boolean, or one of them or null) is a
 *   column; nested objects (also nullable ones) are flattened with dotted names (`first.time`, `byteRange.start`,
 *   `request.typed.contentType.mediaType`), in the order the schema declares their keys;
 * - arrays of scalars are one column, their items joined with a space (`connections` = `0 2 1 3`); a fixed
 *   pair of records (a session's `endpoints`) gets columns per position (`endpoints.0.uri`, `endpoints.1.uri`);
 *   arrays of objects or pairs (legs, headers, byte intervals) and maps of counts (`requests`) are left out:
 *   the JSON has them;
 * - null (or a null object above the key) is an empty cell; booleans are `true` / `false`.
 *
 * Text from the capture is escaped as in every text output of msrpscope (control characters as `\x1b`,
 * `\n`, ...), so a cell never holds a line break or a terminal control; the JSON keeps the exact strings.
 * A cell that starts with `=`, `+`, `-` or `@` is left as it is (it is data, and changing it would change the
 * value); a spreadsheet should import the file as text rather than open it.
 */
import { escapeText } from '../util/escape.js';
import { isNode, nonNullMembers, type SchemaNode } from './schema-walk.js';

export const CSV_KINDS = ['sessions', 'messages', 'transactions'] as const;
export type CsvKind = (typeof CSV_KINDS)[number];

/** The `$defs` record behind each kind. */
const RECORD: Record<CsvKind, string> = { sessions: 'session', messages: 'message', transactions: 'transaction' };

export interface CsvColumn {
  /** Dotted name (`first.time`). */
  name: string;
  /** Keys from the record down; a position in a fixed array is a number (csvColumns gives them as numbers). */
  path: ReadonlyArray<string | number>;
  /** An array of scalars, joined with a space. */
  joined: boolean;
}

const SCALAR_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'null']);

/** A `$ref` to a record of `$defs`, resolved. */
function resolve(defs: SchemaNode, node: SchemaNode): SchemaNode {
  let n = node;
  for (let i = 0; i < 8 && typeof n.$ref === 'string'; i++) {
    const m = /^#\/\$defs\/(.+)$/.exec(n.$ref);
    const target = m === null ? undefined : defs[m[1] ?? ''];
    if (!isNode(target)) throw new Error(`schema: unknown reference ${n.$ref}`);
    n = target;
  }
  return n;
}

/** The schema's members other than null, when it is `anyOf [X, null]`. */
function nonNull(defs: SchemaNode, node: SchemaNode): SchemaNode[] {
  const n = resolve(defs, node);
  return nonNullMembers(n, (m) => resolve(defs, m)) ?? [n];
}

function isScalar(defs: SchemaNode, node: SchemaNode): boolean {
  const members = nonNull(defs, node);
  if (members.length === 0) return true;
  return members.every((m) => {
    if (Array.isArray(m.enum)) return m.enum.every((v) => v === null || typeof v !== 'object');
    if ('const' in m) return m.const === null || typeof m.const !== 'object';
    return typeof m.type === 'string' && SCALAR_TYPES.has(m.type);
  });
}

function walk(defs: SchemaNode, node: SchemaNode, path: Array<string | number>, out: CsvColumn[], depth: number): void {
  if (depth > 8) return;
  if (isScalar(defs, node)) {
    out.push({ name: path.join('.'), path, joined: false });
    return;
  }
  const members = nonNull(defs, node);
  if (members.length !== 1) return;
  const m = members[0] as SchemaNode;
  if (m.type === 'array') {
    const items = m.items;
    if (isNode(items) && isScalar(defs, items)) out.push({ name: path.join('.'), path, joined: true });
    else if (isNode(items) && typeof m.minItems === 'number' && m.minItems === m.maxItems && m.minItems <= 4) {
      // A fixed pair of records (a session's two endpoints): one set of columns per position.
      for (let i = 0; i < m.minItems; i++) walk(defs, items, [...path, i], out, depth + 1);
    }
    return;
  }
  if (m.type === 'object' && isNode(m.properties)) {
    for (const [key, child] of Object.entries(m.properties)) if (isNode(child)) walk(defs, child, [...path, key], out, depth + 1);
  }
  // Maps of counts (no declared properties) and anything else are left out.
}

/** The columns of a kind, from the document's JSON Schema (as schema/msrpscope-1.schema.json holds it). */
export function csvColumns(schema: SchemaNode, kind: CsvKind): CsvColumn[] {
  const defs = schema.$defs;
  if (!isNode(defs)) throw new Error('schema: no $defs');
  const record = defs[RECORD[kind]];
  if (!isNode(record)) throw new Error(`schema: no $defs/${RECORD[kind]}`);
  const out: CsvColumn[] = [];
  walk(defs, record, [], out, 0);
  return out;
}

/** One field of RFC 4180: quoted (quotes doubled) when it holds a comma, a quote, CR or LF. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record of RFC 4180, CRLF at the end. */
export function csvRow(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

function scalarText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return escapeText(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

/** A cell: the value at the column's path ('' when it or an object above it is null). */
export function csvCell(record: unknown, c: CsvColumn): string {
  let v: unknown = record;
  for (const key of c.path) {
    if (Array.isArray(v) && (typeof key === 'number' || /^\d+$/.test(key))) v = v[Number(key)];
    else if (isNode(v)) v = v[key];
    else return '';
  }
  if (c.joined) return Array.isArray(v) ? v.map(scalarText).join(' ') : '';
  return scalarText(v);
}

/**
 * The CSV of `records` (of one kind) in pieces of about 64 KiB: the header row, then rows. The records may
 * be made one at a time (sectionItems over documentSections or filteredSections): a large capture's rows are never all held.
 */
export function* csvChunks(records: Iterable<unknown>, kind: CsvKind, schema: SchemaNode): Generator<string, void, undefined> {
  const columns = csvColumns(schema, kind);
  yield csvRow(columns.map((c) => c.name));
  let batch = '';
  for (const r of records) {
    batch += csvRow(columns.map((c) => csvCell(r, c)));
    if (batch.length >= 64 * 1024) {
      yield batch;
      batch = '';
    }
  }
  if (batch !== '') yield batch;
}
