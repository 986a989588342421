import { VigilError } from '../../core/index.js';
import type { CommandNode, Pipeline, SearchExpr, Span } from './ast.js';
import { COMMANDS } from './commands/index.js';
import { lex, type Token } from './lexer.js';
import type { LookupCatalog } from '../lookups/catalog.js';
import type { LookupPlanContext } from './commands/lookup-table.js';
import { ArgReader, splitPipeline } from './parser.js';
import { MissingFact, fact, type Facts } from './facts.js';
import { needsSecondPass, pivotRows } from './pivot.js';
import { DEFAULT_EVENT_FIELDS, INTERNAL_PREFIX, Relation, SLOT_FIELDS, quoteIdent, type Kind, type PipelineHooks, type PlanContext, type PivotSpec } from './relation.js';
import { searchToSql, storedTimeFilter } from './search-sql.js';
import { implicitSubsearches, shiftError, subsearchText } from './subsearch.js';
import { resolveTimeModifier } from './time-modifiers.js';

export interface CompileOptions {
  readonly nowMs: number;
  /** Search range from the caller (API, CLI); inline earliest=/latest= override it. */
  readonly earliest?: string | undefined;
  readonly latest?: string | undefined;
  readonly maxRows: number;
  /** Facts the executor resolved so far; undefined for a compile-only check (fallbacks stand in). */
  readonly facts?: Facts | undefined;
  /** Lookups `lookup`/`inputlookup` may name; the executor reads them before compiling. */
  readonly lookups?: LookupCatalog | undefined;
  /** Default `_time` spans from the data's extent inside the range, not the range (SearchRequest.binning). */
  readonly binToData?: boolean | undefined;
}

/** Every stage of one compilation, printable for `--explain`. */
export interface CompiledSearch {
  readonly query: string;
  readonly tokens: ReadonlyArray<{ readonly command: string; readonly tokens: readonly Token[] }>;
  readonly pipeline: Pipeline;
  /** The plan: one CTE per step. */
  readonly steps: ReadonlyArray<{ readonly name: string; readonly sql: string }>;
  /** Final SQL (for chart/timechart: the long form before pivoting). */
  readonly sql: string;
  readonly pivot: PivotSpec | undefined;
  /** Output columns of a non-pivot search. */
  readonly columns: readonly string[];
  readonly transforming: boolean;
  readonly earliestMs: number | undefined;
  readonly latestMs: number | undefined;
  /** Regular expressions the query wrote, for the executor's RE2 check. */
  readonly regexes: ReadonlyArray<{ readonly pattern: string; readonly span: Span | undefined }>;
}

/** Stage 1+2: lex and parse into the command pipeline. */
export function parseSpl(query: string): { pipeline: Pipeline; tokens: CompiledSearch['tokens'] } {
  const text = blankSubsearches(query.replace(/^\s*search\s+/i, (m) => ' '.repeat(m.length)));
  return parseRange(text, 0, text.length);
}

/** Parses the pipeline written in [start, end) of the query (the whole query, or a bracket argument); spans stay absolute. */
function parseRange(text: string, start: number, end: number, commandsOnly = false): { pipeline: Pipeline; tokens: CompiledSearch['tokens'] } {
  const segments = splitPipeline(text, start, end, commandsOnly);
  const commands: CommandNode[] = [];
  const tokens: Array<{ command: string; tokens: Token[] }> = [];
  for (const segment of segments) {
    const spec = COMMANDS[segment.command];
    if (spec === undefined) {
      throw new VigilError('spl.unknown_command', `unknown search command '${segment.command}'`, { span: segment.span, hint: `supported commands: ${Object.keys(COMMANDS).join(', ')}` });
    }
    if (commands.length === 0 && !commandsOnly && segment.command !== 'search' && !GENERATING.has(segment.command)) {
      throw new VigilError('spl.not_generating', `'${segment.command}' cannot start a search: it needs input`, { span: segment.span, hint: `start with a base search (index=main | ${segment.command} …) or a generating command: | ${[...GENERATING].join(', | ')}` });
    }
    const reader = new ArgReader(text, segment.argsStart, segment.argsEnd, spec.mode, segment.command, (t, s, e, only) => parseRange(t, s, e, only).pipeline);
    tokens.push({ command: segment.command, tokens: lex(text, segment.argsStart, segment.argsEnd, spec.mode) });
    commands.push({ command: segment.command, span: segment.span, args: spec.parse(reader as never) });
  }
  return { pipeline: { commands }, tokens };
}

/**
 * The executor runs subsearches and splices their results in before compiling, so a subsearch
 * seen here is a compile-only check (CLI pre-check, `--explain`): its own syntax is checked, and it
 * stands as `()` (no condition), padded so offsets after it stay right.
 */
