import { VigilError, type Clock, type Timer, type TimerHandle } from '../../core/index.js';
import type { EventsDb } from '../../store/index.js';
import { readLookupCatalog } from '../lookups/catalog.js';
import { LookupStore } from '../lookups/lookup-store.js';
import type { DuckDBConnection } from '@duckdb/node-api';
import { compileSpl, parseSpl, type CompiledSearch, type CompileOptions } from './compile.js';
import { MissingFact, type FactDb } from './facts.js';
import { quoteIdent, quoteString, type PivotSpec } from './relation.js';
import { DEFAULT_LIMITS, checkQueryText, checkTerms, type SearchLimits } from './limits.js';
import { needsSecondPass, pivotRows, type Cell } from './pivot.js';
import { SUBSEARCH_MAXOUT, SUBSEARCH_MAXTIME_MS, SUBSEARCH_MAX_DEPTH, expandSubsearches, remapError, shiftError, type ExpandedQuery } from './subsearch.js';

export interface SearchRequest {
  readonly query: string;
  readonly earliest?: string | undefined;
  readonly latest?: string | undefined;
  readonly maxRows?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs?: number | undefined;
  /**
   * Where chart/timechart cut their default `_time` span (and where timechart fills empty buckets)
   * from: `range` (Splunk's way, the default) is the search's time range; `data` is the extent of
   * the events inside it, so a chart over "Last 24 hours" of ten minutes of data is drawn at the
   * data's own scale (the console's choice).
   */
  readonly binning?: 'range' | 'data' | undefined;
}

/** One result row as Splunk renders it: every value a string, multivalues as string arrays, nulls absent. */
export type ResultRow = Record<string, string | string[]>;

/** A note about how a search ran (Splunk's search messages), e.g. a subsearch cut at maxout. */
export interface SearchMessage {
  readonly type: 'INFO' | 'WARN';
  readonly text: string;
}

export interface SearchResult {
  readonly columns: string[];
  readonly rows: ResultRow[];
  /** True for stats/chart/timechart/table output (a table rather than events). */
  readonly transforming: boolean;
  readonly compiled: CompiledSearch;
  readonly earliestMs: number | undefined;
  readonly latestMs: number | undefined;
  readonly messages: readonly SearchMessage[];
}

export interface SearchDeps {
  readonly db: EventsDb;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly maxRows: number;
  readonly timeoutMs: number;
  /** Size, nesting and term budgets checked before the search is planned (defaults: DEFAULT_LIMITS). */
  readonly limits?: SearchLimits | undefined;
}

/**
 * Compiles and runs one SPL search on its own DuckDB connection; abortable and time-bounded.
 * Subsearches run first (each with the outer time range, at most SUBSEARCH_MAXOUT rows and
 * SUBSEARCH_MAXTIME_MS) and their results are spliced in; lookups are read before compiling.
 */
