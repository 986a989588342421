import { VigilError } from '../../core/index.js';
import type { Aggregation } from './ast.js';
import { asNum, asStr, type Relation, type Typed } from './relation.js';

/** Aggregations whose per-group results can be merged (chart's OTHER column without a second pass). */
export const DECOMPOSABLE = new Set(['count', 'sum', 'min', 'max']);

/**
 * Compiles one aggregation (spec C.6) to a SQL aggregate over the relation. Multivalue inputs count
 * each value. min/max prefer numbers and fall back to lexicographic order.
 */
export function aggregateSql(agg: Aggregation, rel: Relation): Typed {
  if (agg.field === undefined) return { sql: 'CAST(count(*) AS DOUBLE)', kind: 'num' };
  const field = rel.ref(agg.field, agg.span);
  const orderBy = rel.order.length > 0 ? ` ORDER BY ${rel.order.join(', ')}` : '';
  if (field.kind === 'mv') {
    const all = `flatten(list(${field.sql}) FILTER (WHERE ${field.sql} IS NOT NULL))`;
    const nums = `list_transform(${all}, x -> TRY_CAST(x AS DOUBLE))`;
    switch (agg.fn) {
      case 'count':
        return { sql: `CAST(len(${all}) AS DOUBLE)`, kind: 'num' };
      case 'dc':
        return { sql: `CAST(len(list_distinct(${all})) AS DOUBLE)`, kind: 'num' };
      case 'sum':
        return { sql: `list_sum(${nums})`, kind: 'num' };
      case 'avg':
        return { sql: `list_avg(${nums})`, kind: 'num' };
      case 'min':
      case 'max':
        return { sql: `coalesce(spl_fmt(list_${agg.fn}(${nums})), list_${agg.fn}(${all}))`, kind: 'str' };
      case 'values':
        return { sql: `nullif(list_sort(list_distinct(${all})), [])`, kind: 'mv' };
      case 'list':
        return { sql: `nullif(flatten(list(${field.sql}${orderBy}) FILTER (WHERE ${field.sql} IS NOT NULL))[1:100], [])`, kind: 'mv' };
      default: {
        // the remaining functions look at the first value of each row
        return aggregateScalar(agg, { sql: `(${field.sql})[1]`, kind: 'str' }, rel, orderBy);
      }
    }
  }
  return aggregateScalar(agg, field, rel, orderBy);
}

function aggregateScalar(agg: Aggregation, field: Typed, rel: Relation, orderBy: string): Typed {
  const s = asStr(field);
  const n = asNum(field);
  const present = `${field.kind === 'num' ? field.sql : s} IS NOT NULL`;
  switch (agg.fn) {
    case 'count':
      return { sql: `CAST(count(${field.kind === 'null' ? 'NULL' : field.sql}) AS DOUBLE)`, kind: 'num' };
    case 'dc':
      return { sql: `CAST(count(DISTINCT ${s}) AS DOUBLE)`, kind: 'num' };
    case 'sum':
      return { sql: `sum(${n})`, kind: 'num' };
    case 'avg':
      return { sql: `avg(${n})`, kind: 'num' };
    case 'min':
    case 'max':
      if (field.kind === 'num') return { sql: `${agg.fn}(${n})`, kind: 'num' };
      // Numbers win when there are any; two aggregates, not three (a count to decide costs another pass).
      return { sql: `coalesce(spl_fmt(${agg.fn}(${n})), ${agg.fn}(${s}))`, kind: 'str' };
    case 'range':
      return { sql: `(max(${n}) - min(${n}))`, kind: 'num' };
    case 'median':
      return { sql: `quantile_disc(${n}, 0.5)`, kind: 'num' };
    case 'perc':
      return { sql: `quantile_disc(${n}, ${(agg.param ?? 50) / 100})`, kind: 'num' };
    case 'stdev':
      return { sql: `stddev_samp(${n})`, kind: 'num' };
    case 'var':
      return { sql: `var_samp(${n})`, kind: 'num' };
    case 'mode':
      return { sql: `mode(${s})`, kind: 'str' };
    case 'values':
      return { sql: `nullif(list_sort(list_distinct(list(${s}) FILTER (WHERE ${present}))), [])`, kind: 'mv' };
    case 'list':
      return { sql: `nullif((list(${s}${orderBy}) FILTER (WHERE ${present}))[1:100], [])`, kind: 'mv' };
    case 'first':
      return { sql: `first(${s}${orderBy}) FILTER (WHERE ${present})`, kind: 'str' };
    case 'last':
      return { sql: `last(${s}${orderBy}) FILTER (WHERE ${present})`, kind: 'str' };
    case 'latest':
    case 'earliest': {
      const time = rel.ref('_time');
      if (time.kind === 'null') throw new VigilError('spl.missing_time', `${agg.fn}() needs _time, which is gone at this point`, { span: agg.span });
      return { sql: `${agg.fn === 'latest' ? 'arg_max' : 'arg_min'}(${s}, ${asNum(time)}) FILTER (WHERE ${present})`, kind: 'str' };
    }
    default:
      throw new VigilError('spl.unknown_function', `unknown aggregation ${agg.fn}`, { span: agg.span });
  }
}
