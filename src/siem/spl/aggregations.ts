import { VigilError } from '../../core/index.js';
import type { Aggregation } from './ast.js';
import { asNum, asStr, type Relation, type Typed } from './relation.js';

/** Aggregations whose per-group results can be merged (chart's OTHER column without a second pass). */
export const DECOMPOSABLE = new Set(['count', 'sum', 'min', 'max']);

/** Every aggregation function after aliasing (parser: c → count, distinct_count/estdc → dc, mean → avg, p/exactperc/upperperc → perc). */
export const AGGREGATIONS = [
  'count', 'dc', 'sum', 'sumsq', 'avg', 'min', 'max', 'range', 'median', 'mode', 'stdev', 'stdevp', 'var', 'varp', 'perc',
  'values', 'list', 'first', 'last', 'earliest', 'latest', 'earliest_time', 'latest_time', 'rate',
  'per_second', 'per_minute', 'per_hour', 'per_day',
] as const;

const PER_UNIT: Readonly<Record<string, number>> = { per_second: 1, per_minute: 60, per_hour: 3600, per_day: 86400 };

/** `list()` keeps at most this many values (limits.conf `list_maxsize`). */
export const LIST_MAX = 100;

export interface AggregateOptions {
  /** eventstats/streamstats: every aggregate becomes a window aggregate over this clause (` OVER (…)`). */
  readonly over?: string;
  /** chart/timechart bucket width in seconds, for per_second … per_day. */
  readonly spanSeconds?: number;
}

/**
 * Compiles one aggregation (spec C.6) to a SQL aggregate over the relation, or to a window
 * aggregate when `options.over` is given. Multivalue inputs contribute each value; min/max prefer
 * numbers and fall back to lexicographic order; percentiles use the nearest-rank method.
 */
export function aggregateSql(agg: Aggregation, rel: Relation, options: AggregateOptions = {}): Typed {
  const w = options.over ?? '';
  if (agg.field === undefined) {
    if (agg.fn !== 'count') throw new VigilError('spl.missing_argument', `${agg.fn} needs a field: ${agg.fn}(field)`, { span: agg.span });
    return { sql: `CAST(count(*)${w} AS DOUBLE)`, kind: 'num' };
  }
  const field = rel.ref(agg.field, agg.span);
  const orderBy = rel.order.length > 0 && options.over === undefined ? ` ORDER BY ${rel.order.join(', ')}` : '';
  if (field.kind === 'mv') return aggregateMv(agg, field, rel, orderBy, options);
  return aggregateScalar(agg, field, rel, orderBy, options);
}

/** Multivalue input: each value counts on its own. */
function aggregateMv(agg: Aggregation, field: Typed, rel: Relation, orderBy: string, options: AggregateOptions): Typed {
  const w = options.over ?? '';
  const l = field.sql;
  const rowNums = `list_transform(${l}, x -> TRY_CAST(x AS DOUBLE))`;
  const all = `flatten(list(${l}) FILTER (WHERE ${l} IS NOT NULL)${w})`;
  const allNums = `list_filter(list_transform(${all}, x -> TRY_CAST(x AS DOUBLE)), x -> x IS NOT NULL)`;
  switch (agg.fn) {
    case 'count':
      return { sql: `CAST(coalesce(sum(len(${l}))${w}, 0) AS DOUBLE)`, kind: 'num' };
    case 'dc':
      return { sql: `CAST(len(list_distinct(${all})) AS DOUBLE)`, kind: 'num' };
    case 'sum':
      return { sql: `sum(list_sum(${rowNums}))${w}`, kind: 'num' };
    case 'avg':
      return { sql: `(sum(list_sum(${rowNums}))${w} / nullif(sum(len(list_filter(${rowNums}, x -> x IS NOT NULL)))${w}, 0))`, kind: 'num' };
    case 'min':
    case 'max':
      return { sql: `coalesce(spl_fmt(${agg.fn}(list_${agg.fn}(${rowNums}))${w}), ${agg.fn}(list_${agg.fn}(${l}))${w})`, kind: 'str' };
    case 'sumsq':
      return { sql: `sum(list_sum(list_transform(${rowNums}, x -> x * x)))${w}`, kind: 'num' };
    case 'range':
      return { sql: `(list_max(${allNums}) - list_min(${allNums}))`, kind: 'num' };
    case 'median':
    case 'perc':
      return { sql: `list_aggregate(${allNums}, 'quantile_disc', ${percentile(agg)})`, kind: 'num' };
    case 'stdev':
    case 'stdevp':
    case 'var':
    case 'varp':
      return { sql: `list_aggregate(${allNums}, '${STATS_FN[agg.fn]}')`, kind: 'num' };
    case 'mode':
      // Ties go to the value seen first in the current order.
      return { sql: `list_aggregate(flatten(list(${l}${orderBy}) FILTER (WHERE ${l} IS NOT NULL)${w}), 'mode')`, kind: 'str' };
    case 'values':
      return { sql: `nullif(list_sort(list_distinct(${all})), [])`, kind: 'mv' };
    case 'list':
      return { sql: `nullif(flatten(list(${l}${orderBy}) FILTER (WHERE ${l} IS NOT NULL)${w})[1:${LIST_MAX}], [])`, kind: 'mv' };
    default:
      // first/last/earliest/latest and the rate helpers look at the first value of each row.
      return aggregateScalar(agg, { sql: `(${l})[1]`, kind: 'str' }, rel, orderBy, options);
  }
}

