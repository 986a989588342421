import { VigilError } from '../../../core/index.js';
import type { Aggregation, SearchExpr, Span } from '../ast.js';
import { spanOf, type Token } from '../lexer.js';
import { ArgReader, parseAggregations, parseSearchExpr } from '../parser.js';
import { naturalOrder, quoteIdent, quoteString, type Kind, type PlanContext, type Relation } from '../relation.js';
import { searchToSql, storedTimeFilter } from '../search-sql.js';
import { parseSpan } from '../time-modifiers.js';
import { defaultSpan } from './chart-plan.js';
import { binningRange } from '../time-extent.js';
import { command } from './command.js';
import { isTrue, spanOption } from './option-values.js';
import { stats } from './stats.js';

interface TstatsArgs {
  readonly aggs: Aggregation[];
  readonly where: SearchExpr | undefined;
  readonly by: string[];
  readonly span: { readonly value: string; readonly span: Span } | undefined;
  readonly at: Span;
}

/** Fields every event has (spec C.1); any other field tstats reads is an indexed field (HEC `fields`). */
const DEFAULT_FIELDS: ReadonlyArray<readonly [string, string, Kind]> = [
  ['_time', 'time_ms / 1000.0', 'num'],
  ['index', '"index"', 'str'],
  ['sourcetype', 'sourcetype', 'str'],
  ['source', 'source', 'str'],
  ['host', 'host', 'str'],
];

const IGNORED_OPTIONS = ['summariesonly', 'allow_old_summaries', 'local', 'chunk_size', 'include_reduced_buckets', 'fillnull_value'];

function whereFields(expr: SearchExpr, out: Set<string>): void {
  switch (expr.kind) {
    case 'and':
    case 'or':
      for (const item of expr.items) whereFields(item, out);
      return;
    case 'not':
      whereFields(expr.expr, out);
      return;
    case 'compare':
    case 'in':
      out.add(expr.field);
      return;
    case 'term':
      throw new VigilError('spl.invalid_argument', `tstats WHERE tests default and indexed fields only; '${expr.value}' is a search term`, { span: expr.span, hint: 'write field=value (index, sourcetype, source, host or an indexed field), or use a normal search for terms' });
    default:
      return;
  }
}

/** The default span over the search range, or over the data's extent when the search covers all time (as timechart does). */
function autoSpan(rel: Relation, ctx: PlanContext): string {
  const range = binningRange(rel, ctx, '"_time"');
  return defaultSpan(range.to - range.from);
}

/**
 * `| tstats <aggs> [where <conditions>] [by f ...] [span=<span>]`: stats straight over the stored
 * default fields (_time, index, sourcetype, source, host) and indexed fields (HEC `fields`), without
 * reading `_raw`. A generating command (leading pipe). `by _time` buckets by `span` (else timechart's
 * default span for the range).
 */