function blankSubsearches(text: string): string {
  let out = text;
  for (const sub of implicitSubsearches(text)) {
    const inner = subsearchText(text, sub);
    try {
      parseSpl(inner);
    } catch (error) {
      throw shiftError(error, sub.start + 1);
    }
    out = `${out.slice(0, sub.start)}()${' '.repeat(sub.end - sub.start - 2)}${out.slice(sub.end)}`;
  }
  return out;
}

const BASE_COLUMNS: ReadonlyArray<readonly [string, 'str' | 'num']> = [
  ['_time', 'num'], ['host', 'str'], ['source', 'str'], ['sourcetype', 'str'], ['index', 'str'], ['_raw', 'str'], ['_indextime', 'num'],
  ['__json', 'str'], ['__fields', 'str'], ['__serial', 'num'], ...SLOT_FIELDS.map((c) => [c, 'str'] as const),
];

/** Commands that make rows instead of reading events; after a leading `|` a search starts with one. */
const GENERATING = new Set(['inputlookup', 'tstats', 'makeresults', 'multisearch', 'union']);

/** Commands that leave every remaining field value as it was (so `rawDerived` stays true). */
const VALUE_PRESERVING = new Set(['search', 'where', 'spath', 'head', 'tail', 'sort', 'dedup', 'regex', 'fields', 'table', 'mvexpand']);

/** Stages 3+4: plan the pipeline into CTEs and render the SQL. */
export function compileSpl(query: string, options: CompileOptions): CompiledSearch {
  const { pipeline, tokens } = parseSpl(query);
  const ctx: LookupPlanContext = {
    lookups: options.lookups,
    nowMs: options.nowMs,
    earliestMs: options.earliest === undefined ? undefined : resolveTimeModifier(options.earliest, options.nowMs),
    latestMs: options.latest === undefined ? undefined : resolveTimeModifier(options.latest, options.nowMs),
    facts: options.facts,
    maxRows: options.maxRows,
    binToData: options.binToData === true,
    pipelines: HOOKS,
  };
  const rel = new Relation();
  try {
    planPipeline(pipeline, rel, ctx);
  } catch (error) {
    if (error instanceof MissingFact) error.regexes = [...rel.regexes];
    throw error;
  }

  let sql: string;
  let columns: string[] = [];
  const transforming = rel.pivot !== undefined || !rel.eventMode;
  if (rel.pivot !== undefined) sql = rel.pivot.sql(undefined);
  else {
    const select: string[] = [];
    if (rel.eventMode) {
      const seen = new Set<string>();
      for (const name of [...DEFAULT_EVENT_FIELDS, ...rel.visibleColumns(), ...rel.referenced]) {
        if (seen.has(name) || name.startsWith(INTERNAL_PREFIX) || rel.dropped.has(name)) continue;
        seen.add(name);
        const value = rel.ref(name);
        if (value.kind === 'null') continue;
        select.push(`${value.sql} AS ${quoteIdent(name)}`);
        columns.push(name);
      }
    } else {
      columns = rel.visibleColumns();
      select.push(...columns.map(quoteIdent));
    }
    const order = rel.order.length > 0 ? ` ORDER BY ${rel.order.join(', ')}` : '';
    const body = `SELECT ${select.join(', ') || 'NULL AS "_empty"'} FROM ${rel.current}${order} LIMIT ${options.maxRows}`;
    sql = `WITH ${rel.ctes.map((c) => `${c.name} AS (${c.sql})`).join(',\n  ')}\n${body}`;
  }
  return { query, tokens, pipeline, steps: rel.ctes, sql, pivot: rel.pivot, columns, transforming, earliestMs: ctx.earliestMs, latestMs: ctx.latestMs, regexes: rel.regexes };
}

/** Nested pipelines plan through these (commands cannot import the compiler: no import cycle). */
const HOOKS: PipelineHooks = {
  plan: planPipeline,
  settle: settlePivot,
  parse: (text, commandsOnly) => parseRange(blankSubsearches(text), 0, text.length, commandsOnly).pipeline,
};

/**
 * Plans a pipeline: its first command (the base search, or a generating command), then each
 * command in turn. A chart/timechart followed by more commands is pivoted first (settlePivot), so
 * `timechart … | where …` reads the chart's table.
 */
function planPipeline(pipeline: Pipeline, rel: Relation, ctx: PlanContext): void {
  // A pipeline of commands only (appendpipe, foreach) continues the relation it is given.
  if (rel.current !== '') {
    for (const node of pipeline.commands) planCommand(node, rel, ctx);
    return;
  }
  const [first, ...rest] = pipeline.commands;
  if (first !== undefined && first.command !== 'search') {
    (COMMANDS[first.command] as NonNullable<(typeof COMMANDS)[string]>).plan(first.args as never, rel, ctx);
  } else planBaseSearch(first, rel, ctx, rel.current === '' && rel.ctes.length === 0 ? 'base' : undefined);
  for (const node of rest) planCommand(node, rel, ctx);
}

