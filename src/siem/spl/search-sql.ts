import type { SearchExpr } from './ast.js';
import { asList, asNum, asStr, quoteString, type PlanContext, type Relation, type Typed } from './relation.js';
import { resolveTimeModifier } from './time-modifiers.js';

// Splunk breakers: major (space, [](){}<>|!;,'" …) and minor (/ : = @ . - $ # % \ _).
const BREAKERS = `\\s\\[\\]<>(){}|!;,'"&?+*/:=@.\\-$#%\\\\_`;
const MAJOR = `\\s\\[\\]<>(){}|!;,'"&?+`;

export interface SearchTimeBounds {
  earliest: string | undefined;
  latest: string | undefined;
}

/**
 * Applies a search's earliest=/latest= (as searchToSql collected them) to the plan context and
 * returns the ` WHERE …` bounding siem_events' stored `time_ms` ('' when the range is open).
 */
export function storedTimeFilter(ctx: PlanContext, time: SearchTimeBounds): string {
  if (time.earliest !== undefined) ctx.earliestMs = resolveTimeModifier(time.earliest, ctx.nowMs);
  if (time.latest !== undefined) ctx.latestMs = resolveTimeModifier(time.latest, ctx.nowMs);
  const prune: string[] = [];
  // Time bounds on the stored column let DuckDB skip row groups by their min/max (zone maps).
  if (ctx.earliestMs !== undefined && ctx.earliestMs > 0) prune.push(`time_ms >= ${Math.floor(ctx.earliestMs)}`);
  if (ctx.latestMs !== undefined) prune.push(`time_ms < ${Math.ceil(ctx.latestMs)}`);
  return prune.length > 0 ? ` WHERE ${prune.join(' AND ')}` : '';
}

/**
 * Compiles a search expression to a SQL boolean over the relation (spec C.2): case-insensitive
 * values with `*` wildcards, any-value matching on multivalue fields, `!=` excluding rows without
 * the field while `NOT f=v` keeps them, and token-based term matching on `_raw`.
 */
export function searchToSql(expr: SearchExpr, rel: Relation, time: SearchTimeBounds): string {
  switch (expr.kind) {
    case 'true':
      return 'true';
    case 'and':
      return `(${expr.items.map((e) => searchToSql(e, rel, time)).join(' AND ')})`;
    case 'or':
      return orSql(expr.items, rel, time);
    case 'not':
      return `(NOT coalesce(${searchToSql(expr.expr, rel, time)}, false))`;
    case 'time':
      time[expr.bound] = expr.value;
      return 'true';
    case 'term':
      return termSql(expr.value, expr.phrase, expr.mode, rel);
    case 'indexed': {
      const field: Typed = { sql: `json_extract_string("__fields", ${quoteString(`$."${expr.field.replace(/"/g, '\\"')}"`)})`, kind: 'str' };
      return `coalesce(${matchValue(field, expr.value)}, false)`;
    }
    case 'in': {
      const field = rel.ref(expr.field, expr.span);
      return `coalesce(${expr.values.map((v) => matchValue(field, v)).join(' OR ')}, false)`;
    }
    case 'compare': {
      const field = rel.ref(expr.field, expr.span);
      if (expr.field === 'index' && !/[*]/.test(expr.value)) return `(${field.sql} = ${quoteString(expr.value.toLowerCase())})`;
      if (expr.op === '=') return `coalesce(${matchValue(field, expr.value)}, false)`;
      if (expr.op === '!=') return `coalesce(${exists(field)} AND NOT ${matchValue(field, expr.value)}, false)`;
      return `coalesce(${compareSql(field, expr.op, expr.value)}, false)`;
    }
  }
}

/**
 * An OR whose items include several `f=value` on one field (no wildcards) or several bare terms
 * tests them at once: one extraction of `f` and an IN list, one regular expression for the terms.
 * A 5,000-term OR then costs about what one term does.
 */
function orSql(items: readonly SearchExpr[], rel: Relation, time: SearchTimeBounds): string {
  const byField = new Map<string, Array<Extract<SearchExpr, { kind: 'compare' }>>>();
  const terms: Array<Extract<SearchExpr, { kind: 'term' }>> = [];
  const rest: SearchExpr[] = [];
  for (const item of items) {
    if (item.kind === 'compare' && item.op === '=' && !item.value.includes('*') && item.field !== 'index') {
      const list = byField.get(item.field) ?? [];
      list.push(item);
      byField.set(item.field, list);
    } else if (item.kind === 'term' && !item.phrase && item.mode === 'default' && !item.value.includes('*') && item.value !== '') terms.push(item);
    else rest.push(item);
  }
  const parts: string[] = [];
  for (const [field, compares] of byField) {
    const value = rel.ref(field, compares[0]?.span);
    if (compares.length < 2 || value.kind === 'num') {
      for (const c of compares) parts.push(searchToSql(c, rel, time));
      continue;
    }
    const list = [...new Set(compares.map((c) => c.value.toLowerCase()))].map(quoteString).join(', ');
    parts.push(value.kind === 'mv' ? `coalesce(len(list_filter(${value.sql}, x -> lower(x) IN (${list}))) > 0, false)` : `coalesce(lower(${asStr(value)}) IN (${list}), false)`);
  }
  if (terms.length >= 2) {
    const raw = asStr(rel.ref('_raw'));
    const pattern = `(?i)(?:^|[${BREAKERS}])(?:${[...new Set(terms.map((t) => t.value))].map(regexEscape).join('|')})(?:$|[${BREAKERS}])`;
    parts.push(`coalesce(regexp_matches(${raw}, ${quoteString(pattern)}), false)`);
  } else for (const t of terms) parts.push(searchToSql(t, rel, time));
  for (const item of rest) parts.push(searchToSql(item, rel, time));
  return `(${parts.join(' OR ')})`;
}

