import type { Aggregation } from '../ast.js';
import { parseAggregations } from '../parser.js';
import { command } from './command.js';
import { CHART_OPTION_KEYS, chartOptions, planChart } from './chart-plan.js';

/** `timechart [span=] <agg> [by <field>]`: buckets of _time, ascending, empty buckets filled (cont=t). */
export const timechart = command<{ aggs: Aggregation[]; by: string | undefined; options: ReturnType<typeof chartOptions> }>({
  name: 'timechart',
  summary: 'time buckets: timechart [span=5m] <agg> [by f] [limit=10]',
  mode: 'search',
  parse(reader) {
    const before = reader.options(CHART_OPTION_KEYS);
    const aggs = parseAggregations(reader, ['by']);
    if (aggs.length === 0) throw reader.error('spl.missing_argument', 'timechart needs an aggregation', reader.endSpan(), 'e.g. timechart span=1h count by host');
    let by: string | undefined;
    if (reader.isWord('by')) {
      reader.next();
      by = reader.name('a field after by').value;
    }
    const after = reader.options(CHART_OPTION_KEYS);
    reader.rejectRest();
    return { aggs, by, options: chartOptions({ ...before, ...after }) };
  },
  plan({ aggs, by, options }, rel, ctx) {
    planChart(rel, ctx, { ...options, aggs, row: '_time', col: by, fill: options.cont });
  },
});
