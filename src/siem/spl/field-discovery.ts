import { fact } from './facts.js';
import { DEFAULT_EVENT_FIELDS, INTERNAL_PREFIX, wildcardMatch, type PlanContext, type Relation } from './relation.js';

/**
 * Every field the rows carry at this point of the plan, for wildcards (`table *`, `fields value*`,
 * `rename value.* AS v_*`, `stats … by value*`, `foreach`) and `fieldsummary`. Table-shaped rows
 * have exactly their columns. Events also have their default fields and every field search time
 * extraction finds in them: JSON paths of `_raw` in C.1 naming (`value.count`, `value.ports{}`,
 * `items{}.name`), `key=value` pairs of non-JSON `_raw`, and HEC indexed fields. Discovered fields
 * come after the known columns, in name order.
 */
export function availableFields(rel: Relation, ctx: PlanContext): string[] {
  const known = rel.visibleColumns().filter((c) => !rel.dropped.has(c));
  if (!rel.eventMode || !rel.columns.has('_raw')) return known;
  const names = fact(ctx.facts, `fields:${rel.current}`, async (db) => discoveryNames(await db.query(discoverySql(rel))), [] as string[]);
  const out = [...known];
  const seen = new Set(out);
  for (const name of [...DEFAULT_EVENT_FIELDS.filter((f) => f !== '_raw' && f !== '_time'), ...names]) {
    if (seen.has(name) || rel.dropped.has(name) || name.startsWith(INTERNAL_PREFIX)) continue;
    seen.add(name);
    out.push(name);
  }
  return out;
}

/**
 * Expands wildcard patterns over the available fields (a name without `*` stands for itself). As in
 * Splunk, `*` alone does not match internal fields (`_time`, `_raw`); `_*` does.
 */
export function expandFieldPatterns(rel: Relation, ctx: PlanContext, patterns: readonly string[]): string[] {
  if (!patterns.some((p) => p.includes('*'))) return [...patterns];
  const available = availableFields(rel, ctx);
  const out: string[] = [];
  for (const pattern of patterns) {
    if (!pattern.includes('*')) {
      if (!out.includes(pattern)) out.push(pattern);
      continue;
    }
    for (const name of available) if ((!name.startsWith('_') || pattern.startsWith('_')) && wildcardMatch(pattern, name) && !out.includes(name)) out.push(name);
  }
  return out;
}

/** One query listing the shapes of JSON events, the keys of key=value events and indexed field names. */
function discoverySql(rel: Relation): string {
  const parts: string[] = [];
  const json = rel.columns.has('__json') ? rel.jsonGuard() : 'coalesce(json_valid("_raw"), false)';
  parts.push(`SELECT DISTINCT 'json' AS kind, CAST(json_structure("_raw") AS VARCHAR) AS item FROM {cur} WHERE ${json} AND json_type("_raw") = 'OBJECT'`);
  parts.push(`SELECT DISTINCT 'kv' AS kind, unnest(regexp_extract_all("_raw", '(?:^|[\\s,;])([A-Za-z_][A-Za-z0-9_.-]*)=(?:"[^"]*"|[^\\s,;"]+)', 1)) AS item FROM {cur} WHERE NOT ${json}`);
  if (rel.columns.has('__fields')) parts.push(`SELECT DISTINCT 'indexed' AS kind, CAST(unnest(json_keys("__fields")) AS VARCHAR) AS item FROM {cur} WHERE "__fields" IS NOT NULL`);
  return rel.render((current) => parts.map((p) => p.replaceAll('{cur}', current)).join(' UNION ALL '));
}

function discoveryNames(rows: ReadonlyArray<Readonly<Record<string, unknown>>>): string[] {
  const names = new Set<string>();
  for (const row of rows) {
    const item = row['item'];
    if (typeof item !== 'string') continue;
    if (row['kind'] !== 'json') {
      names.add(item);
      continue;
    }
    let structure: unknown;
    try {
      structure = JSON.parse(item);
    } catch {
      continue;
    }
    structurePaths(structure, '', names);
  }
  return [...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : a < b ? -1 : a > b ? 1 : 0));
}

/** Leaf paths of a json_structure() value in C.1 naming (iterative: a deep document cannot overflow the stack). */
function structurePaths(root: unknown, rootPrefix: string, out: Set<string>): void {
  const stack: Array<[unknown, string]> = [[root, rootPrefix]];
  while (stack.length > 0) {
    const [node, prefix] = stack.pop() as [unknown, string];
    if (Array.isArray(node)) {
      stack.push([node[0], `${prefix}{}`]);
      continue;
    }
    if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node as Record<string, unknown>)) stack.push([value, prefix === '' ? key : `${prefix}.${key}`]);
      continue;
    }
    // A leaf type; a key only ever null is not a field.
    if (prefix !== '' && node !== 'NULL') out.add(prefix);
  }
}
