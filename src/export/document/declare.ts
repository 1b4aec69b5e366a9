/**
 * The few building blocks the document's declarations share, on top of TypeBox: every value below IS a
 * JSON Schema (draft 2020-12) object and carries its TypeScript type (`Static<typeof X>`), so a record is
 * declared once and both the types of src/ and the published schema (src/export/schema.ts) come from it.
 *
 * Only tests and schema printing load these modules: src/ imports the static types with `import type`,
 * which the compiler erases, so the command line never loads TypeBox.
 */
import { Type, type Static, type TLiteralValue, type TProperties, type TSchema, type TUnsafe } from '@sinclair/typebox';

/** Schema options carrying a description when there is one (it becomes the schema's `description`). */
const about = (description: string | undefined): { description?: string } => (description === undefined ? {} : { description });

/** A record declared under a name in the schema's `$defs`: its schema, and a `$ref` to it typed as the record. */
export interface Def<T extends TSchema> {
  readonly name: string;
  readonly schema: T;
  /** `{ "$ref": "#/$defs/<name>" }`, whose static type is the record's. */
  readonly ref: TUnsafe<Static<T>>;
}

/** A schema with a description (a `$ref` too: draft 2020-12 allows annotations beside it). */
export function described<T extends TSchema>(schema: T, description: string): T {
  return { ...schema, description };
}

/** Declares a named record: document.ts lists every Def in the schema's `$defs`. */
export function def<T extends TSchema>(name: string, schema: T): Def<T> {
  return { name, schema, ref: Type.Unsafe<Static<T>>(Type.Ref(`#/$defs/${name}`)) };
}

/** An object whose keys are all required (unless wrapped in Type.Optional) and no others allowed. */
export function closed<P extends TProperties>(properties: P, description?: string) {
  return Type.Object(properties, { additionalProperties: false, ...about(description) });
}

/** The schema or null (`anyOf`). */
export function nullable<T extends TSchema>(schema: T, description?: string) {
  return Type.Union([schema, Type.Null()], about(description));
}

/** One of a few literal values (`{ "enum": [...] }`), typed as their union. */
export function enumOf<const V extends readonly (TLiteralValue | null)[]>(values: V, description?: string): TUnsafe<V[number]> {
  return Type.Unsafe<V[number]>({ enum: [...values], ...about(description) });
}

/** Exactly two items of one schema, typed as a pair. */
export function pairOf<T extends TSchema>(item: T, description?: string): TUnsafe<[Static<T>, Static<T>]> {
  return Type.Unsafe<[Static<T>, Static<T>]>({ type: 'array', items: item, minItems: 2, maxItems: 2, ...about(description) });
}

/** A count, a length, a frame number, an id: an integer >= 0. */
export const count = (description?: string) => Type.Integer({ minimum: 0, ...about(description) });

export const str = (description?: string) => Type.String(about(description));

export const num = (description?: string) => Type.Number(about(description));

export const bool = (description?: string) => Type.Boolean(about(description));

export const strings = (description?: string) => Type.Array(Type.String(), about(description));

export const counts = (description?: string) => Type.Array(count(), about(description));

/** Counts by name (method, status code, diagnostic code), built from a Map: `{ "SEND": 3 }`. */
export type CountMap = Record<string, number>;

export function countMap(description?: string, keyPattern?: string): TUnsafe<CountMap> {
  return Type.Unsafe<CountMap>({
    type: 'object',
    ...(keyPattern === undefined ? {} : { propertyNames: { type: 'string', pattern: keyPattern } }),
    additionalProperties: count(),
    ...about(description),
  });
}