const STATS_FN: Readonly<Record<string, string>> = { stdev: 'stddev_samp', stdevp: 'stddev_pop', var: 'var_samp', varp: 'var_pop' };

function percentile(agg: Aggregation): number {
  if (agg.fn === 'median') return 0.5;
  return Math.min(100, Math.max(0, agg.param ?? 50)) / 100;
}

function timeOf(agg: Aggregation, rel: Relation): string {
  const time = rel.ref('_time');
  if (time.kind === 'null') throw new VigilError('spl.missing_time', `${agg.fn}() needs _time, which is gone at this point`, { span: agg.span, hint: `compute ${agg.fn}() before the stats/table that drops _time` });
  return asNum(time);
}

function aggregateScalar(agg: Aggregation, field: Typed, rel: Relation, orderBy: string, options: AggregateOptions): Typed {
  const w = options.over ?? '';
  const s = asStr(field);
  const n = asNum(field);
  const present = `${field.kind === 'num' ? field.sql : s} IS NOT NULL`;
  const numeric = `${n} IS NOT NULL`;
  switch (agg.fn) {
    case 'count':
      return { sql: `CAST(count(${field.kind === 'null' ? 'NULL' : field.sql})${w} AS DOUBLE)`, kind: 'num' };
    case 'dc':
      return { sql: `CAST(count(DISTINCT ${s})${w} AS DOUBLE)`, kind: 'num' };
    case 'sum':
      return { sql: `sum(${n})${w}`, kind: 'num' };
    case 'sumsq':
      return { sql: `sum(${n} * ${n})${w}`, kind: 'num' };
    case 'avg':
      return { sql: `avg(${n})${w}`, kind: 'num' };
    case 'min':
    case 'max':
      if (field.kind === 'num') return { sql: `${agg.fn}(${n})${w}`, kind: 'num' };
      // Numbers win when there are any; two aggregates, not three (a count to decide costs another pass).
      return { sql: `coalesce(spl_fmt(${agg.fn}(${n})${w}), ${agg.fn}(${s})${w})`, kind: 'str' };
    case 'range':
      return { sql: `(max(${n})${w} - min(${n})${w})`, kind: 'num' };
    case 'median':
    case 'perc':
      // DuckDB's discrete quantile is the nearest-rank value: the ceil(p/100 · N)-th smallest.
      return { sql: `quantile_disc(${n}, ${percentile(agg)})${w}`, kind: 'num' };
    case 'stdev':
    case 'stdevp':
    case 'var':
    case 'varp':
      return { sql: `${STATS_FN[agg.fn]}(${n})${w}`, kind: 'num' };
    case 'mode':
      // Ties go to the value seen first in the current order.
      return { sql: `mode(${s}${orderBy})${w}`, kind: 'str' };
    case 'values':
      return { sql: `nullif(list_sort(list_distinct(list(${s}) FILTER (WHERE ${present})${w})), [])`, kind: 'mv' };
    case 'list':
      return { sql: `nullif((list(${s}${orderBy}) FILTER (WHERE ${present})${w})[1:${LIST_MAX}], [])`, kind: 'mv' };
    case 'first':
    case 'last':
      // In a window, first/last are the window functions first_value/last_value over the frame.
      if (options.over !== undefined) return { sql: `${agg.fn}_value(${s} IGNORE NULLS)${w}`, kind: 'str' };
      return { sql: `${agg.fn}(${s}${orderBy}) FILTER (WHERE ${present})`, kind: 'str' };
    case 'latest':
    case 'earliest':
      return { sql: `${agg.fn === 'latest' ? 'arg_max' : 'arg_min'}(${s}, ${timeOf(agg, rel)}) FILTER (WHERE ${present})${w}`, kind: 'str' };
    case 'earliest_time':
    case 'latest_time':
      return { sql: `${agg.fn === 'latest_time' ? 'max' : 'min'}(${timeOf(agg, rel)}) FILTER (WHERE ${present})${w}`, kind: 'num' };
    case 'rate': {
      // (latest(x) - earliest(x)) / (latest_time(x) - earliest_time(x)); null over a zero interval.
      const t = timeOf(agg, rel);
      const f = ` FILTER (WHERE ${numeric})${w}`;
      return { sql: `((arg_max(${n}, ${t})${f} - arg_min(${n}, ${t})${f}) / nullif(max(${t})${f} - min(${t})${f}, 0))`, kind: 'num' };
    }
    case 'per_second':
    case 'per_minute':
    case 'per_hour':
    case 'per_day': {
      if (options.spanSeconds === undefined || options.spanSeconds <= 0) {
        throw new VigilError('spl.invalid_argument', `${agg.fn}() needs the time bucket span of timechart`, { span: agg.span, hint: `e.g. timechart span=5m ${agg.fn}(${agg.field ?? 'bytes'})` });
      }
      return { sql: `(sum(${n})${w} * ${PER_UNIT[agg.fn]} / ${options.spanSeconds})`, kind: 'num' };
    }
    default:
      throw new VigilError('spl.unknown_function', `unknown aggregation ${agg.fn}`, { span: agg.span, hint: `supported: ${AGGREGATIONS.join(', ')}` });
  }
}