function planCommand(node: CommandNode, rel: Relation, ctx: PlanContext): void {
  if (rel.pivot !== undefined) settlePivot(rel, ctx);
  const spec = COMMANDS[node.command] as NonNullable<(typeof COMMANDS)[string]>;
  if (!VALUE_PRESERVING.has(node.command)) rel.rawDerived.clear();
  spec.plan(node.args as never, rel, ctx);
}

/**
 * A chart/timechart result as a table: the executor runs the long form, pivots it (as for a final
 * chart) and stores the rows in a temporary table; planning goes on from that table, in the chart's
 * row order. Numeric columns stay numbers; `_time` stays a time.
 */
function settlePivot(rel: Relation, ctx: PlanContext): void {
  const pivot = rel.pivot;
  if (pivot === undefined) return;
  const sql = pivot.sql(undefined);
  const settled = fact<{ table: string; columns: Array<[string, Kind]> }>(
    ctx.facts,
    `pivot:${rel.current}`,
    async (db) => {
      let long = await db.query(sql);
      const top = needsSecondPass(pivot, long);
      if (top !== undefined) long = await db.query(pivot.sql(top));
      const result = pivotRows(pivot, long);
      const kinds: Array<[string, Kind]> = result.columns.map((name) => {
        const values = result.rows.map((r) => r[name]).filter((v) => v !== null && v !== undefined);
        if (name === '_time' || (values.length > 0 && values.every((v) => typeof v === 'number'))) return [name, 'num'];
        return [name, values.some((v) => Array.isArray(v)) ? 'mv' : 'str'];
      });
      const table = await db.table(
        [...kinds.map(([name, kind]) => ({ name, type: kind === 'num' ? ('DOUBLE' as const) : kind === 'mv' ? ('VARCHAR[]' as const) : ('VARCHAR' as const) })), { name: '__ord', type: 'DOUBLE' as const }],
        result.rows.map((r, i) => [...kinds.map(([name]) => r[name]), i]),
      );
      return { table, columns: kinds };
    },
    { table: '(SELECT NULL AS "__ord")', columns: [] },
  );
  rel.restart(settled.table, new Map([...settled.columns, ['__ord', 'num']]), ['"__ord"']);
}

/** The implicit first `search`: events from siem_events, filtered, newest first. */
function planBaseSearch(first: CommandNode | undefined, rel: Relation, ctx: PlanContext, name?: string): void {
  rel.columns = new Map(BASE_COLUMNS);
  const time = { earliest: undefined as string | undefined, latest: undefined as string | undefined };
  const where = searchToSql((first as CommandNode).args as SearchExpr, rel, time);
  rel.start(`SELECT time_ms / 1000.0 AS "_time", host, source, sourcetype, "index", raw AS "_raw", indextime_ms / 1000.0 AS "_indextime", is_json AS "__json", fields AS "__fields", serial AS "__serial", ${SLOT_FIELDS.map((c) => `${c.slice(2)} AS "${c}"`).join(', ')} FROM siem_events${storedTimeFilter(ctx, time)}`, 'siem_events', name);
  if (where !== 'true') rel.push((src) => `SELECT * FROM ${src} WHERE ${where}`);
  rel.order = ['"_time" DESC', '"__serial" DESC'];
  rel.orderColumns = new Set(['_time', '__serial']);
}

/** A readable rendering of every stage. */
export function explain(compiled: CompiledSearch): string {
  const lines = ['== tokens'];
  for (const t of compiled.tokens) lines.push(`${t.command}: ${t.tokens.map((k) => `${k.type}(${k.value})`).join(' ')}`);
  lines.push('== ast', JSON.stringify(compiled.pipeline, null, 2), '== plan');
  for (const step of compiled.steps) lines.push(`${step.name}: ${step.sql}`);
  if (compiled.pivot !== undefined) lines.push(`pivot: row=${compiled.pivot.rowField ?? '-'} by=${compiled.pivot.byField ?? '-'} limit=${compiled.pivot.limit} series=${compiled.pivot.series.map((s) => s.name).join(',')}`);
  lines.push('== sql', compiled.sql);
  return `${lines.join('\n')}\n`;
}

/** Renders an SPL error with the query and a caret under the offending token. */
export function formatSplError(query: string, error: VigilError): string {
  const span = error.span;
  if (span?.offset === undefined) return `${error.message}${error.hint === undefined ? '' : `\nhint: ${error.hint}`}`;
  const caret = `${' '.repeat(span.offset)}${'^'.repeat(Math.max(1, span.length ?? 1))}`;
  return `${query}\n${caret}\n${error.message}${error.hint === undefined ? '' : `\nhint: ${error.hint}`}`;
}
