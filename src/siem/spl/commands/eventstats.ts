import type { Aggregation } from '../ast.js';
import { addWindowAggregates, orderSensitive, partitionKeys } from '../aggregate-window.js';
import { parseAggregations, parseFieldList } from '../parser.js';
import { command } from './command.js';

/**
 * `eventstats <agg> [AS n], ... [BY f1, f2]`: the stats aggregates, added to every row of its group
 * (window aggregates over the whole partition). Rows, their order and their fields are kept; rows
 * missing a BY field get no aggregate.
 */
export const eventstats = command<{ aggs: Aggregation[]; by: string[] }>({
  name: 'eventstats',
  summary: 'add group aggregates to every row: eventstats avg(x) AS mean BY f',
  mode: 'search',
  parse(reader) {
    const aggs = parseAggregations(reader, ['by']);
    if (aggs.length === 0) throw reader.error('spl.missing_argument', 'eventstats needs an aggregation', reader.endSpan(), 'e.g. eventstats count by host');
    let by: string[] = [];
    if (reader.isWord('by')) {
      reader.next();
      by = parseFieldList(reader).map((t) => t.value);
      if (by.length === 0) throw reader.error('spl.missing_argument', 'eventstats BY needs a field', reader.endSpan(), 'e.g. eventstats count by host');
    }
    return { aggs, by };
  },
  plan({ aggs, by }, rel) {
    rel.materialize([...aggs.map((a) => a.field), ...by]);
    const { keys, present } = partitionKeys(rel, by);
    const parts: string[] = [];
    if (keys.length > 0) parts.push(`PARTITION BY ${keys.join(', ')}`);
    // first/last/list/mode follow the current row order: a whole-partition frame in that order.
    if (orderSensitive(aggs) && rel.order.length > 0) parts.push(`ORDER BY ${rel.order.join(', ')} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING`);
    addWindowAggregates(rel, aggs, ` OVER (${parts.join(' ')})`, present);
  },
});
