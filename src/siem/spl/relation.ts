import { VigilError } from '../../core/index.js';
import type { EvalExpr, Span } from './ast.js';

/**
 * Static kinds of SQL values standing for SPL fields: `str` (VARCHAR, numeric when it looks numeric),
 * `num` (DOUBLE), `mv` (VARCHAR[] multivalue), `bool` (only inside expressions), `null`.
 */
export type Kind = 'str' | 'num' | 'mv' | 'bool' | 'null';

export interface Typed {
  readonly sql: string;
  readonly kind: Kind;
}

/** What planning needs beyond the query: the clock, the time range, limits. */
export interface PlanContext {
  readonly nowMs: number;
  earliestMs: number | undefined;
  latestMs: number | undefined;
  /** Data extent for default spans when the range is open; filled by the executor when asked. */
  readonly dataRange: { readonly minMs: number; readonly maxMs: number } | undefined;
  needsDataRange: boolean;
  readonly maxRows: number;
}

/** Post-SQL reshaping of chart/timechart output (one column per series). */
export interface PivotSpec {
  readonly rowField: string | undefined;
  readonly rowIsTime: boolean;
  readonly series: ReadonlyArray<{ readonly name: string; readonly fn: string }>;
  readonly byField: string | undefined;
  readonly limit: number;
  readonly useOther: boolean;
  readonly useNull: boolean;
  readonly otherStr: string;
  readonly nullStr: string;
  /** Fill empty time buckets between first and last (timechart cont=true). */
  readonly fill: { readonly spanSeconds: number; readonly fromSec?: number; readonly toSec?: number } | undefined;
  /** Long-form SQL: columns __row, __col, then one per series (`__s0`…); `top` maps other series to OTHER. */
  sql(top: readonly string[] | undefined): string;
}

