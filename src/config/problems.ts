import { Value } from 'typebox/value';
import type { TSchema } from 'typebox';

/** One thing wrong with a config: where (dotted path), what, and what to do. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
  readonly hint?: string;
  /** 1-based line in the source file, when known. */
  readonly line?: number;
}

interface SchemaError {
  readonly keyword: string;
  readonly schemaPath: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message: string;
}

type JsonSchema = Record<string, unknown>;

/** Every problem with `value` against `schema`, each once, with a dotted path and a hint. */
export function findProblems(schema: TSchema, value: unknown): ConfigProblem[] {
  const errors = [...Value.Errors(schema, value)] as unknown as SchemaError[];
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const problem = describe(schema as JsonSchema, value, error, errors);
    if (problem === undefined) continue;
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems.sort((a, b) => a.path.localeCompare(b.path));
}

function describe(root: JsonSchema, value: unknown, error: SchemaError, all: readonly SchemaError[]): ConfigProblem | undefined {
  const segments = pointerSegments(error.instancePath);
  const path = segments.join('.') || '(root)';
  // An error inside a union branch only matters if that branch is the one the value chose.
  if (!inChosenBranches(root, value, error.schemaPath)) return undefined;

  if (error.keyword === 'additionalProperties') return undefined;
  if (error.keyword === 'boolean' && error.schemaPath.endsWith('/additionalProperties')) {
    const parent = schemaAt(root, error.schemaPath.slice(0, -'/additionalProperties'.length));
    const allowed = Object.keys((parent?.['properties'] as JsonSchema | undefined) ?? {});
    return { path, message: 'unknown key', hint: allowed.length > 0 ? `expected one of: ${allowed.join(', ')}` : 'remove it' };
  }
  if (error.keyword === 'anyOf') {
    // Reported through the chosen branch; only speak when no branch was chosen (bad tag).
    const union = schemaAt(root, error.schemaPath);
    const tags = unionTags(union);
    if (tags === undefined) {
      const others = all.filter((e) => e !== error && e.instancePath.startsWith(error.instancePath) && e.schemaPath.startsWith(error.schemaPath));
      return others.length > 0 ? undefined : { path, message: 'does not match any allowed form' };
    }
    const current = valueAt(value, segments);
    const tag = isRecord(current) ? current['type'] : undefined;
    if (typeof tag === 'string' && tags.includes(tag)) return undefined;
    return { path: `${path === '(root)' ? '' : `${path}.`}type`, message: tag === undefined ? 'is required' : `"${String(tag)}" is not a known type`, hint: `one of: ${tags.join(', ')}` };
  }
  if (error.keyword === 'const' && isTagPath(error)) return undefined;
  if (error.keyword === 'const' && /\/anyOf\/\d+$/.test(error.schemaPath)) {
    const union = schemaAt(root, error.schemaPath.replace(/\/anyOf\/\d+$/, ''));
    if (mixedUnion(union)) return { path, message: `${JSON.stringify(valueAt(value, segments))} is not allowed`, hint: `one of: ${unionForms(union as JsonSchema)}` };
  }
  if (error.keyword === 'required') {
    const missing = (error.params['requiredProperties'] as string[] | undefined) ?? [];
    const current = valueAt(value, segments);
    const absent = missing.filter((name) => !isRecord(current) || current[name] === undefined);
    return { path: [...segments, (absent.length > 0 ? absent : missing).join(', ')].filter(Boolean).join('.'), message: 'is required' };
  }
  const target = schemaAt(root, error.schemaPath);
  if (error.keyword === 'pattern') {
    return { path, message: `${JSON.stringify(valueAt(value, segments))} is not in the expected form`, ...hintFor(target) };
  }
  return { path, message: error.message, ...hintFor(target) };
}