export async function runSearch(deps: SearchDeps, request: SearchRequest, depth = 0): Promise<SearchResult> {
  const nowMs = deps.clock.now();
  if (depth === 0) {
    const limits = deps.limits ?? DEFAULT_LIMITS;
    checkQueryText(request.query, limits);
    checkTerms(parseSpl(request.query).pipeline, limits);
  }
  const messages: SearchMessage[] = [];
  const expanded = await expandSubsearches(request.query, (text, offset) =>
    runSubsearch(deps, request, text, depth).then(
      (sub) => {
        messages.push(...sub.messages);
        return sub;
      },
      (error: unknown) => {
        throw shiftError(error, offset);
      },
    ),
  );
  const options = { nowMs, earliest: request.earliest, latest: request.latest, maxRows: Math.min(request.maxRows ?? deps.maxRows, deps.maxRows), binToData: request.binning === 'data' };
  const connection = await deps.db.connect();
  let cancelled: VigilError | undefined;
  let reinterrupt: TimerHandle | undefined;
  const cancel = (error: VigilError): void => {
    if (cancelled !== undefined) return;
    cancelled = error;
    connection.interrupt();
    // An interrupt that lands before DuckDB started the statement is lost: repeat it until the run ends.
    reinterrupt = deps.timer.setInterval(() => connection.interrupt(), 50);
  };
  const onAbort = (): void => cancel(new VigilError('siem.search_cancelled', 'the search was cancelled'));
  request.signal?.addEventListener('abort', onAbort, { once: true });
  const timeoutMs = request.timeoutMs ?? deps.timeoutMs;
  const timer = deps.timer.setTimeout(() => cancel(new VigilError('siem.search_timeout', `the search ran longer than its budget of ${Math.round(timeoutMs / 1000)} s and was stopped; no complete results were available, so none are returned`, { hint: 'narrow the time range or the index, or raise siem.search.max_secs' })), timeoutMs);
  const run = async (sql: string): Promise<Array<Record<string, unknown>>> => {
    if (request.signal?.aborted === true) onAbort();
    if (cancelled !== undefined) throw cancelled;
    try {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJS() as Array<Record<string, unknown>>;
    } catch (error) {
      if (cancelled !== undefined) throw cancelled;
      throw databaseError(error);
    }
  };
  try {
    // Lookup metadata (tables, columns) is read up front: compiling is synchronous.
    const compileOptions = /lookup/i.test(expanded.query) ? { ...options, lookups: await readLookupCatalog(connection) } : options;
    const compiled = await compileWithFacts(expanded, compileOptions, factDb(connection, run, messages, deps), run);
    await checkRegexes(compiled.regexes, expanded, run);
    if (compiled.pivot !== undefined) {
      const pivoted = await runPivot(compiled.pivot, compiled.sql, run);
      return { columns: pivoted.columns, rows: pivoted.rows.slice(0, options.maxRows).map((r) => formatRow(r, pivoted.columns)), transforming: true, compiled, earliestMs: compiled.earliestMs, latestMs: compiled.latestMs, messages };
    }
    const rows = await run(compiled.sql);
    return { columns: [...compiled.columns], rows: rows.map((r) => formatRow(r as Record<string, Cell>, compiled.columns)), transforming: compiled.transforming, compiled, earliestMs: compiled.earliestMs, latestMs: compiled.latestMs, messages };
  } finally {
    timer.cancel();
    reinterrupt?.cancel();
    request.signal?.removeEventListener('abort', onAbort);
    connection.closeSync();
  }
}

/** Rounds of fact resolution one search may take (each command asks for at most a few). */
const MAX_FACT_ROUNDS = 200;

/** Compiles, resolving each fact planning asks for on the search's connection, until the plan is complete. */
async function compileWithFacts(expanded: ExpandedQuery, options: CompileOptions, db: FactDb, run: (sql: string) => Promise<unknown>): Promise<CompiledSearch> {
  const facts = new Map<string, unknown>();
  for (let round = 0; ; round++) {
    try {
      return compileMapped(expanded, { ...options, facts });
    } catch (error) {
      if (!(error instanceof MissingFact)) throw error;
      if (round >= MAX_FACT_ROUNDS || facts.has(error.request.key)) throw new VigilError('siem.search_failed', `planning did not settle (fact ${error.request.key})`);
      // A fact's query runs the steps planned so far: their regular expressions are checked first.
      await checkRegexes(error.regexes, expanded, run);
      facts.set(error.request.key, await error.request.resolve(db));
    }
  }
}

/** chart/timechart output: the long form, a second pass when OTHER needs it, then the pivot. */
export async function runPivot(pivot: PivotSpec, sql: string, run: (sql: string) => Promise<Array<Record<string, unknown>>>): Promise<{ columns: string[]; rows: Array<Record<string, Cell>> }> {
  let long = await run(sql);
  const top = needsSecondPass(pivot, long);
  if (top !== undefined) long = await run(pivot.sql(top));
  return pivotRows(pivot, long);
}

let tempCounter = 0;

