import { spanOf, type Token } from '../lexer.js';
import type { ArgReader } from '../parser.js';
import { asNum, fmtNum, rejectReserved, setColumns, type PlanContext, type Relation } from '../relation.js';
import { resolveTimeModifier } from '../time-modifiers.js';
import { command } from './command.js';
import { NUMBER, integerOption, spanOption } from './option-values.js';

type BinSpan = { readonly kind: 'time'; readonly seconds: number; readonly unit: string; readonly count: number } | { readonly kind: 'num'; readonly size: number };

interface BinArgs {
  readonly field: string;
  readonly as: string | undefined;
  readonly span: BinSpan | undefined;
  readonly bins: number;
  readonly start: string | undefined;
  readonly end: string | undefined;
  readonly align: string | undefined;
}

const OPTIONS = ['span', 'bins', 'start', 'end', 'aligntime'];
/** Candidate spans for `bins=` on `_time` (as timechart's default span), then one month (0). */
const TIME_SPANS = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 86400];
/** 1970-01-05 was a Monday: weeks start on Mondays. */
const MONDAY = 345600;

function parseBinSpan(reader: ArgReader, token: Token, field: string): BinSpan {
  if (field !== '_time') {
    if (!NUMBER.test(token.value) || Number(token.value) <= 0) {
      throw reader.error('spl.invalid_span', `span for the numeric field '${field}' must be a positive number, not '${token.value}'`, spanOf(token), 'e.g. bin span=100 bytes; time units (5m) are for _time');
    }
    return { kind: 'num', size: Number(token.value) };
  }
  if (NUMBER.test(token.value) && Number(token.value) > 0) return { kind: 'time', seconds: Number(token.value), unit: 's', count: Number(token.value) };
  return { kind: 'time', ...spanOption(token) };
}

/** Bucket start (epoch seconds) of a calendar span of `months` months, counted from 1970-01. */
function monthBucket(time: string, months: number): string {
  const ts = `try(make_timestamp(TRY_CAST(floor(${time} * 1000000) AS BIGINT)))`;
  const index = `((year(${ts}) - 1970) * 12 + month(${ts}) - 1)`;
  const start = `(floor(${index} / ${months}) * ${months})`;
  return `epoch(try(make_timestamp(TRY_CAST(1970 + floor(${start} / 12) AS BIGINT), TRY_CAST(${start} % 12 + 1 AS BIGINT), 1, 0, 0, 0)))`;
}

function timeBucket(time: string, span: Extract<BinSpan, { kind: 'time' }>, anchor: number): string {
  if (span.unit === 'mon' || span.unit === 'q' || span.unit === 'y') return monthBucket(time, span.count * (span.unit === 'mon' ? 1 : span.unit === 'q' ? 3 : 12));
  // aligntime only moves sub-day spans (as in Splunk); weeks start on Mondays.
  const base = span.unit === 'w' ? MONDAY : span.unit === 'd' ? 0 : anchor;
  return `(floor((${time} - ${base}) / ${span.seconds}) * ${span.seconds} + ${base})`;
}

/** The range string `lo-hi` of the bucket of width `size` holding `value`. */
function rangeString(value: string, size: string): string {
  const lo = `(floor(${value} / ${size}) * ${size})`;
  return `(${fmtNum(`round(${lo}, 9)`)} || '-' || ${fmtNum(`round(${lo} + ${size}, 9)`)})`;
}

/** `min/max` of the field over all rows, widened by start=/end=, as window columns `__blo`/`__bhi`. */
function pushExtent(rel: Relation, value: string, start: number | undefined, end: number | undefined): void {
  const lo = start === undefined ? `min(${value}) OVER ()` : `least(min(${value}) OVER (), ${start})`;
  const hi = end === undefined ? `max(${value}) OVER ()` : `greatest(max(${value}) OVER (), ${end})`;
  rel.push((src) => `SELECT *, ${lo} AS "__blo", ${hi} AS "__bhi" FROM ${src}`);
}

function bound(text: string | undefined, isTime: boolean, ctx: PlanContext): number | undefined {
  if (text === undefined) return undefined;
  return isTime && !NUMBER.test(text) ? resolveTimeModifier(text, ctx.nowMs) / 1000 : Number(text);
}

/**
 * `bin`/`bucket [span=|bins=N] [start= end=] [aligntime=] f [AS new]`. `_time` is floored to the
 * start of its span (epoch); another field's number becomes the range string of its bucket
 * (`100-200`); non-numeric values are left as they were. `bins=N` (default 100) picks the smallest
 * "nice" span giving at most N buckets over the values' extent (widened by start=/end=): for
 * `_time` one of 1s…1d then 1mon, otherwise a power of ten.
 */
