import type { TSchema } from 'typebox';
import type { ConfigProblem } from './problems.js';
import { isRecord } from './problems.js';

type JsonSchema = Record<string, unknown>;

/** Environment variables that are not config keys (they pick the file, or belong to tools). */
const RESERVED = new Set(['VIGIL_CONFIG']);

export interface EnvOverride {
  readonly variable: string;
  readonly path: readonly string[];
}

/**
 * Every config leaf with the environment variable that overrides it: `api.listen` ↔
 * `VIGIL_API_LISTEN`. Derived from the schema, so a new key gets its variable for free.
 */
export function envOverrides(schema: TSchema): EnvOverride[] {
  const result: EnvOverride[] = [];
  walk(schema as JsonSchema, [], result);
  return result;
}

function walk(schema: JsonSchema, path: string[], out: EnvOverride[]): void {
  const objects = Array.isArray(schema['anyOf']) ? (schema['anyOf'] as JsonSchema[]).filter((s) => s['type'] === 'object') : schema['type'] === 'object' ? [schema] : [];
  // A union of literals and objects (`tls: auto` or `tls: {cert_file, key_file}`) is settable as a whole too.
  if (path.length > 0 && objects.length > 0 && Array.isArray(schema['anyOf']) && (schema['anyOf'] as JsonSchema[]).some((s) => 'const' in s)) out.push({ variable: `VIGIL_${path.join('_').toUpperCase()}`, path });
  if (objects.length === 0 || path.length > 0 && objects.every((o) => o['properties'] === undefined)) {
    if (path.length > 0) out.push({ variable: `VIGIL_${path.join('_').toUpperCase()}`, path });
    return;
  }
  const names = new Set<string>();
  for (const object of objects) {
    for (const [name, child] of Object.entries((object['properties'] as Record<string, JsonSchema>) ?? {})) {
      if (names.has(name)) continue;
      names.add(name);
      walk(child, [...path, name], out);
    }
  }
}

/** Applies `VIGIL_*` variables onto `target` (mutating it); returns problems for values that cannot be read. */
export function applyEnv(schema: TSchema, target: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const override of envOverrides(schema)) {
    const raw = env[override.variable];
    if (raw === undefined || RESERVED.has(override.variable)) continue;
    const leaf = leafSchema(schema as JsonSchema, override.path);
    const parsed = parseEnvValue(raw, leaf);
    if (parsed === undefined) {
      problems.push({ path: override.path.join('.'), message: `environment variable ${override.variable}="${raw}" cannot be read as ${String(leaf?.['type'] ?? 'a value')}` });
      continue;
    }
    setPath(target, override.path, parsed);
  }
  return problems;
}

function leafSchema(schema: JsonSchema, path: readonly string[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const name of path) {
    if (node === undefined) return undefined;
    const candidates: JsonSchema[] = Array.isArray(node['anyOf']) ? (node['anyOf'] as JsonSchema[]) : [node];
    node = candidates.map((c) => (c['properties'] as Record<string, JsonSchema> | undefined)?.[name]).find((c) => c !== undefined);
  }
  return node;
}

function parseEnvValue(raw: string, schema: JsonSchema | undefined): unknown {
  switch (schema?.['type']) {
    case 'integer':
    case 'number': {
      const value = Number(raw);
      return raw.trim() === '' || Number.isNaN(value) ? undefined : value;
    }
    case 'boolean':
      return /^(true|1|yes|on)$/i.test(raw) ? true : /^(false|0|no|off)$/i.test(raw) ? false : undefined;
    case 'array':
      if (raw.trim().startsWith('[')) return tryJson(raw);
      return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    case 'string':
      return raw;
    default:
      return raw.trim().startsWith('{') || raw.trim().startsWith('[') ? tryJson(raw) : raw;
  }
}

function tryJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  path.forEach((name, index) => {
    if (index === path.length - 1) {
      node[name] = value;
      return;
    }
    const next = node[name];
    if (!isRecord(next)) node[name] = {};
    node = node[name] as Record<string, unknown>;
  });
}