/** Facts' access to the search's connection: queries, temporary tables, notes. */
function factDb(connection: DuckDBConnection, run: (sql: string) => Promise<Array<Record<string, unknown>>>, messages: SearchMessage[], deps: SearchDeps): FactDb {
  return {
    async writeLookup(name, columns, rows) {
      const cell = (value: unknown): string => {
        const text = value === null || value === undefined ? '' : Array.isArray(value) ? value.map(String).join('\n') : typeof value === 'number' ? formatNumber(value) : String(value);
        return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
      };
      const csv = [columns.map(cell).join(','), ...rows.map((row) => row.map(cell).join(','))].join('\n');
      try {
        await new LookupStore(deps.db, deps.clock).upload(name, `${csv}\n`);
      } catch (error) {
        if (error instanceof VigilError && error.code.startsWith('lookup.') && error.code !== 'lookup.store_failed') throw new VigilError('spl.invalid_argument', `outputlookup ${name}: ${error.message}`, error.hint === undefined ? {} : { hint: error.hint });
        throw error;
      }
    },
    query: run,
    note(type, text) {
      if (!messages.some((m) => m.text === text)) messages.push({ type, text });
    },
    async materialize(sql) {
      const name = `__vt${++tempCounter}`;
      await run(`CREATE TEMP TABLE ${name} AS ${sql}`);
      return `temp.main.${name}`;
    },
    async table(columns, rows) {
      const name = `__vt${++tempCounter}`;
      const staging = `${name}_in`;
      // Lists arrive as JSON text and become VARCHAR[] in the final table.
      await run(`CREATE TEMP TABLE ${staging} (${columns.map((c) => `${quoteIdent(c.name)} ${c.type === 'DOUBLE' ? 'DOUBLE' : 'VARCHAR'}`).join(', ')})`);
      const appender = await connection.createAppender(staging, 'main', 'temp');
      try {
        for (const row of rows) {
          columns.forEach((c, i) => {
            const value = row[i];
            if (value === null || value === undefined) appender.appendNull();
            else if (c.type === 'DOUBLE') appender.appendDouble(Number(value));
            else if (c.type === 'VARCHAR[]') appender.appendVarchar(JSON.stringify(Array.isArray(value) ? value.map(String) : [String(value)]));
            else appender.appendVarchar(Array.isArray(value) ? String(value[0] ?? '') : String(value));
          });
          appender.endRow();
        }
        appender.flushSync();
      } finally {
        appender.closeSync();
      }
      const select = columns.map((c) => (c.type === 'VARCHAR[]' ? `from_json(${quoteIdent(c.name)}, '["VARCHAR"]') AS ${quoteIdent(c.name)}` : quoteIdent(c.name)));
      await run(`CREATE TEMP TABLE ${name} AS SELECT ${select.length > 0 ? select.join(', ') : '1 AS "__one"'} FROM ${staging}`);
      await run(`DROP TABLE ${staging}`);
      return `temp.main.${name}`;
    },
  };
}

/**
 * A database failure while running a search. Running out of the memory budget is the search's own
 * limit (`siem.search_out_of_memory`); anything else means the generated SQL was wrong for the data:
 * `siem.search_failed`, an internal error the API logs with the query and request id.
 */
function databaseError(error: unknown): VigilError {
  const text = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  if (/out of memory/i.test(text)) {
    return new VigilError('siem.search_out_of_memory', 'the search needed more memory than the event store may use (store.duckdb_memory_limit_mb) and was stopped', { hint: 'narrow the time range, group by fewer values, or raise store.duckdb_memory_limit_mb', cause: error });
  }
  return new VigilError('siem.search_failed', `search failed: ${text}`, { cause: error });
}

/** RE2 patterns already known to compile (a search repeats the same few). */
const validRegexes = new Set<string>();

