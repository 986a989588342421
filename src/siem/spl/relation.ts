import { VigilError } from '../../core/index.js';
import type { EvalExpr, Pipeline, Span } from './ast.js';
import type { Facts } from './facts.js';
import { fieldUses } from './limits.js';

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
  /** Facts about the data the executor resolved (undefined in a compile-only check). */
  readonly facts: Facts | undefined;
  readonly maxRows: number;
  /** Default `_time` spans (and timechart's filled buckets) follow the data's extent, not the search range. */
  readonly binToData?: boolean;
  /** Planning of nested pipelines (join/append subsearches, appendpipe, foreach), set by the compiler. */
  readonly pipelines?: PipelineHooks;
}

/** What bracket commands need from the compiler without importing it (no import cycle). */
export interface PipelineHooks {
  /** Plans a parsed pipeline into `rel`: a fresh fork starts with the pipeline's own base search. */
  plan(pipeline: Pipeline, rel: Relation, ctx: PlanContext): void;
  /** Turns a chart/timechart result (pivoted in JavaScript) into a table later steps read. */
  settle(rel: Relation, ctx: PlanContext): void;
  /** Parses pipeline text made at plan time (foreach and map templates); spans are relative to `text`. */
  parse(text: string, commandsOnly: boolean): Pipeline;
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
  // Keys with a quote or backslash cannot be written in a `$.` path: a JSON pointer (`/a/b/0`) reads them.
  // Keys with a quote, a backslash or a `*` cannot be written in a `$.` path (DuckDB reads `*` as a
  // wildcard, even quoted): a JSON pointer (`/a/b/0`) reads them.
  if (/["\\*]/.test(name)) return { path: jsonPointer(name.replace(/\{\}/g, ''), base), multi: false };
  let multi = false;
  const parts = name.split('.').map((segment) => {
    const match = /^([\s\S]*?)((?:\{\d*\})*)$/.exec(segment) as RegExpExecArray;
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

/** `a.b{2}` as a JSON pointer (`/a/b/1`): `~` and `/` in keys escaped as `~0` and `~1`. */
function jsonPointer(name: string, base: 0 | 1): string {
  const parts: string[] = [];
  for (const segment of name.split('.')) {
    const match = /^([\s\S]*?)((?:\{\d+\})*)$/.exec(segment) as RegExpExecArray;
    if ((match[1] as string) !== '') parts.push((match[1] as string).replace(/~/g, '~0').replace(/\//g, '~1'));
    for (const ix of (match[2] ?? '').match(/\{\d+\}/g) ?? []) parts.push(String(Number(ix.slice(1, -1)) - base));
  }
  return `/${parts.join('/')}`;
}

/** One step of the plan: a named SELECT over the step before it (`input`). Frozen once made. */
export interface PlanStep {
  readonly name: string;
  readonly input: string;
  readonly sql: string;
}

/** Builds one step's SELECT from the name of the step it reads. */
export type StepBody = (input: string) => string;

/**
 * The planner's state: the chain of steps so far (each immutable, rendered once from the name of
 * its input) and what is known about the current row shape.
 */
export class Relation {
  private steps: PlanStep[] = [];
  private counterRef = { n: 0 };
  /** The name of the last step ('' before the first). */
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
  /** Regular expressions the user wrote, with where: the executor has RE2 check each before the search runs. */
  regexes: Array<{ readonly pattern: string; readonly span: Span | undefined }> = [];

  /**
   * Adds a step reading the current one. `writes` names the fields the step assigns (`_raw` among
   * them means later JSON extraction can no longer use the ingest-time field slots).
   */
  push(body: StepBody, writes: readonly string[] = []): void {
    const name = `s${this.counterRef.n++}`;
    this.steps.push(Object.freeze({ name, input: this.current, sql: body(this.current) }));
    this.current = name;
    if (writes.includes('_raw')) this.rawModified = true;
  }

  /**
   * A relation planned into the same statement: it shares the step list (its steps are CTEs of
   * the same SQL, named from one counter) and the regex list. `continued`: it starts where this one
   * is (same rows, fields and order), for appendpipe and foreach; otherwise it is empty, for a
   * subsearch with its own base search.
   */
  fork(continued: boolean): Relation {
    const other = new Relation();
    other.steps = this.steps;
    other.counterRef = this.counterRef;
    other.regexes = this.regexes;
    if (!continued) return other;
    other.current = this.current;
    other.columns = new Map(this.columns);
    other.eventMode = this.eventMode;
    other.jsonInputs = [...this.jsonInputs];
    other.dropped = new Set(this.dropped);
    other.referenced = new Set(this.referenced);
    other.order = [...this.order];
    other.orderColumns = new Set(this.orderColumns);
    other.rawDerived = new Set(this.rawDerived);
    other.rawModified = this.rawModified;
    return other;
  }

  /** Adopts another relation's state (after combining: the fork's result becomes this relation's rows). */
  adopt(other: Relation): void {
    this.current = other.current;
    this.columns = new Map(other.columns);
    this.eventMode = other.eventMode;
    this.jsonInputs = [...other.jsonInputs];
    this.dropped = new Set(other.dropped);
    this.referenced = new Set(other.referenced);
    this.order = [...other.order];
    this.orderColumns = new Set(other.orderColumns);
    this.rawDerived = new Set(other.rawDerived);
    this.rawModified = other.rawModified;
    this.pivot = other.pivot;
  }

  /** Restarts from a table of known columns (a settled chart, a materialized stage), in `order`. */
  restart(tableSql: string, columns: ReadonlyMap<string, Kind>, order: readonly string[] = []): void {
    this.start(`SELECT * FROM ${tableSql}`, tableSql);
    this.columns = new Map(columns);
    this.eventMode = false;
    this.jsonInputs = [];
    this.dropped = new Set();
    this.referenced = new Set();
    this.order = [...order];
    this.orderColumns = new Set(order.map((o) => o.replace(/^"|"(?: DESC)?$/g, '')));
    this.rawDerived = new Set();
    this.pivot = undefined;
  }

  /** The plan so far: every step, oldest first. */
  get ctes(): readonly PlanStep[] {
    return this.steps;
  }

  /** Starts the plan with a first step reading a table (`siem_events`, a lookup, generated rows). */
  start(sql: string, input: string, name = `s${this.counterRef.n++}`): void {
    this.steps.push(Object.freeze({ name, input, sql }));
    this.current = name;
  }

  /**
   * `json_extract_string(<text>, <path>)` for a field value read out of JSON text. When the text is
   * the stored `_raw` and the path has no `{}` (one value), the ingest-time slot for the path is
   * read instead (same value, no parse). `guarded`: callers test `__json`/`json_valid` themselves.
   */
  jsonString(text: string, pathLiteral: string): string {
    if (text === '"_raw"' && !pathLiteral.includes('[*]')) return this.rawJson(pathLiteral);
    return `json_extract_string(${text}, ${pathLiteral})`;
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

  /** True for rows whose `_raw` is JSON: the ingest-time flag, and once a command rewrote `_raw`, a check that it still is. */
  jsonGuard(): string {
    return this.rawModified ? '("__json" AND coalesce(json_valid("_raw"), false))' : '"__json"';
  }

  private slotsUsable(): boolean {
    return !this.rawModified && this.eventMode && this.columns.has('_raw') && this.columns.has(SLOT_FIRST);
  }

  /** The SQL for an SPL field name in the current row shape. */
  ref(name: string, span?: Span): Typed {
    const known = this.columns.get(name);
    if (known !== undefined) return { sql: quoteIdent(name), kind: known };
    rejectReserved(name, span);
    if (name === '') throw new VigilError('spl.invalid_field', 'a field name cannot be empty', { ...(span === undefined ? {} : { span }), hint: 'remove the empty "" or name a field' });
    if (!this.eventMode || this.dropped.has(name) || !this.columns.has('_raw')) return { sql: 'NULL', kind: 'null' };
    this.referenced.add(name);
    if (name === 'splunk_server') return { sql: "'vigil'", kind: 'str' };
    if (name === 'linecount') return { sql: 'len(string_split("_raw", chr(10)))', kind: 'num' };
    const { path, multi } = jsonPath(name);
    const p = quoteString(path);
    const fromRaw = `CASE WHEN ${this.jsonGuard()} THEN json_extract_string("_raw", ${p}) END`;
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
      `CASE WHEN ${this.jsonGuard()} THEN ${this.rawJson(p)} ELSE ${kv} END`,
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
    if (items.length > 0) this.push((src) => `SELECT *, ${items.join(', ')} FROM ${src}`);
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

  /** The SQL of a query over the plan so far: every step, then `select` reading the current one. */
  render(select: (current: string) => string): string {
    const body = select(this.current);
    return this.steps.length === 0 ? body : `WITH ${this.steps.map((c) => `${c.name} AS (${c.sql})`).join(',\n  ')}\n${body}`;
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
  writeColumns(rel, [{ name: '__ord', sql: rel.order.length === 0 ? 'row_number() OVER ()' : `row_number() OVER (ORDER BY ${rel.order.join(', ')})`, kind: 'num' }]);
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
  rel.push((src) => `SELECT *${exclude}${replace.length > 0 ? ` REPLACE (${replace.join(', ')})` : ''}${added.join('')} FROM ${src}`, values.map((v) => v.name));
  for (const v of values) {
    rel.columns.set(v.name, v.kind);
    rel.dropped.delete(v.name);
  }
}

/**
 * Extracts the event fields an expression names more than once into columns first, so a field
 * tested 2,500 times (`where n=1 OR n=2 …`) is parsed out of `_raw` once per row, not 2,500 times.
 */
export function materializeRepeated(rel: Relation, exprs: readonly EvalExpr[]): void {
  if (!rel.eventMode) return;
  const uses = new Map<string, number>();
  for (const expr of exprs) for (const [name, n] of fieldUses(expr)) uses.set(name, (uses.get(name) ?? 0) + n);
  const repeated = [...uses].filter(([name, n]) => n > 1 && !rel.columns.has(name) && !name.startsWith(INTERNAL_PREFIX)).map(([name]) => name);
  if (repeated.length > 0) rel.materialize(repeated);
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
