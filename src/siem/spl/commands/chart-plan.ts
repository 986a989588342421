import type { Aggregation } from '../ast.js';
import { aggregateSql } from '../aggregations.js';
import { aggregationName } from '../parser.js';
import { asNum, quoteString, type PlanContext, type Relation } from '../relation.js';
import { parseSpan } from '../time-modifiers.js';
import { groupKeys } from './group-keys.js';

export interface ChartOptions {
  readonly aggs: readonly Aggregation[];
  /** Row split field; `_time` is bucketed. Undefined: a single row. */
  readonly row: string | undefined;
  readonly col: string | undefined;
  readonly span: string | undefined;
  readonly limit: number;
  readonly useOther: boolean;
  readonly useNull: boolean;
  readonly otherStr: string;
  readonly nullStr: string;
  /** timechart: fill empty buckets (cont=true). */
  readonly fill: boolean;
}

const DEFAULT_SPANS = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 86400];

/** timechart's default span: the smallest of 1s…1d (then 1mon) giving at most `bins` buckets over the range. */
export function defaultSpan(rangeSeconds: number, bins = 100): string {
  for (const span of DEFAULT_SPANS) if (Math.ceil(rangeSeconds / span) <= bins) return `${span}s`;
  return '1mon';
}

/** The search range in seconds, asking the executor for the data extent when the range is open. */
function searchRange(ctx: PlanContext): { from: number; to: number } {
  if (ctx.earliestMs !== undefined) return { from: ctx.earliestMs / 1000, to: (ctx.latestMs ?? ctx.nowMs) / 1000 };
  if (ctx.dataRange === undefined) {
    ctx.needsDataRange = true;
    return { from: 0, to: 86400 };
  }
  return { from: ctx.dataRange.minMs / 1000, to: ctx.dataRange.maxMs / 1000 + 1 };
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
    const range = searchRange(ctx);
    const span = parseSpan(options.span ?? defaultSpan(range.to - range.from));
    spanSeconds = span.seconds;
    const time = asNum(rel.ref('_time'));
    if (span.unit === 'mon' || span.unit === 'q' || span.unit === 'y') {
      const unit = span.unit === 'mon' ? 'month' : span.unit === 'q' ? 'quarter' : 'year';
      rowSql = `epoch(date_trunc('${unit}', make_timestamp(CAST(${time} * 1000000 AS BIGINT))))`;
    } else {
      rowSql = `(floor(${time} / ${span.seconds}) * ${span.seconds})`;
    }
  } else if (options.row !== undefined) {
    rowSql = (groupKeys(rel, [options.row], '__r')[0] as string);
  }
  const colSql = options.col === undefined ? undefined : (groupKeys(rel, [options.col], '__c')[0] as string);
  const series = options.aggs.map((agg) => ({ name: aggregationName(agg), fn: agg.fn, value: aggregateSql(agg, rel, rowIsTime ? { spanSeconds } : {}) }));
  const source = rel.current;
  const ctes = [...rel.ctes];
  let fill: { spanSeconds: number; fromSec?: number; toSec?: number } | undefined;
  if (options.fill && rowIsTime && !/mon|q|y/.test(options.span ?? '')) {
    fill = ctx.earliestMs === undefined ? { spanSeconds } : { spanSeconds, fromSec: ctx.earliestMs / 1000, toSec: (ctx.latestMs ?? ctx.nowMs) / 1000 };
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

/** Reads chart/timechart options (`limit=`, `useother=`, `usenull=`, `otherstr=`, `nullstr=`, `span=`, `cont=`). */
export function chartOptions(raw: Record<string, { value: string }>): { limit: number; useOther: boolean; useNull: boolean; otherStr: string; nullStr: string; span: string | undefined; cont: boolean } {
  const bool = (v: string | undefined, d: boolean): boolean => (v === undefined ? d : /^(t|true|1|yes)$/i.test(v));
  return {
    limit: raw['limit'] === undefined ? 10 : Number(raw['limit'].value.replace(/^top/i, '')),
    useOther: bool(raw['useother']?.value, true),
    useNull: bool(raw['usenull']?.value, true),
    otherStr: raw['otherstr']?.value ?? 'OTHER',
    nullStr: raw['nullstr']?.value ?? 'NULL',
    span: raw['span']?.value,
    cont: bool(raw['cont']?.value, true),
  };
}

export const CHART_OPTION_KEYS = ['limit', 'useother', 'usenull', 'otherstr', 'nullstr', 'span', 'cont', 'bins', 'fixedrange', 'partial'];
