import type { Aggregation } from './ast.js';
import { aggregateSql } from './aggregations.js';
import { aggregationName } from './parser.js';
import { asStr, setColumns, type Kind, type Relation } from './relation.js';

/** Aggregations whose result depends on the row order inside the group. */
const ORDER_SENSITIVE = new Set(['first', 'last', 'list', 'mode']);

export function orderSensitive(aggs: readonly Aggregation[]): boolean {
  return aggs.some((a) => ORDER_SENSITIVE.has(a.fn));
}

/**
 * BY fields of eventstats/streamstats as partition keys. A multivalue BY value partitions by the
 * whole list (rows with the same set of values in the same order form a group).
 */
export function partitionKeys(rel: Relation, by: readonly string[]): { keys: string[]; present: string | undefined } {
  const keys = by.map((name) => {
    const value = rel.ref(name);
    return value.kind === 'mv' ? `nullif(${value.sql}, [])` : value.kind === 'num' ? value.sql : asStr(value);
  });
  return { keys, present: keys.length === 0 ? undefined : keys.map((k) => `${k} IS NOT NULL`).join(' AND ') };
}

/**
 * Adds one column per aggregation, computed as a window aggregate over `over`, to every row; rows
 * whose BY values are missing (`present` false) get no value. Existing fields of the same name are
 * replaced. Rows, their order and their other fields stay as they are.
 */
export function addWindowAggregates(rel: Relation, aggs: readonly Aggregation[], over: string, present: string | undefined): void {
  // A later aggregation with the same output name wins.
  const outputs = new Map<string, { name: string; sql: string; kind: Kind }>();
  for (const agg of aggs) {
    const value = aggregateSql(agg, rel, { over });
    const name = aggregationName(agg);
    const sql = present === undefined ? value.sql : `CASE WHEN ${present} THEN ${value.sql} END`;
    outputs.set(name, { name, sql, kind: value.kind === 'null' ? 'str' : value.kind });
  }
  setColumns(rel, [...outputs.values()]);
}
