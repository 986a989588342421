import { VigilError } from '../../../core/index.js';
import type { Aggregation } from '../ast.js';
import { aggregateSql } from '../aggregations.js';
import { aggregationName, parseAggregations, parseFieldList } from '../parser.js';
import { naturalOrder, quoteIdent, type Kind } from '../relation.js';
import { command } from './command.js';
import { groupKeys } from './group-keys.js';
import { expandFieldPatterns } from '../field-discovery.js';

/** `stats <agg> [AS n], ... [BY f1, f2]`: one row per BY combination, ascending; null BY values drop the row. */
export const stats = command<{ aggs: Aggregation[]; by: string[] }>({
  name: 'stats',
  summary: 'aggregate: stats count, max(x) AS m BY f',
  mode: 'search',
  parse(reader) {
    const aggs = parseAggregations(reader, ['by']);
    if (aggs.length === 0) throw reader.error('spl.missing_argument', 'stats needs an aggregation', reader.endSpan(), 'e.g. stats count by host');
    let by: string[] = [];
    if (reader.isWord('by')) {
      reader.next();
      by = parseFieldList(reader).map((t) => t.value);
    }
    return { aggs, by };
  },
  plan({ aggs, by: patterns }, rel, ctx) {
    const by = expandFieldPatterns(rel, ctx, patterns);
    rel.materialize(aggs.map((a) => a.field));
    const keys = groupKeys(rel, by);
    const outputs = aggs.map((agg) => ({ name: aggregationName(agg), value: aggregateSql(agg, rel) }));
    const clash = outputs.find((o) => by.includes(o.name));
    if (clash !== undefined) throw new VigilError('spl.invalid_argument', `'${clash.name}' is both a BY field and an aggregation's name`, { span: aggs[outputs.indexOf(clash)]?.span, hint: `rename the aggregation: … AS ${clash.name}_total` });
    const select = [...by.map((name, i) => `${keys[i]} AS ${quoteIdent(name)}`), ...outputs.map((o) => `${o.value.sql} AS ${quoteIdent(o.name)}`)];
    const where = keys.length > 0 ? ` WHERE ${keys.map((k) => `${k} IS NOT NULL`).join(' AND ')}` : '';
    const group = keys.length > 0 ? ` GROUP BY ${keys.join(', ')}` : '';
    rel.push((src) => `SELECT ${select.join(', ')} FROM ${src}${where}${group}`);
    rel.columns = new Map<string, Kind>([...by.map((n) => [n, 'str'] as const), ...outputs.map((o) => [o.name, o.value.kind] as const)]);
    rel.order = by.flatMap((n) => naturalOrder(quoteIdent(n), 'str'));
    rel.orderColumns = new Set(by);
    rel.eventMode = false;
    rel.jsonInputs = [];
  },
});