export const bin = command<BinArgs>({
  name: 'bin',
  summary: 'bucket values: bin [span=5m|bins=N] [start= end=] field [AS new]',
  mode: 'search',
  parse(reader) {
    const options: Record<string, Token> = {};
    let field: Token | undefined;
    let as: string | undefined;
    while (!reader.atEnd()) {
      if (reader.optionsInto(OPTIONS, options)) continue;
      if (field !== undefined && reader.isWord('as')) {
        reader.next();
        as = reader.name('a new field name after AS').value;
        continue;
      }
      const token = reader.name('a field to bin');
      if (token.type === 'word' && reader.isType('op', 0, '=')) throw reader.error('spl.invalid_argument', `unknown bin option '${token.value}'`, spanOf(token), `options: ${OPTIONS.join(', ')}`);
      if (field !== undefined) throw reader.error('spl.unexpected_token', `bin takes one field; unexpected '${token.value}'`, spanOf(token), 'use one bin command per field');
      field = token;
    }
    if (field === undefined) throw reader.error('spl.missing_argument', 'bin needs a field', reader.endSpan(), 'e.g. bin span=5m _time');
    for (const name of [field.value, as]) rejectReserved(name, spanOf(field));
    const { span, bins, start, end, aligntime } = options;
    if (span !== undefined && bins !== undefined) throw reader.error('spl.invalid_argument', 'bin takes span= or bins=, not both', spanOf(bins));
    const isTime = field.value === '_time';
    for (const t of [start, end]) {
      if (t !== undefined && !NUMBER.test(t.value) && !isTime) throw reader.error('spl.invalid_argument', `${t === start ? 'start' : 'end'}= must be a number, not '${t.value}'`, spanOf(t));
    }
    if (aligntime !== undefined && !isTime) throw reader.error('spl.invalid_argument', 'aligntime= only applies to _time', spanOf(aligntime));
    return {
      field: field.value,
      as,
      span: span === undefined ? undefined : parseBinSpan(reader, span, field.value),
      bins: bins === undefined ? 100 : integerOption(reader, 'bins', bins, 1),
      start: start?.value,
      end: end?.value,
      align: aligntime?.value,
    };
  },
  plan(args, rel, ctx) {
    const isTime = args.field === '_time';
    const target = args.as ?? args.field;
    const value = rel.ref(args.field);
    if (value.kind === 'null' && !rel.columns.has(target)) return;
    const num = asNum(value);
    let sql: string;
    if (isTime) {
      const align = args.align === undefined ? 0 : args.align === 'earliest' ? (ctx.earliestMs ?? 0) / 1000 : args.align === 'latest' ? (ctx.latestMs ?? ctx.nowMs) / 1000 : bound(args.align, true, ctx) ?? 0;
      if (args.span?.kind === 'time') sql = timeBucket(num, args.span, align);
      else {
        pushExtent(rel, num, bound(args.start, true, ctx), bound(args.end, true, ctx));
        const count = (s: number): string => `floor("__bhi" / ${s}) - floor("__blo" / ${s}) + 1 <= ${args.bins}`;
        rel.push((src) => `SELECT * EXCLUDE ("__blo", "__bhi"), CASE ${TIME_SPANS.map((s) => `WHEN ${count(s)} THEN ${s}`).join(' ')} ELSE 0 END AS "__bs" FROM ${src}`);
        sql = `CASE WHEN "__bs" = 0 THEN ${monthBucket(num, 1)} ELSE floor(${num} / "__bs") * "__bs" END`;
      }
    } else {
      let size: string;
      if (args.span?.kind === 'num') size = String(args.span.size);
      else {
        pushExtent(rel, num, bound(args.start, false, ctx), bound(args.end, false, ctx));
        // The smallest power of ten giving at most `bins` buckets (one more power when alignment adds a bucket).
        const first = `pow(10, ceil(log10(greatest(("__bhi" - "__blo") / ${args.bins}, 1e-9))))`;
        rel.push((src) => `SELECT * EXCLUDE ("__blo", "__bhi"), CASE WHEN floor("__bhi" / ${first}) - floor("__blo" / ${first}) + 1 <= ${args.bins} THEN ${first} ELSE ${first} * 10 END AS "__bs" FROM ${src}`);
        size = '"__bs"';
      }
      const original = value.kind === 'mv' ? `(${value.sql})[1]` : value.kind === 'num' ? fmtNum(value.sql) : value.sql;
      sql = `CASE WHEN ${num} IS NULL THEN ${original} ELSE ${rangeString(num, size)} END`;
    }
    setColumns(rel, [{ name: target, sql, kind: isTime ? 'num' : 'str' }], sql.includes('"__bs"') ? ['__bs'] : []);
  },
});

/** `bucket`: another name for `bin`. */
export const bucket = command<BinArgs>({ ...bin, name: 'bucket', summary: 'same as bin: bucket [span=5m|bins=N] field [AS new]' });
