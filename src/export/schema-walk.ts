/**
 * What the walks over the document's JSON Schema share (the CSV columns in csv.ts, the key tables of
 * docs/json.md in schema-markdown.ts): a schema node, and the members of a nullable `anyOf [X, null]`.
 */

/** A node of the schema (an object; arrays and scalars are not nodes). */
export type SchemaNode = Record<string, unknown>;

export const isNode = (v: unknown): v is SchemaNode => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The members of the node's `anyOf` other than null (each passed through `map` first, e.g. to resolve a
 * `$ref`), or undefined when the node has no `anyOf`.
 */
export function nonNullMembers(n: SchemaNode, map: (m: SchemaNode) => SchemaNode = (m) => m): SchemaNode[] | undefined {
  if (!Array.isArray(n.anyOf)) return undefined;
  return n.anyOf
    .filter(isNode)
    .map((m) => map(m))
    .filter((m) => m.type !== 'null');
}