/** Compiles each regular expression the query wrote with RE2 before the search runs: a bad one is a 400 at its place. */
async function checkRegexes(regexes: CompiledSearch['regexes'], expanded: ExpandedQuery, run: (sql: string) => Promise<unknown>): Promise<void> {
  for (const { pattern, span } of regexes) {
    if (validRegexes.has(pattern)) continue;
    try {
      await run(`SELECT regexp_matches('', ${quoteString(pattern)}) AS ok`);
    } catch (error) {
      if (!(error instanceof VigilError) || error.code !== 'siem.search_failed') throw error;
      const detail = error.message.replace(/^search failed: /, '').replace(/^[A-Za-z ]+Error: /, '');
      throw new VigilError('spl.invalid_regex', `invalid regular expression: ${detail}`, { ...(span === undefined ? {} : { span: expanded.mapSpan(span) }), hint: 'the regex engine is RE2 (no lookaround or backreferences); escape \\ and special characters' });
    }
    if (validRegexes.size > 1000) validRegexes.clear();
    validRegexes.add(pattern);
  }
}

/** Compiles the expanded query; error spans point into the query as the user wrote it. */
function compileMapped(expanded: ExpandedQuery, options: Parameters<typeof compileSpl>[1]): CompiledSearch {
  try {
    return compileSpl(expanded.query, options);
  } catch (error) {
    throw remapError(error, (span) => expanded.mapSpan(span));
  }
}

/** One subsearch: its own search over the outer time range, capped at maxout rows and maxtime. */
async function runSubsearch(deps: SearchDeps, outer: SearchRequest, text: string, depth: number): Promise<SearchResult> {
  if (depth + 1 > SUBSEARCH_MAX_DEPTH) throw new VigilError('spl.unsupported', `subsearches nest at most ${SUBSEARCH_MAX_DEPTH} deep`, { span: { offset: 0, length: text.length } });
  const timeoutMs = Math.min(SUBSEARCH_MAXTIME_MS, outer.timeoutMs ?? deps.timeoutMs);
  try {
    // One row past maxout tells a cut result from one that fits exactly.
    const result = await runSearch({ ...deps, maxRows: SUBSEARCH_MAXOUT + 1, timeoutMs }, { query: text, earliest: outer.earliest, latest: outer.latest, signal: outer.signal, timeoutMs }, depth + 1);
    if (result.rows.length <= SUBSEARCH_MAXOUT) return result;
    const note: SearchMessage = { type: 'WARN', text: `a subsearch returned more than ${SUBSEARCH_MAXOUT} rows; only the first ${SUBSEARCH_MAXOUT} were used (subsearch maxout)` };
    return { ...result, rows: result.rows.slice(0, SUBSEARCH_MAXOUT), messages: [...result.messages, note] };
  } catch (error) {
    if (error instanceof VigilError && error.code === 'siem.search_timeout') {
      throw new VigilError('siem.search_timeout', `a subsearch ran longer than ${Math.round(timeoutMs / 1000)} s (subsearch maxtime) and was cancelled`, { hint: 'narrow the subsearch (time range, index, filters)', cause: error });
    }
    throw error;
  }
}

function formatRow(row: Readonly<Record<string, unknown>>, columns: readonly string[]): ResultRow {
  const out: ResultRow = {};
  for (const column of columns) {
    const value = formatValue(row[column], column);
    if (value !== undefined) out[column] = value;
  }
  return out;
}

/** Splunk renders `_time` as `2024-05-01T12:34:56.000+00:00`. */
export function formatTime(epochSeconds: number): string {
  return new Date(Math.round(epochSeconds * 1000)).toISOString().replace('Z', '+00:00');
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? value.toFixed(0) : String(value);
}

function formatValue(value: unknown, column: string): string | string[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (column === '_time' && (typeof value === 'number' || typeof value === 'bigint')) return formatTime(Number(value));
  // `stats … by _time` groups on the string form; Splunk still renders the column as a time.
  if (column === '_time' && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return formatTime(Number(value));
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) {
    const list = value.filter((v) => v !== null && v !== undefined).map((v) => (typeof v === 'number' ? formatNumber(v) : String(v)));
    // Splunk has no one-element multivalue: a field with one value is that value.
    return list.length === 0 ? undefined : list.length === 1 ? list[0] : list;
  }
  if (typeof value === 'object' && 'toString' in value) return String(value);
  return String(value);
}
