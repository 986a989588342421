import { quoteIdent } from '../relation.js';
import { command } from './command.js';

/** `mvexpand f [limit=n]`: one row per value; rows without the field are dropped. */
export const mvexpand = command<{ field: string; limit: number | undefined }>({
  name: 'mvexpand',
  summary: 'one row per value of a multivalue field: mvexpand f [limit=n]',
  mode: 'search',
  parse(reader) {
    const before = reader.options(['limit']);
    const field = reader.name('a field name').value;
    const after = reader.options(['limit']);
    reader.rejectRest();
    const limit = after['limit'] ?? before['limit'];
    return { field, limit: limit === undefined ? undefined : Number(limit.value) };
  },
  plan({ field, limit }, rel) {
    const value = rel.ref(field);
    const name = quoteIdent(field);
    if (value.kind !== 'mv') {
      if (rel.columns.has(field) || value.kind === 'null') rel.push((src) => `SELECT * FROM ${src} WHERE ${value.sql} IS NOT NULL`);
      else {
        rel.push((src) => `SELECT *, ${value.sql} AS ${name} FROM ${src} WHERE ${value.sql} IS NOT NULL`, [field]);
        rel.columns.set(field, value.kind);
      }
      return;
    }
    const list = limit === undefined ? value.sql : `(${value.sql})[1:${limit}]`;
    if (rel.columns.has(field)) rel.push((src) => `SELECT * REPLACE (unnest(${list}) AS ${name}) FROM ${src}`, [field]);
    else rel.push((src) => `SELECT *, unnest(${list}) AS ${name} FROM ${src}`, [field]);
    rel.columns.set(field, 'str');
  },
});
