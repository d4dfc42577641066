/**
 * The TypeScript type of the JSON a schema of schemas.ts describes, worked
 * out from the schema's own literal type (in the manner of json-schema-to-ts's
 * FromSchema, for the OpenAPI 3.0.3 subset this API uses: `nullable`, and
 * `$ref` to a component by name). The schemas are written once, with their
 * literal types kept (`as const`); the types the handlers take and return
 * follow them, so a body's shape lives in one place.
 */

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** `#/components/schemas/<name>` resolved in `Defs` (the components, by name); `Defs` is passed down to nested schemas. */
export type FromSchema<S, Defs = Record<never, never>> = S extends { readonly $ref: `#/components/schemas/${infer N}` }
  ? N extends keyof Defs
    ? FromSchema<Defs[N], Defs>
    : unknown
  : (S extends { readonly nullable: true } ? null : never) | Base<S, Defs>;

type Base<S, Defs> = S extends { readonly enum: readonly (infer E)[] }
  ? E
  : S extends { readonly type: 'string' }
    ? string
    : S extends { readonly type: 'integer' | 'number' }
      ? number
      : S extends { readonly type: 'boolean' }
        ? boolean
        : S extends { readonly type: 'array'; readonly items: infer I }
          ? readonly FromSchema<I, Defs>[]
          : S extends { readonly type: 'object' }
            ? ObjectOf<S, Defs>
            : unknown;

type PropertiesOf<S> = S extends { readonly properties: infer P } ? P : Record<never, never>;
type RequiredOf<S> = S extends { readonly required: readonly (infer R)[] } ? R : never;

/**
 * The declared properties, optional unless required. An object whose schema
 * allows other properties (additionalProperties: true) gets no index
 * signature for them: an interface (which has none) must still fit it.
 */
type ObjectOf<S, Defs, P = PropertiesOf<S>> = Simplify<
  { readonly [K in keyof P as K extends RequiredOf<S> ? K : never]: FromSchema<P[K], Defs> } & {
    readonly [K in keyof P as K extends RequiredOf<S> ? never : K]?: FromSchema<P[K], Defs>;
  }
>;

/** Path or query parameters (`{ name: { schema, required? } }`) as fastify hands them to the handler once validated. */
export type FromParameters<P, Defs = Record<never, never>> = Simplify<
  { readonly [K in keyof P as P[K] extends { readonly required: true } ? K : never]: FromSchema<SchemaOf<P[K]>, Defs> } & {
    readonly [K in keyof P as P[K] extends { readonly required: true } ? never : K]?: FromSchema<SchemaOf<P[K]>, Defs>;
  }
>;

type SchemaOf<D> = D extends { readonly schema: infer S } ? S : unknown;
