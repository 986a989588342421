import { spanOf } from '../lexer.js';
import { asNum, numberRows, rejectReserved, setColumns, type Relation } from '../relation.js';
import { command } from './command.js';

interface Trend {
  readonly kind: 'sma' | 'ema' | 'wma';
  readonly period: number;
  readonly field: string;
  readonly as: string;
}

/** Rows an exponential moving average looks back over: older weights fall below 1e-17 of the newest. */
function emaWindow(alpha: number): number {
  return Math.min(100_000, Math.ceil(Math.log(1e-17) / Math.log(1 - alpha)) + 1);
}

/**
 * `trendline sma<N>(f) [AS new] | wma<N>(f) | ema<N>(f) …` (N from 2 to 10000): moving averages along
 * the current row order. sma: the mean of the last N values; wma: weighted 1…N, the newest heaviest;
 * both empty until N values were seen. ema: alpha = 2/(N+1), starting from the first value. Rows
 * whose field is not a number do not count. The default name is the function as written, `sma5(f)`.
 */
export const trendline = command<Trend[]>({
  name: 'trendline',
  summary: 'moving averages: trendline sma5(x) [AS y] ema10(x) wma3(x)',
  mode: 'search',
  parse(reader) {
    const out: Trend[] = [];
    while (!reader.atEnd()) {
      if (reader.skipComma()) continue;
      const token = reader.expect('word', 'a trend such as sma5(field)');
      const match = /^(sma|ema|wma)(\d+)$/i.exec(token.value);
      if (match === null) throw reader.error('spl.unknown_function', `unknown trend '${token.value}'`, spanOf(token), 'use sma<N>(field), ema<N>(field) or wma<N>(field), e.g. sma5(bytes)');
      const period = Number(match[2]);
      if (period < 2 || period > 10_000) throw reader.error('spl.invalid_argument', `the period must be from 2 to 10000, not ${period}`, spanOf(token));
      reader.expect('lparen', "'('");
      const field = reader.name('a field name').value;
      reader.expect('rparen', "')'");
      let as = `${token.value}(${field})`;
      if (reader.isWord('as')) {
        reader.next();
        as = reader.name('a new field name').value;
      }
      rejectReserved(as, spanOf(token));
      out.push({ kind: match[1]?.toLowerCase() as Trend['kind'], period, field, as });
    }
    if (out.length === 0) throw reader.error('spl.missing_argument', 'trendline needs a trend such as sma5(field)', reader.endSpan());
    return out;
  },
  plan(trends, rel) {
    rel.materialize(trends.map((t) => t.field));
    numberRows(rel);
    const values = trends.map((t) => ({ name: t.as, sql: trendSql(rel, t), kind: 'num' as const }));
    setColumns(rel, values);
  },
});

function trendSql(rel: Relation, t: Trend): string {
  const x = asNum(rel.ref(t.field));
  const order = 'ORDER BY "__ord"';
  if (t.kind === 'sma' || t.kind === 'wma') {
    const frame = `OVER (${order} ROWS BETWEEN ${t.period - 1} PRECEDING AND CURRENT ROW)`;
    const list = `list_filter(list(${x}) ${frame}, v -> v IS NOT NULL)`;
    if (t.kind === 'sma') return `(CASE WHEN len(${list}) = ${t.period} THEN list_avg(${list}) END)`;
    const weighted = `list_sum(list_transform(range(1, ${t.period + 1}), i -> ${list}[i] * i))`;
    return `(CASE WHEN len(${list}) = ${t.period} THEN ${weighted} / ${(t.period * (t.period + 1)) / 2} END)`;
  }
  const alpha = 2 / (t.period + 1);
  const frame = `OVER (${order} ROWS BETWEEN ${emaWindow(alpha) - 1} PRECEDING AND CURRENT ROW)`;
  const list = `list_filter(list(${x}) ${frame}, v -> v IS NOT NULL)`;
  return `(CASE WHEN ${x} IS NOT NULL AND len(${list}) > 0 THEN list_reduce(${list}, (acc, v) -> ${alpha} * v + ${1 - alpha} * acc) END)`;
}

