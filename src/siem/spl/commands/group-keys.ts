import { asStr, quoteIdent, type Relation } from '../relation.js';

/**
 * Prepares BY fields for grouping: each becomes a string column `__k<i>`; a multivalue BY field
 * is unnested first, so an event counts in each of its values' groups (spec C.4 stats).
 */
export function groupKeys(rel: Relation, names: readonly string[], prefix = '__k'): string[] {
  const keys: string[] = [];
  names.forEach((name, i) => {
    const value = rel.ref(name);
    const key = `${prefix}${i}`;
    const expr = value.kind === 'mv' ? `unnest(${value.sql})` : asStr(value);
    rel.push((src) => `SELECT *, ${expr} AS ${quoteIdent(key)} FROM ${src}`);
    rel.columns.set(key, 'str');
    keys.push(quoteIdent(key));
  });
  return keys;
}
