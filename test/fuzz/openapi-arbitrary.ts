import fc from 'fast-check';

/** A JSON Schema node as the served OpenAPI document writes it (the subset typebox produces). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** One operation of the served OpenAPI document, ready to fuzz. */
export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly query: ReadonlyArray<{ readonly name: string; readonly schema: JsonSchema; readonly required: boolean }>;
  readonly body: JsonSchema | undefined;
}

/** Every operation of an OpenAPI 3 document, `$ref`s resolved against its components. */
export function operationsOf(document: Record<string, unknown>): Operation[] {
  const components = ((document['components'] as Record<string, unknown> | undefined)?.['schemas'] ?? {}) as Record<string, JsonSchema>;
  const resolve = (schema: JsonSchema): JsonSchema => {
    const ref = schema['$ref'];
    if (typeof ref !== 'string') return schema;
    const name = ref.split('/').at(-1) as string;
    return components[name] ?? {};
  };
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(document['paths'] as Record<string, Record<string, Record<string, unknown>>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const parameters = (op['parameters'] as Array<{ in: string; name: string; schema?: JsonSchema; required?: boolean }> | undefined) ?? [];
      const content = ((op['requestBody'] as Record<string, unknown> | undefined)?.['content'] as Record<string, { schema?: JsonSchema }> | undefined)?.['application/json'];
      out.push({
        method: method.toUpperCase(),
        path,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: resolve(p.schema ?? {}), required: p.required === true })),
        body: content?.schema === undefined ? undefined : deref(content.schema, resolve),
      });
    }
  }
  return out;
}

function deref(schema: JsonSchema, resolve: (s: JsonSchema) => JsonSchema, depth = 0): JsonSchema {
  if (depth > 20) return {};
  const node = resolve(schema);
  const out: Record<string, unknown> = { ...node };
  for (const key of ['items', 'additionalProperties', 'not'] as const) {
    const child = node[key];
    if (typeof child === 'object' && child !== null) out[key] = deref(child as JsonSchema, resolve, depth + 1);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = node[key];
    if (Array.isArray(list)) out[key] = list.map((c: JsonSchema) => deref(c, resolve, depth + 1));
  }
  const properties = node['properties'];
  if (typeof properties === 'object' && properties !== null) {
    out['properties'] = Object.fromEntries(Object.entries(properties as Record<string, JsonSchema>).map(([k, v]) => [k, deref(v, resolve, depth + 1)]));
  }
  return out;
}

/**
 * Values that satisfy a schema (as far as the generator can: patterns JavaScript cannot compile
 * and formats fall back to plain strings), for the "almost right" half of route fuzzing.
 */
export function valueFor(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if ('const' in schema) return fc.constant(schema['const']);
  const enumeration = schema['enum'];
  if (Array.isArray(enumeration) && enumeration.length > 0) return fc.constantFrom(...(enumeration as unknown[]));
  const union = (schema['anyOf'] ?? schema['oneOf']) as JsonSchema[] | undefined;
  if (Array.isArray(union) && union.length > 0) return fc.oneof(...union.map((s) => valueFor(s, depth + 1)));
  const all = schema['allOf'] as JsonSchema[] | undefined;
  if (Array.isArray(all) && all.length > 0) return valueFor(Object.assign({}, ...all) as JsonSchema, depth + 1);
  const type = schema['type'];
  if (Array.isArray(type)) return fc.oneof(...type.map((t) => valueFor({ ...schema, type: t }, depth + 1)));
  const nullable = schema['nullable'] === true ? (arb: fc.Arbitrary<unknown>) => fc.oneof(arb, fc.constant(null)) : (arb: fc.Arbitrary<unknown>) => arb;
  switch (type) {
    case 'object': {
      const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema['required'] as string[] | undefined) ?? []);
      const model = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, valueFor(v, depth + 1)]));
      const record = fc.record(model, { requiredKeys: Object.keys(properties).filter((k) => required.has(k)) });
      const extra = schema['additionalProperties'];
      if (typeof extra === 'object' && extra !== null && Object.keys(properties).length === 0) return nullable(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), valueFor(extra as JsonSchema, depth + 1), { maxKeys: 4 }));
      return nullable(record);
    }
    case 'array': {
      const items = (schema['items'] ?? {}) as JsonSchema;
      const min = Number(schema['minItems'] ?? 0);
      const max = Math.min(Number(schema['maxItems'] ?? min + 4), min + 4);
      return nullable(fc.array(valueFor(items, depth + 1), { minLength: min, maxLength: max }));
    }
    case 'string':
      return nullable(stringFor(schema));
    case 'integer':
      return nullable(fc.integer({ min: bound(schema['minimum'], -1_000_000), max: bound(schema['maximum'], 1_000_000) }));
    case 'number':
      return nullable(fc.double({ min: bound(schema['minimum'], -1e9), max: bound(schema['maximum'], 1e9), noNaN: true }));
    case 'boolean':
      return nullable(fc.boolean());
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function bound(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = Number(schema['minLength'] ?? 0);
  const maxLength = Math.min(Number(schema['maxLength'] ?? minLength + 40), minLength + 200);
  const pattern = schema['pattern'];
  if (typeof pattern === 'string') {
    try {
      const regex = new RegExp(pattern);
      return fc.stringMatching(regex);
    } catch {
      // A pattern JavaScript cannot compile: plain strings test the route's own checks instead.
    }
  }
  return fc.string({ minLength, maxLength });
}