function hintFor(schema: JsonSchema | undefined): { hint?: string } {
  if (schema === undefined) return {};
  const examples = schema['examples'];
  if (Array.isArray(examples) && examples.length > 0) return { hint: `for example: ${examples.map((e) => JSON.stringify(e)).join(', ')}` };
  if (Array.isArray(schema['enum'])) return { hint: `one of: ${(schema['enum'] as unknown[]).join(', ')}` };
  const anyOf = schema['anyOf'];
  if (Array.isArray(anyOf) && anyOf.every((s) => isRecord(s) && 'const' in s)) {
    return { hint: `one of: ${anyOf.map((s) => String((s as JsonSchema)['const'])).join(', ')}` };
  }
  if (typeof schema['description'] === 'string') return { hint: schema['description'] };
  return {};
}

function isTagPath(error: SchemaError): boolean {
  return /\/anyOf\/\d+\/properties\/type$/.test(error.schemaPath);
}

/** For each `anyOf/N` on the schema path, checks that N is the branch whose `type` tag matches the value. */
function inChosenBranches(root: JsonSchema, value: unknown, schemaPath: string): boolean {
  const parts = schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean);
  let schema: JsonSchema | undefined = root;
  let current: unknown = value;
  for (let i = 0; i < parts.length && schema !== undefined; i++) {
    const part = parts[i] ?? '';
    if (part === 'properties') {
      const name = parts[i + 1] ?? '';
      schema = (schema['properties'] as Record<string, JsonSchema> | undefined)?.[name];
      current = isRecord(current) ? current[name] : undefined;
      i++;
    } else if (part === 'anyOf') {
      const index = Number(parts[i + 1]);
      const tags = unionTags(schema);
      if (tags !== undefined) {
        const tag = isRecord(current) ? current['type'] : undefined;
        if (tags[index] !== tag) return false;
      } else if (mixedUnion(schema)) {
        // `off | auto | {cert_file, key_file}`: a mapping chose the object branch, anything else a literal.
        const branch = (schema['anyOf'] as JsonSchema[])[index];
        if ((branch?.['type'] === 'object') !== isRecord(current)) return false;
      }
      schema = (schema['anyOf'] as JsonSchema[] | undefined)?.[index];
      i++;
    } else if (part === 'items') {
      schema = schema['items'] as JsonSchema | undefined;
      current = undefined;
    } else {
      schema = schema[part] as JsonSchema | undefined;
    }
  }
  return true;
}

/** A union of literals and (untagged) objects, such as a listener's `tls`. */
function mixedUnion(schema: JsonSchema | undefined): boolean {
  const anyOf = schema?.['anyOf'];
  return Array.isArray(anyOf) && unionTags(schema) === undefined && anyOf.some((b) => isRecord(b) && 'const' in b) && anyOf.some((b) => isRecord(b) && b['type'] === 'object');
}

function unionForms(union: JsonSchema): string {
  return (union['anyOf'] as JsonSchema[]).map((b) => ('const' in b ? String(b['const']) : `a mapping with ${Object.keys((b['properties'] as JsonSchema | undefined) ?? {}).join(', ')}`)).join(', ');
}

/** The `type` literals of a tagged union, in branch order; undefined when the union is not tagged. */
function unionTags(schema: JsonSchema | undefined): string[] | undefined {
  const anyOf = schema?.['anyOf'];
  if (!Array.isArray(anyOf)) return undefined;
  const tags: string[] = [];
  for (const branch of anyOf) {
    const tag = isRecord(branch) ? (branch['properties'] as JsonSchema | undefined)?.['type'] : undefined;
    const literal = isRecord(tag) ? tag['const'] : undefined;
    if (typeof literal !== 'string') return undefined;
    tags.push(literal);
  }
  return tags;
}

function schemaAt(root: JsonSchema, schemaPath: string): JsonSchema | undefined {
  let node: unknown = root;
  for (const part of schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = isRecord(node) ? node[part] : Array.isArray(node) ? node[Number(part)] : undefined;
  }
  return isRecord(node) ? node : undefined;
}

function valueAt(value: unknown, segments: readonly string[]): unknown {
  let node = value;
  for (const segment of segments) node = isRecord(node) ? node[segment] : Array.isArray(node) ? node[Number(segment)] : undefined;
  return node;
}

function pointerSegments(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
