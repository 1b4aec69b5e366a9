/**
 * The key tables of docs/json.md, made from the JSON Schema (schema/msrpscope-1.schema.json, itself made from
 * the TypeBox declarations in ./document/): every section of the document and every record of `$defs`, one row
 * per key with its type and the declaration's description. Nested objects are listed under dotted keys.
 * `node scripts/json-doc.mjs --write` puts them in docs/json.md; a test keeps the file current.
 */

import { isNode, nonNullMembers, type SchemaNode as Node } from './schema-walk.js';

/** Text for a table cell: pipes escaped, no line breaks. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function literal(v: unknown): string {
  return v === null ? 'null' : `\`${JSON.stringify(v)}\``;
}

/** How a type reads in the tables (links to records of `$defs`). */
export function typeText(n: Node): string {
  if (typeof n.$ref === 'string') {
    const name = n.$ref.replace(/^#\/\$defs\//, '');
    return `[${name}](#${name.toLowerCase()})`;
  }
  if (Array.isArray(n.anyOf)) return n.anyOf.filter(isNode).map(typeText).join(' or ');
  if (Array.isArray(n.enum)) return n.enum.map(literal).join(', ');
  if ('const' in n) return literal(n.const);
  switch (n.type) {
    case 'integer':
      return typeof n.minimum === 'number' ? `integer ≥ ${n.minimum}` : 'integer';
    case 'number':
    case 'boolean':
    case 'null':
      return n.type;
    case 'string':
      return typeof n.pattern === 'string' && n.pattern.startsWith('^\\d{4}') ? 'string (ISO-8601 UTC time)' : 'string';
    case 'array': {
      if (Array.isArray(n.prefixItems)) return `[${n.prefixItems.filter(isNode).map(typeText).join(', ')}]`;
      const item = isNode(n.items) ? typeText(n.items) : 'anything';
      if (typeof n.minItems === 'number' && n.minItems === n.maxItems) return `${n.minItems} × ${item}`;
      return `array of ${item}`;
    }
    case 'object':
      if (isNode(n.properties)) return 'object';
      return isNode(n.additionalProperties) ? `object: name → ${typeText(n.additionalProperties)}` : 'object';
    default:
      return '';
  }
}

/** The object a node holds keys of (itself, or the non-null member of `anyOf [object, null]`), if inline. */
function inlineObject(n: Node): Node | undefined {
  if (n.type === 'object' && isNode(n.properties)) return n;
  const members = nonNullMembers(n);
  if (members?.length === 1) return inlineObject(members[0] as Node);
  if (n.type === 'array' && isNode(n.items)) return inlineObject(n.items);
  return undefined;
}

function rows(obj: Node, prefix: string, out: string[]): void {
  const props = isNode(obj.properties) ? obj.properties : {};
  const required = new Set(Array.isArray(obj.required) ? obj.required : []);
  for (const [key, v] of Object.entries(props)) {
    if (!isNode(v)) continue;
    const name = `${prefix}${key}`;
    const optional = required.has(key) ? '' : ' (optional)';
    const about = typeof v.description === 'string' ? v.description : '';
    out.push(`| \`${name}\` | ${cell(typeText(v))}${optional} | ${cell(about)} |`);
    const inner = inlineObject(v);
    if (inner !== undefined) rows(inner, v.type === 'array' ? `${name}[].` : `${name}.`, out);
  }
}

function table(obj: Node): string {
  const out = ['| key | type | meaning |', '|---|---|---|'];
  rows(obj, '', out);
  return `${out.join('\n')}\n`;
}

/** The tables of the document's sections and records, as markdown. */
export function schemaMarkdown(schema: Node): string {
  const parts: string[] = [];
  parts.push('### The document\n\n', table(schema));
  const defs = isNode(schema.$defs) ? schema.$defs : {};
  for (const [name, d] of Object.entries(defs)) {
    if (!isNode(d)) continue;
    parts.push(`\n### ${name}\n`);
    if (typeof d.description === 'string') parts.push(`\n${d.description}\n`);
    const obj = inlineObject(d);
    parts.push('\n', obj === undefined ? `${cell(typeText(d))}\n` : table(obj));
  }
  return parts.join('');
}
