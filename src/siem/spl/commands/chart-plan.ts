import type { Aggregation } from '../ast.js';
import { aggregateSql } from '../aggregations.js';
import { aggregationName } from '../parser.js';
import { asNum, quoteString, type PlanContext, type Relation } from '../relation.js';
import { VigilError } from '../../../core/index.js';
import { binningRange } from '../time-extent.js';
import { parseSpan, resolveTimeModifier } from '../time-modifiers.js';
import { groupKeys } from './group-keys.js';

export interface ChartOptions {
  readonly aggs: readonly Aggregation[];
  /** Row split field; `_time` is bucketed. Undefined: a single row. */
  readonly row: string | undefined;
  readonly col: string | undefined;
  readonly span: string | undefined;
  /** Default-span options (Splunk bin): at most `bins` buckets, none narrower than `minspan`. */
  readonly bins: number;
  readonly minspan: string | undefined;
  /** Where sub-day buckets start: `earliest`, `latest` or a time (as bin's aligntime). */
  readonly aligntime: string | undefined;
  readonly limit: number;
  readonly useOther: boolean;
  readonly useNull: boolean;
  readonly otherStr: string;
  readonly nullStr: string;
  /** timechart: fill empty buckets (cont=true). */
  readonly fill: boolean;
}

/** Splunk's span thresholds (timechart "Spans used when minspan is specified"), in seconds; then months. */
export const SPAN_LADDER = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 86400];

/**
 * The default span: the smallest threshold of 1s…1d (then 1mon) that is at least `minspan` and gives
 * at most `bins` buckets over the range.
 */
export function defaultSpan(rangeSeconds: number, bins = 100, minspanSeconds = 0): string {
  for (const span of SPAN_LADDER) if (span >= minspanSeconds && Math.ceil(rangeSeconds / span) <= bins) return `${span}s`;
  return '1mon';
}

/**
 * Plans chart and timechart. The SQL yields a long form (row value, column value, one value per
 * aggregation); the executor ranks columns, folds those past `limit` into OTHER and pivots.
 */
export function planChart(rel: Relation, ctx: PlanContext, options: ChartOptions): void {
  const rowIsTime = options.row === '_time';
  rel.materialize(options.aggs.map((a) => a.field));
  let rowSql = 'NULL';
  let spanSeconds = 0;
  if (rowIsTime) {
    const time = asNum(rel.ref('_time'));
    let spanText = options.span;
    if (spanText === undefined) {
      const range = binningRange(rel, ctx, time);
      spanText = defaultSpan(range.to - range.from, options.bins, options.minspan === undefined ? 0 : parseSpan(options.minspan).seconds);
    }
    const span = parseSpan(spanText);
    spanSeconds = span.seconds;
    if (span.unit === 'mon' || span.unit === 'q' || span.unit === 'y') {
      const unit = span.unit === 'mon' ? 'month' : span.unit === 'q' ? 'quarter' : 'year';
      rowSql = `epoch(date_trunc('${unit}', try(make_timestamp(TRY_CAST(${time} * 1000000 AS BIGINT)))))`;
    } else {
      const anchor = alignAnchor(options.aligntime, span.unit, ctx);
      rowSql = anchor === 0 ? `(floor(${time} / ${span.seconds}) * ${span.seconds})` : `(floor((${time} - ${anchor}) / ${span.seconds}) * ${span.seconds} + ${anchor})`;
    }
  } else if (options.row !== undefined) {
    rowSql = (groupKeys(rel, [options.row], '__r')[0] as string);
  }
  const colSql = options.col === undefined ? undefined : (groupKeys(rel, [options.col], '__c')[0] as string);
  const series = options.aggs.map((agg) => ({ name: aggregationName(agg), fn: agg.fn, value: aggregateSql(agg, rel, rowIsTime ? { spanSeconds } : {}) }));
  const source = rel.current;
  const ctes = [...rel.ctes];
  let fill: { spanSeconds: number; fromSec?: number; toSec?: number } | undefined;
  if (options.fill && rowIsTime && spanSeconds > 0 && !/mon|q|y/.test(options.span ?? '') && spanSeconds < 2592000) {
    fill = ctx.earliestMs === undefined || ctx.binToData === true ? { spanSeconds } : { spanSeconds, fromSec: ctx.earliestMs / 1000, toSec: (ctx.latestMs ?? ctx.nowMs) / 1000 };
  }
  rel.pivot = {
    rowField: options.row,
    rowIsTime,
    series: series.map((s) => ({ name: s.name, fn: s.fn })),
    byField: options.col,
    limit: options.limit,
    useOther: options.useOther,
    useNull: options.useNull,
    otherStr: options.otherStr,
    nullStr: options.nullStr,
    fill,
    sql(top) {
      let col = colSql ?? 'CAST(NULL AS VARCHAR)';
      if (colSql !== undefined && top !== undefined) {
        col = `CASE WHEN ${colSql} IS NULL THEN NULL WHEN ${colSql} IN (${top.map(quoteString).join(', ') || 'NULL'}) THEN ${colSql} ELSE ${quoteString(options.otherStr)} END`;
      }
      const values = series.map((s, i) => `${s.value.sql} AS "__s${i}"`).join(', ');
      const where = options.row === undefined ? '' : ` WHERE ${rowSql} IS NOT NULL`;
      const body = `SELECT ${rowSql} AS "__row", ${col} AS "__col", ${values} FROM ${source}${where} GROUP BY 1, 2`;
      return ctes.length === 0 ? body : `WITH ${ctes.map((c) => `${c.name} AS (${c.sql})`).join(',\n  ')}\n${body}`;
    },
  };
  rel.eventMode = false;
}