export const INTERNAL_PREFIX = '__';
/** Stored JSON field slots as base columns (`x<k>` AS `__x<k>`); see src/siem/events/field-slots.ts. */
export const SLOT_FIELDS: readonly string[] = Array.from({ length: 16 }, (_v, i) => `__x${i}`);
const SLOT_FIRST = SLOT_FIELDS[0] as string;
const SLOT_REFS = SLOT_FIELDS.map((c) => `"${c}"`).join(', ');
const RAW = '"_raw"';
export const DEFAULT_EVENT_FIELDS = ['_time', 'host', 'source', 'sourcetype', 'index', 'splunk_server', 'linecount', '_raw'];

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * C.1 naming → a DuckDB JSON path: `a.b` → `$.a.b`, `arr{}` → `$.arr[*]`, `arr{2}` → 1-based element 2
 * (0-based with `base` 0, as Splunk's json_* eval functions count).
 */
export function jsonPath(name: string, base: 0 | 1 = 1): { path: string; multi: boolean } {
  let multi = false;
  const parts = name.split('.').map((segment) => {
    const match = /^(.*?)((?:\{\d*\})*)$/.exec(segment) as RegExpExecArray;
    const key = match[1] as string;
    const quoted = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `"${key.replace(/"/g, '\\"')}"`;
    const indexes = (match[2] ?? '').match(/\{\d*\}/g) ?? [];
    const suffix = indexes
      .map((ix) => {
        if (ix === '{}') {
          multi = true;
          return '[*]';
        }
        return `[${Number(ix.slice(1, -1)) - base}]`;
      })
      .join('');
    return key === '' ? suffix : `.${quoted}${suffix}`;
  });
  return { path: `$${parts.join('')}`, multi };
}

/** The planner's state: the CTE chain so far and what is known about the current row shape. */
export class Relation {
  readonly ctes: Array<{ name: string; sql: string }> = [];
  current = '';
  /** Known columns of `current`, in output order. */
  columns = new Map<string, Kind>();
  /** Unknown fields are extracted from `_raw` (JSON or key=value) while rows are still events. */
  eventMode = true;
  /** Extra JSON inputs for unknown fields (`spath input=x` without a path). */
  jsonInputs: string[] = [];
  /** Event fields removed by `fields -`. */
  dropped = new Set<string>();
  /** Fields a search referenced: an event search returns them (Splunk smart mode). */
  referenced = new Set<string>();
  /** ORDER BY items over the current columns. */
  order: string[] = [];
  /** Columns the order is defined on. */
  orderColumns = new Set<string>();
  pivot: PivotSpec | undefined;
  /** Columns `spath` extracted from `_raw` whose values have not changed since (see rawPrefilter). */
  rawDerived = new Set<string>();
  /** `_raw` was assigned by a command: it is no longer the stored text the field slots were extracted from. */
  rawModified = false;
  private counter = 0;

  /** Adds a CTE selecting from the current one; `body` uses `{src}` for the source name. */
  push(body: string): void {
    const name = `s${this.counter++}`;
    const sql = body.replaceAll('{src}', this.current);
    if (sql.includes('AS "_raw"')) this.rawModified = true;
    this.ctes.push({ name, sql });
    this.current = name;
  }

  /**
   * `json_extract_string(input, path)` as a command or eval function writes it (spath, spath(),
   * json_extract()): from the field slots when `input` is the stored `_raw` and the path is not a
   * multivalue (`[*]`) one. Commands call this while they build their SQL; nothing rewrites SQL text.
   */
  jsonString(input: string, pathLiteral: string, multi: boolean): string {
    return input === RAW && !multi ? this.rawJson(pathLiteral) : `json_extract_string(${input}, ${pathLiteral})`;
  }

  /**
   * `json_extract_string("_raw", path)` for a non-multivalue path, read from the ingest-time field
   * slots where one holds that path (see src/siem/events/field-slots.ts): the same value, without
   * parsing `_raw`. Only for the stored `_raw` (callers guard with `__json` or `json_valid`).
   */
  rawJson(pathLiteral: string): string {
    if (!this.slotsUsable()) return `json_extract_string("_raw", ${pathLiteral})`;
    return `spl_json_field("_raw", ${SLOT_REFS}, ${pathLiteral})`;
  }

  private slotsUsable(): boolean {
    return !this.rawModified && this.eventMode && this.columns.has('_raw') && this.columns.has(SLOT_FIRST);
  }

  /** The SQL for an SPL field name in the current row shape. */
  ref(name: string, span?: Span): Typed {
    const known = this.columns.get(name);
    if (known !== undefined) return { sql: quoteIdent(name), kind: known };
    rejectReserved(name, span);
    if (!this.eventMode || this.dropped.has(name) || !this.columns.has('_raw')) return { sql: 'NULL', kind: 'null' };
    this.referenced.add(name);
    if (name === 'splunk_server') return { sql: "'vigil'", kind: 'str' };
    if (name === 'linecount') return { sql: 'len(string_split("_raw", chr(10)))', kind: 'num' };
    const { path, multi } = jsonPath(name);
    const p = quoteString(path);
    const fromRaw = `CASE WHEN "__json" THEN json_extract_string("_raw", ${p}) END`;
    if (multi) {
      const inputs = this.jsonInputs.map((input) => `CASE WHEN json_valid(${input}) THEN json_extract_string(${input}, ${p}) END`);
      return { sql: inputs.length === 0 ? fromRaw : `coalesce(${[...inputs, fromRaw].join(', ')})`, kind: 'mv' };
    }
    // Indexed fields (HEC `fields`), then JSON auto-extraction, else key=value in _raw (KV_MODE=auto).
    const kvKey = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const kv = /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)
      ? `nullif(trim(regexp_extract("_raw", ${quoteString(`(?:^|[\\s,;])${kvKey}=("[^"]*"|[^\\s,;"]+)`)}, 1), '"'), '')`
      : 'NULL';
    const parts = [
      `CASE WHEN "__fields" IS NOT NULL THEN json_extract_string("__fields", ${quoteString(jsonPath(name).path)}) END`,
      ...this.jsonInputs.map((input) => `CASE WHEN json_valid(${input}) THEN json_extract_string(${input}, ${p}) END`),
      `CASE WHEN "__json" THEN ${this.rawJson(p)} ELSE ${kv} END`,
    ];
    return { sql: `coalesce(${parts.join(', ')})`, kind: 'str' };
  }

  /**
   * Projects event fields a transforming command reads into columns once, so each is extracted
   * from `_raw` once per row rather than once per use (an aggregation may use its input 3 times).
   */
  materialize(names: ReadonlyArray<string | undefined>): void {
    const items: string[] = [];
    for (const name of new Set(names)) {
      if (name === undefined || this.columns.has(name) || name.startsWith(INTERNAL_PREFIX) || name === 'splunk_server') continue;
      const value = this.ref(name);
      if (value.kind === 'null') continue;
      items.push(`${value.sql} AS ${quoteIdent(name)}`);
      this.columns.set(name, value.kind);
    }
    if (items.length > 0) this.push(`SELECT *, ${items.join(', ')} FROM {src}`);
  }

  /**
   * A cheap necessary condition for `name` (case-sensitively) equal to `literal`: while the field's
   * values come from `_raw` (auto-extraction, key=value, or a `spath` of `_raw`), such an event's
   * `_raw` contains the literal, unless the value came from HEC indexed fields. A substring test is
   * several times cheaper than parsing the JSON, so filters put it first. Only literals JSON
   * encoders never escape qualify. Undefined when no such condition holds.
   */
  rawPrefilter(name: string, literal: string): string | undefined {
    if (!this.eventMode || !/^[A-Za-z0-9 _.:@+-]+$/.test(literal) || !this.columns.has('_raw') || !this.columns.has('__fields')) return undefined;
    const extracted = this.columns.has(name) ? this.rawDerived.has(name) : this.jsonInputs.length === 0 && !this.dropped.has(name) && !name.startsWith('_') && !DEFAULT_EVENT_FIELDS.includes(name);
    if (!extracted) return undefined;
    return `("__fields" IS NOT NULL OR contains("_raw", ${quoteString(literal)}))`;
  }

  /** Known, visible (non-internal) column names. */
  visibleColumns(): string[] {
    return [...this.columns.keys()].filter((c) => !c.startsWith(INTERNAL_PREFIX));
  }

  /** Columns projected by `SELECT *` minus internals, as SQL. */
  selectList(): string {
    return [...this.columns.keys()].map(quoteIdent).join(', ');
  }
}

