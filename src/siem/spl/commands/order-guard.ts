import type { Relation } from '../relation.js';

/**
 * Before a command rewrites `changed` fields in place: when the current order is defined on one of
 * them, numbers the rows in that order first (`__ord`, replaced if an earlier step made one), so the
 * order stays the one the user saw.
 */
export function keepOrderWhenChanging(rel: Relation, changed: ReadonlySet<string>): void {
  if (rel.order.length === 0 || ![...rel.orderColumns].some((c) => changed.has(c))) return;
  const ord = `row_number() OVER (ORDER BY ${rel.order.join(', ')})`;
  rel.push(rel.columns.has('__ord') ? `SELECT * REPLACE (${ord} AS "__ord") FROM {src}` : `SELECT *, ${ord} AS "__ord" FROM {src}`);
  rel.columns.set('__ord', 'num');
  rel.order = ['"__ord"'];
  rel.orderColumns = new Set(['__ord']);
}