export const tstats = command<TstatsArgs>({
  name: 'tstats',
  summary: 'stats over default and indexed fields: | tstats count where index=main by sourcetype',
  mode: 'search',
  parse(reader) {
    const at = reader.peek() === undefined ? reader.endSpan() : spanOf(reader.peek() as Token);
    const options = reader.options(['prestats', 'append', ...IGNORED_OPTIONS]);
    for (const key of ['prestats', 'append']) {
      const value = options[key];
      if (value !== undefined && isTrue(value.value)) throw reader.error('spl.unsupported', `tstats ${key}=t is not supported`, spanOf(value), 'leave it out: tstats returns finished results');
    }
    const aggs = parseAggregations(reader, ['where', 'by', 'from', 'span']);
    if (aggs.length === 0) throw reader.error('spl.missing_argument', 'tstats needs an aggregation', reader.peek() === undefined ? reader.endSpan() : spanOf(reader.peek() as Token), 'e.g. | tstats count where index=main by sourcetype');
    if (reader.isWord('from')) throw reader.error('spl.unsupported', 'tstats FROM (data models) is not supported', spanOf(reader.peek() as Token), 'tstats reads the events\' default and indexed fields: drop the FROM clause');
    let span = readSpan(reader);
    let where: SearchExpr | undefined;
    if (reader.isWord('where')) {
      const keyword = reader.next();
      // The WHERE expression runs up to a top-level `by` (or the end).
      let depth = 0;
      let endOffset = reader.end;
      for (let k = 0; reader.peek(k) !== undefined; k++) {
        const token = reader.peek(k) as Token;
        if (token.type === 'lparen') depth++;
        else if (token.type === 'rparen') depth--;
        else if (depth === 0 && token.type === 'word' && token.value.toLowerCase() === 'by') {
          endOffset = token.offset;
          break;
        }
      }
      where = parseSearchExpr(new ArgReader(reader.text, keyword.offset + keyword.length, endOffset, 'search', 'tstats'));
      while (!reader.atEnd() && (reader.peek() as Token).offset < endOffset) reader.next();
    }
    const by: string[] = [];
    if (reader.isWord('by')) {
      reader.next();
      while (!reader.atEnd()) {
        if (reader.skipComma()) continue;
        if (reader.isWord('span') && reader.isType('op', 1, '=')) span = readSpan(reader) ?? span;
        else by.push(reader.name('a field after by').value);
      }
    }
    span = readSpan(reader) ?? span;
    reader.rejectRest();
    return { aggs, where, by, span, at };
  },
  plan(args, rel, ctx) {
    if (rel.current !== '') throw new VigilError('spl.invalid_position', 'tstats is a generating command: it must start the search', { span: args.at, hint: 'write | tstats count where index=... by ...' });
    const used = new Set<string>([...args.by, ...args.aggs.flatMap((a) => (a.field === undefined ? [] : [a.field]))]);
    if (args.where !== undefined) whereFields(args.where, used);
    const defaults = new Set(DEFAULT_FIELDS.map(([name]) => name));
    const indexed = [...used].filter((name) => !defaults.has(name));
    rel.columns = new Map<string, Kind>([...DEFAULT_FIELDS.map(([name, , kind]) => [name, kind] as const), ...indexed.map((name) => [name, 'mv'] as const), ['__fields', 'str']]);
    rel.eventMode = false;
    const time = { earliest: undefined as string | undefined, latest: undefined as string | undefined };
    const where = args.where === undefined ? 'true' : searchToSql(args.where, rel, time);
    const select = [...DEFAULT_FIELDS.map(([name, sql]) => `${sql} AS ${quoteIdent(name)}`), ...indexed.map((name) => `${indexedField(name)} AS ${quoteIdent(name)}`), 'fields AS "__fields"'];
    rel.start(`SELECT ${select.join(', ')} FROM siem_events${storedTimeFilter(ctx, time)}`, 'siem_events');
    if (where !== 'true') rel.push((src) => `SELECT * FROM ${src} WHERE ${where}`);
    rel.order = [];
    rel.orderColumns = new Set();
    if (args.by.includes('_time')) {
      const span = parseSpan(args.span?.value ?? autoSpan(rel, ctx));
      const bucket = span.unit === 'mon' || span.unit === 'q' || span.unit === 'y'
        ? `epoch(date_trunc('${span.unit === 'mon' ? 'month' : span.unit === 'q' ? 'quarter' : 'year'}', make_timestamp(CAST("_time" * 1000000 AS BIGINT))))`
        : `floor("_time" / ${span.seconds}) * ${span.seconds}`;
      rel.push((src) => `SELECT * REPLACE (${bucket} AS "_time") FROM ${src}`);
    } else if (args.span !== undefined) {
      throw new VigilError('spl.invalid_argument', 'span= needs by _time', { span: args.span.span, hint: 'e.g. | tstats count where index=main by _time span=1h' });
    }
    stats.plan({ aggs: args.aggs, by: args.by }, rel, ctx);
    if (args.by.includes('_time')) {
      // stats groups on strings; _time goes back to a number so it renders as a time.
      rel.push((src) => `SELECT * REPLACE (CAST("_time" AS DOUBLE) AS "_time") FROM ${src}`);
      rel.columns.set('_time', 'num');
      rel.order = args.by.flatMap((name) => naturalOrder(quoteIdent(name), rel.columns.get(name) ?? 'str'));
    }
  },
});

function readSpan(reader: ArgReader): { value: string; span: Span } | undefined {
  const token = reader.options(['span'])['span'];
  if (token === undefined) return undefined;
  spanOption(token);
  return { value: token.value, span: spanOf(token) };
}

/** An indexed field (HEC `fields`) as a multivalue: arrays give every element, scalars one value. */
function indexedField(name: string): string {
  const path = quoteString(`$."${name.replace(/"/g, '\\"')}"`);
  const all = quoteString(`$."${name.replace(/"/g, '\\"')}"[*]`);
  return `CASE WHEN json_type(fields, ${path}) = 'ARRAY' THEN json_extract_string(fields, ${all}) WHEN json_extract_string(fields, ${path}) IS NOT NULL THEN [json_extract_string(fields, ${path})] END`;
}
