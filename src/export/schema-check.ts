/**
 * A small JSON Schema validator for the subset the project's schema uses: type, const, enum, properties,
 * required, additionalProperties, propertyNames, items, minItems, maxItems, minimum, pattern, $ref to
 * `#/$defs/...`, anyOf, oneOf, allOf. Any other keyword is reported as unsupported rather than ignored,
 * so the schema cannot silently outgrow the checker.
 */

export interface SchemaError {
  /** JSON pointer-like path of the offending value (`/messages/0/legs/1/state`). */
  path: string;
  message: string;
}

type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', '$defs', '$comment']);
const KEYWORDS = new Set([
  'type',
  'const',
  'enum',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'minItems',
  'maxItems',
  'minimum',
  'pattern',
  '$ref',
  'anyOf',
  'oneOf',
  'allOf',
]);

const MAX_ERRORS = 50;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeMatches(t: string, v: unknown): boolean {
  switch (t) {
    case 'null':
      return v === null;
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
    default:
      return false;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function resolve(root: Schema, ref: string): Schema | undefined {
  const m = /^#\/\$defs\/([A-Za-z0-9_-]+)$/.exec(ref);
  if (m === null) return undefined;
  const defs = root.$defs;
  if (!isObject(defs)) return undefined;
  const d = Object.prototype.hasOwnProperty.call(defs, m[1] as string) ? defs[m[1] as string] : undefined;
  return isObject(d) ? d : undefined;
}

function check(schema: Schema, v: unknown, path: string, root: Schema, out: SchemaError[]): void {
  if (out.length >= MAX_ERRORS) return;
  const err = (message: string): void => {
    if (out.length < MAX_ERRORS) out.push({ path: path === '' ? '/' : path, message });
  };
  for (const k of Object.keys(schema)) {
    if (!KEYWORDS.has(k) && !ANNOTATIONS.has(k)) err(`unsupported schema keyword "${k}"`);
  }
  if (typeof schema.$ref === 'string') {
    const target = resolve(root, schema.$ref);
    if (target === undefined) err(`unresolvable $ref ${schema.$ref}`);
    else check(target, v, path, root, out);
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => typeMatches(t, v))) {
      err(`expected ${types.join(' or ')}, got ${v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v}`);
      return;
    }
  }
  if ('const' in schema && !sameJson(schema.const, v)) err(`expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => sameJson(e, v))) {
    err(`${JSON.stringify(v)} not one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeof v === 'number' && typeof schema.minimum === 'number' && v < schema.minimum) err(`${v} < minimum ${schema.minimum}`);
  if (typeof v === 'string' && typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(v)) {
    err(`"${v.slice(0, 80)}" does not match ${schema.pattern}`);
  }
  if (Array.isArray(v)) {
    if (typeof schema.minItems === 'number' && v.length < schema.minItems) err(`fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && v.length > schema.maxItems) err(`more than ${schema.maxItems} items`);
    if (isObject(schema.items)) {
      const items = schema.items;
      v.forEach((x, i) => check(items, x, `${path}/${i}`, root, out));
    }
  }
  if (isObject(v)) {
    const props = isObject(schema.properties) ? schema.properties : {};
    if (Array.isArray(schema.required)) {
      for (const r of schema.required as string[]) if (!Object.prototype.hasOwnProperty.call(v, r)) err(`missing required "${r}"`);
    }
    for (const k of Object.keys(v)) {
      const sub = Object.prototype.hasOwnProperty.call(props, k) ? props[k] : undefined;
      const childPath = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (isObject(schema.propertyNames)) check(schema.propertyNames, k, `${childPath}(name)`, root, out);
      if (isObject(sub)) check(sub, v[k], childPath, root, out);
      else if (schema.additionalProperties === false) err(`unexpected property "${k}"`);
      else if (isObject(schema.additionalProperties)) check(schema.additionalProperties, v[k], childPath, root, out);
    }
  }
  const branches = (key: 'anyOf' | 'oneOf' | 'allOf'): Schema[] | undefined =>
    Array.isArray(schema[key]) ? (schema[key] as Schema[]) : undefined;
  const anyOf = branches('anyOf');
  if (anyOf !== undefined) {
    const results = anyOf.map((s) => validateSchema(s, v, root));
    if (!results.some((r) => r.length === 0)) {
      // Report the closest branch's errors, re-rooted at this path.
      let best = results[0] ?? [];
      for (const r of results) if (r.length < best.length) best = r;
      err(`matches none of anyOf (${anyOf.length})`);
      for (const e of best) if (out.length < MAX_ERRORS) out.push({ path: `${path}${e.path === '/' ? '' : e.path}`, message: e.message });
    }
  }
  const oneOf = branches('oneOf');
  if (oneOf !== undefined) {
    const ok = oneOf.filter((s) => validateSchema(s, v, root).length === 0).length;
    if (ok !== 1) err(`matches ${ok} of oneOf, expected exactly 1`);
  }
  const allOf = branches('allOf');
  if (allOf !== undefined) for (const s of allOf) check(s, v, path, root, out);
}

/** Validates `value` against `schema` (whose `$defs` resolve `$ref`s, or those of `root`). */
export function validateSchema(schema: Record<string, unknown>, value: unknown, root: Record<string, unknown> = schema): SchemaError[] {
  const out: SchemaError[] = [];
  check(schema, value, '', root, out);
  return out;
}