function exists(field: Typed): string {
  return field.kind === 'mv' ? `len(${field.sql}) > 0` : `${field.sql} IS NOT NULL`;
}

/** field=value, case-insensitive, `*` wildcards; multivalue: any value. */
export function matchValue(field: Typed, value: string): string {
  if (value === '*') return field.kind === 'mv' ? `len(${field.sql}) > 0` : `(${asStr(field)} IS NOT NULL AND ${asStr(field)} <> '')`;
  const test = (x: string): string => {
    if (value.includes('*')) return `lower(${x}) LIKE ${quoteString(likePattern(value.toLowerCase()))} ESCAPE '\\'`;
    return /[A-Za-z]/.test(value) ? equalsIgnoreCase(x, value) : `${x} = ${quoteString(value)}`;
  };
  if (field.kind === 'mv') return `len(list_filter(${field.sql}, x -> ${test('x')})) > 0`;
  if (field.kind === 'num' && /^-?\d+(\.\d+)?$/.test(value)) return `${field.sql} = ${Number(value)}`;
  return test(asStr(field));
}

/** Default fields stored as table columns (dictionary-compressed, often matching the query's case exactly). */
const STORED = new Set(['"sourcetype"', '"source"', '"host"']);

/**
 * Case-insensitive equality. On stored columns (lower() there costs more than the scan itself) the
 * exact-case comparison and a byte-length check decide most rows first. Elsewhere plain lower():
 * a CASE would repeat an inlined JSON extraction, and ILIKE measured slower.
 */
function equalsIgnoreCase(x: string, value: string): string {
  const lowered = quoteString(value.toLowerCase());
  if (!STORED.has(x) || !/^[\x20-\x7e]*$/.test(value)) return `lower(${x}) = ${lowered}`;
  return `CASE WHEN ${x} = ${quoteString(value)} THEN true WHEN strlen(${x}) <> ${value.length} THEN false ELSE lower(${x}) = ${lowered} END`;
}

/** `<` `>` `<=` `>=`: numeric when both sides are numeric, else lexicographic. */
function compareSql(field: Typed, op: string, value: string): string {
  const numeric = /^-?\d+(\.\d+)?$/.test(value);
  const one = (x: Typed): string => (numeric ? `${asNum(x)} ${op} ${Number(value)}` : `${asStr(x)} ${op} ${quoteString(value)}`);
  if (field.kind === 'mv') return `len(list_filter(${field.sql}, x -> ${numeric ? `TRY_CAST(x AS DOUBLE) ${op} ${Number(value)}` : `x ${op} ${quoteString(value)}`})) > 0`;
  if (!numeric || field.kind === 'num') return one(field);
  return `CASE WHEN ${asNum(field)} IS NOT NULL THEN ${asNum(field)} ${op} ${Number(value)} ELSE ${asStr(field)} ${op} ${quoteString(value)} END`;
}

export function likePattern(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
}

function regexEscape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\\-/]/g, '\\$&');
}

/** Token match on `_raw`: bounded by breakers; `*` spans within a term; phrases allow any whitespace. */
function termSql(value: string, phrase: boolean, mode: 'default' | 'case' | 'term', rel: Relation): string {
  const raw = rel.ref('_raw');
  const bound = mode === 'term' ? MAJOR : BREAKERS;
  let body: string;
  if (phrase) body = value.trim().split(/\s+/).map(regexEscape).join('\\s+');
  else body = value.split('*').map(regexEscape).join(`[^${MAJOR}]*`);
  const flags = mode === 'case' ? '' : '(?i)';
  const pattern = `${flags}(?:^|[${bound}])${body}(?:$|[${bound}])`;
  const literal = value.split('*').reduce((a, b) => (b.length > a.length ? b : a), '');
  // A cheap substring test first: the regex only runs on rows that contain the longest literal part.
  const pre = literal.length >= 3 && !phrase ? (mode === 'case' ? `contains(${asStr(raw)}, ${quoteString(literal)}) AND ` : `contains(lower(${asStr(raw)}), ${quoteString(literal.toLowerCase())}) AND `) : '';
  return `coalesce(${pre}regexp_matches(${asStr(raw)}, ${quoteString(pattern)}), false)`;
}

export { asList };