/** Where sub-day buckets start (bin's aligntime): 0 is the epoch. */
function alignAnchor(aligntime: string | undefined, unit: string, ctx: PlanContext): number {
  if (aligntime === undefined || unit === 'd' || unit === 'w') return 0;
  if (aligntime === 'earliest') return (ctx.earliestMs ?? 0) / 1000;
  if (aligntime === 'latest') return (ctx.latestMs ?? ctx.nowMs) / 1000;
  return resolveTimeModifier(aligntime, ctx.nowMs) / 1000;
}

export interface ChartOptionValues {
  readonly limit: number;
  readonly useOther: boolean;
  readonly useNull: boolean;
  readonly otherStr: string;
  readonly nullStr: string;
  readonly span: string | undefined;
  readonly bins: number;
  readonly minspan: string | undefined;
  readonly aligntime: string | undefined;
  readonly cont: boolean;
}

/** Reads chart/timechart options (`limit=`, `useother=`, `usenull=`, `otherstr=`, `nullstr=`, `span=`, `bins=`, `minspan=`, `aligntime=`, `cont=`). */
export function chartOptions(raw: Record<string, { value: string; offset?: number; length?: number }>): ChartOptionValues {
  const bool = (v: string | undefined, d: boolean): boolean => (v === undefined ? d : /^(t|true|1|yes)$/i.test(v));
  const number = (key: string, fallback: number, min: number): number => {
    const token = raw[key];
    if (token === undefined) return fallback;
    const text = key === 'limit' ? token.value.replace(/^top/i, '') : token.value;
    if (!/^\d+$/.test(text) || Number(text) < min) {
      throw new VigilError('spl.invalid_argument', `${key}= must be a whole number${min > 0 ? ` of at least ${min}` : ''}, not '${token.value}'`, token.offset === undefined ? {} : { span: { offset: token.offset, length: token.length ?? 1 } });
    }
    return Number(text);
  };
  for (const key of ['span', 'minspan'] as const) {
    const token = raw[key];
    if (token !== undefined) {
      try {
        parseSpan(token.value);
      } catch (error) {
        if (error instanceof VigilError && token.offset !== undefined) throw new VigilError(error.code, error.message, { span: { offset: token.offset, length: token.length ?? 1 }, ...(error.hint === undefined ? {} : { hint: error.hint }) });
        throw error;
      }
    }
  }
  return {
    limit: number('limit', 10, 0),
    bins: number('bins', 100, 1),
    minspan: raw['minspan']?.value,
    aligntime: raw['aligntime']?.value,
    useOther: bool(raw['useother']?.value, true),
    useNull: bool(raw['usenull']?.value, true),
    otherStr: raw['otherstr']?.value ?? 'OTHER',
    nullStr: raw['nullstr']?.value ?? 'NULL',
    span: raw['span']?.value,
    cont: bool(raw['cont']?.value, true),
  };
}

export const CHART_OPTION_KEYS = ['limit', 'useother', 'usenull', 'otherstr', 'nullstr', 'span', 'cont', 'bins', 'minspan', 'aligntime', 'fixedrange', 'partial', 'sep', 'format', 'start', 'end'];
