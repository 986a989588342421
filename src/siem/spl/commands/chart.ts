import type { Aggregation } from '../ast.js';
import { parseAggregations } from '../parser.js';
import { command } from './command.js';
import { CHART_OPTION_KEYS, chartOptions, planChart } from './chart-plan.js';

interface ChartArgs {
  readonly aggs: Aggregation[];
  readonly row: string | undefined;
  readonly col: string | undefined;
  readonly options: ReturnType<typeof chartOptions>;
}

/**
 * `chart <agg> [over <row>] [by <col>]` or `chart <agg> by <row> <col>`: one row per row value, one
 * column per col value (top `limit` by total, the rest in OTHER, missing values in NULL). Vigil
 * buckets `over _time` like timechart (span= or the default span), so each row is a time bucket.
 */
export const chart = command<ChartArgs>({
  name: 'chart',
  summary: 'pivot: chart <agg> over <row> by <col> [limit=10 useother=t usenull=t span=]',
  mode: 'search',
  parse(reader) {
    const before = reader.options(CHART_OPTION_KEYS);
    const aggs = parseAggregations(reader, ['over', 'by']);
    if (aggs.length === 0) throw reader.error('spl.missing_argument', 'chart needs an aggregation', reader.endSpan(), 'e.g. chart count over host by status');
    let row: string | undefined;
    let col: string | undefined;
    if (reader.isWord('over')) {
      reader.next();
      row = reader.name('a field after over').value;
    }
    const middle = reader.options(CHART_OPTION_KEYS);
    if (reader.isWord('by')) {
      reader.next();
      const first = reader.name('a field after by').value;
      if (row === undefined) {
        row = first;
        if (reader.isType('word') && !reader.isType('op', 1, '=')) col = reader.name('a column field').value;
        else if (reader.isType('comma')) {
          reader.next();
          col = reader.name('a column field').value;
        }
      } else col = first;
    }
    const after = reader.options(CHART_OPTION_KEYS);
    reader.rejectRest();
    return { aggs, row, col, options: chartOptions({ ...before, ...middle, ...after }) };
  },
  plan({ aggs, row, col, options }, rel, ctx) {
    planChart(rel, ctx, { ...options, aggs, row, col, fill: false });
  },
});