/** SPL number formatting for SQL DOUBLEs: integers without `.0`. */
export function fmtNum(sql: string): string {
  return `spl_fmt(${sql})`;
}

export function asStr(value: Typed): string {
  switch (value.kind) {
    case 'num':
      return fmtNum(value.sql);
    case 'mv':
      return `(${value.sql})[1]`;
    case 'bool':
      return `CASE WHEN ${value.sql} THEN 'true' WHEN NOT ${value.sql} THEN 'false' END`;
    case 'null':
      return 'CAST(NULL AS VARCHAR)';
    default:
      return value.sql;
  }
}

export function asNum(value: Typed): string {
  switch (value.kind) {
    case 'num':
      return value.sql;
    case 'mv':
      return `TRY_CAST((${value.sql})[1] AS DOUBLE)`;
    case 'null':
      return 'CAST(NULL AS DOUBLE)';
    case 'bool':
      return `CAST(${value.sql} AS DOUBLE)`;
    default:
      return `TRY_CAST(${value.sql} AS DOUBLE)`;
  }
}

export function asList(value: Typed): string {
  if (value.kind === 'mv') return value.sql;
  if (value.kind === 'null') return 'CAST(NULL AS VARCHAR[])';
  const s = asStr(value);
  return `CASE WHEN ${s} IS NULL THEN NULL ELSE [${s}] END`;
}

/** DuckDB macros the generated SQL uses; created (or replaced) when the event store opens. */
export const SPL_MACROS: readonly string[] = [
  `create or replace macro spl_fmt(d) as CASE WHEN d IS NULL OR isnan(d) THEN NULL WHEN d = trunc(d) AND abs(d) < 1e15 THEN CAST(CAST(d AS BIGINT) AS VARCHAR) ELSE CAST(d AS VARCHAR) END`,
  `create or replace macro spl_ipv4(s) as CASE WHEN regexp_full_match(s, '\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}') THEN CAST(split_part(s, '.', 1) AS BIGINT) * 16777216 + CAST(split_part(s, '.', 2) AS BIGINT) * 65536 + CAST(split_part(s, '.', 3) AS BIGINT) * 256 + CAST(split_part(s, '.', 4) AS BIGINT) END`,
  // Sort key for "numbers numerically, before strings" (stats/chart BY order and sort auto mode).
  `create or replace macro spl_sortnum(s) as TRY_CAST(s AS DOUBLE)`,
];

