import { numberRows, type Relation } from '../relation.js';

/**
 * Before a command rewrites `changed` fields in place: when the current order is defined on one of
 * them, numbers the rows in that order first, so the order stays the one the user saw.
 */
export function keepOrderWhenChanging(rel: Relation, changed: ReadonlySet<string>): void {
  if (rel.order.length === 0 || ![...rel.orderColumns].some((c) => changed.has(c))) return;
  numberRows(rel);
}
