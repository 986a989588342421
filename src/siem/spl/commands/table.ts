import { expandFieldPatterns } from '../field-discovery.js';
import { INTERNAL_PREFIX, keepOrder, quoteIdent, type Kind } from '../relation.js';
import { parseFieldList } from '../parser.js';
import { command } from './command.js';

/** `table f1, f2*`: exactly these columns, in this order; a field that never appears still gets a column. */
export const table = command<string[]>({
  name: 'table',
  summary: 'a table of the listed fields, in order: table a, b*',
  mode: 'search',
  parse(reader) {
    const names = parseFieldList(reader).map((t) => t.value);
    if (names.length === 0) throw reader.error('spl.missing_argument', 'table needs at least one field name', reader.endSpan());
    return names;
  },
  plan(patterns, rel, ctx) {
    const names = expandFieldPatterns(rel, ctx, patterns);
    const keep: Array<[string, string, Kind]> = [];
    const add = (name: string): void => {
      if (keep.some(([n]) => n === name)) return;
      const value = rel.ref(name);
      keep.push([name, value.kind === 'null' ? 'CAST(NULL AS VARCHAR)' : value.sql, value.kind === 'null' ? 'str' : value.kind]);
    };
    for (const n of names) add(n);
    keepOrder(rel, new Set(keep.map(([n]) => n)));
    const ord = rel.columns.has('__ord') ? ', "__ord"' : '';
    // No field matched: rows without fields (an empty table).
    const items = keep.length === 0 ? 'NULL AS "__none"' : keep.map(([n, sql]) => `${sql} AS ${quoteIdent(n)}`).join(', ');
    rel.push((src) => `SELECT ${items}${ord} FROM ${src}`);
    rel.columns = new Map(keep.map(([n, , k]) => [n, k] as const));
    if (ord !== '') rel.columns.set('__ord', 'num');
    for (const c of [...rel.columns.keys()]) if (c.startsWith(INTERNAL_PREFIX) && c !== '__ord') rel.columns.delete(c);
    rel.eventMode = false;
  },
});