/** Keeps the current row order alive before a projection drops the columns it is defined on. */
export function keepOrder(rel: Relation, keptColumns: ReadonlySet<string>): void {
  if (rel.order.length === 0 || [...rel.orderColumns].every((c) => keptColumns.has(c))) return;
  numberRows(rel);
}

/** Numbers the rows in the current order as `__ord` (replacing an earlier numbering) and orders by it. */
export function numberRows(rel: Relation): void {
  writeColumns(rel, [{ name: '__ord', sql: `row_number() OVER (ORDER BY ${rel.order.join(', ')})`, kind: 'num' }]);
  rel.order = ['"__ord"'];
  rel.orderColumns = new Set(['__ord']);
}

/**
 * Sets columns in one step: existing ones are replaced in place, new ones added; `drop` helper
 * columns are excluded. The columns become known (and no longer dropped) with their kinds. When the
 * current order is defined on a replaced column, the rows are numbered in that order first, so a
 * command that rewrites a field never reorders the rows (`sort x | eval x=…` keeps the sort).
 */
export function setColumns(rel: Relation, values: ReadonlyArray<{ readonly name: string; readonly sql: string; readonly kind: Kind }>, drop: readonly string[] = []): void {
  if (rel.order.length > 0 && values.some((v) => rel.orderColumns.has(v.name))) numberRows(rel);
  writeColumns(rel, values, drop);
}

function writeColumns(rel: Relation, values: ReadonlyArray<{ readonly name: string; readonly sql: string; readonly kind: Kind }>, drop: readonly string[] = []): void {
  const replace = values.filter((v) => rel.columns.has(v.name)).map((v) => `${v.sql} AS ${quoteIdent(v.name)}`);
  const added = values.filter((v) => !rel.columns.has(v.name)).map((v) => `, ${v.sql} AS ${quoteIdent(v.name)}`);
  const exclude = drop.length > 0 ? ` EXCLUDE (${drop.map(quoteIdent).join(', ')})` : '';
  rel.push(`SELECT *${exclude}${replace.length > 0 ? ` REPLACE (${replace.join(', ')})` : ''}${added.join('')} FROM {src}`);
  for (const v of values) {
    rel.columns.set(v.name, v.kind);
    rel.dropped.delete(v.name);
  }
}

/** Fails for a name in the planner's own namespace (`__…`). */
export function rejectReserved(name: string | undefined, span?: Span): void {
  if (name?.startsWith(INTERNAL_PREFIX) === true) throw new VigilError('spl.invalid_field', `field names starting with ${INTERNAL_PREFIX} are reserved`, span === undefined ? {} : { span });
}

/** Matches a field name against an SPL wildcard pattern (`*` any run). */
export function wildcardMatch(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(name);
}

/** ORDER BY items for "numbers numerically first, then strings" on a column. */
export function naturalOrder(sql: string, kind: Kind, descending = false): string[] {
  const dir = descending ? ' DESC' : '';
  if (kind === 'num') return [`${sql}${dir} NULLS LAST`];
  const text = kind === 'mv' ? `(${sql})[1]` : sql;
  return [`(${text} IS NULL)`, `(spl_sortnum(${text}) IS NULL)${dir}`, `spl_sortnum(${text})${dir}`, `${text}${dir}`];
}

/** What eval compilation sees: the relation, the plan context, and the compiler itself (for function arguments). */
export interface EvalScope {
  readonly rel: Relation;
  readonly ctx: PlanContext;
  readonly compile?: (expr: EvalExpr, scope: EvalScope) => Typed;
}

export function asBool(value: Typed, at: EvalExpr): string {
  if (value.kind === 'bool') return value.sql;
  if (value.kind === 'null') return 'CAST(NULL AS BOOLEAN)';
  throw new VigilError('spl.type_error', 'expected a boolean expression here', { ...('span' in at ? { span: at.span } : {}), hint: 'compare it (x="a"), or test it with isnotnull(x)' });
}
