import { expandFieldPatterns } from '../field-discovery.js';
import { INTERNAL_PREFIX, keepOrder, quoteIdent } from '../relation.js';
import { parseFieldList } from '../parser.js';
import { command } from './command.js';

/** `fields [+|-] f1, f2*`: keep (default; `_time` and `_raw` stay) or remove fields. */
export const fields = command<{ remove: boolean; names: string[] }>({
  name: 'fields',
  summary: 'keep or remove fields: fields [+|-] a, b*',
  mode: 'search',
  parse(reader) {
    let remove = false;
    if (reader.isWord('-') || reader.isWord('+')) remove = reader.next().value === '-';
    const names = parseFieldList(reader).map((t) => t.value);
    if (names.length === 0) throw reader.error('spl.missing_argument', 'fields needs at least one field name', reader.endSpan());
    return { remove, names };
  },
  plan({ remove, names: patterns }, rel, ctx) {
    const names = expandFieldPatterns(rel, ctx, patterns);
    if (remove) {
      const gone = [...rel.columns.keys()].filter((c) => !c.startsWith(INTERNAL_PREFIX) && names.includes(c));
      for (const n of names) rel.dropped.add(n);
      if (gone.length === 0) return;
      // Fields already referenced were extracted from _raw; they outlive its removal (as in Splunk).
      if (gone.includes('_raw') && rel.eventMode) {
        for (const name of [...rel.referenced]) {
          if (rel.columns.has(name) || rel.dropped.has(name)) continue;
          const value = rel.ref(name);
          rel.push((src) => `SELECT *, ${value.sql} AS ${quoteIdent(name)} FROM ${src}`);
          rel.columns.set(name, value.kind === 'null' ? 'str' : value.kind);
        }
      }
      keepOrder(rel, new Set([...rel.columns.keys()].filter((c) => !gone.includes(c))));
      rel.push((src) => `SELECT * EXCLUDE (${gone.map(quoteIdent).join(', ')}) FROM ${src}`);
      for (const c of gone) rel.columns.delete(c);
      return;
    }
    const keep: Array<[string, string, import('../relation.js').Kind]> = [];
    const add = (name: string): void => {
      if (keep.some(([n]) => n === name)) return;
      const value = rel.ref(name);
      keep.push([name, value.sql, value.kind === 'null' ? 'str' : value.kind]);
    };
    for (const n of names) add(n);
    for (const always of ['_time', '_raw']) if (rel.columns.has(always)) add(always);
    const internals = [...rel.columns.keys()].filter((c) => c.startsWith(INTERNAL_PREFIX));
    keepOrder(rel, new Set([...keep.map(([n]) => n), ...internals]));
    const internalsNow = [...rel.columns.keys()].filter((c) => c.startsWith(INTERNAL_PREFIX));
    const items = [...keep.map(([n, sql]) => `${sql} AS ${quoteIdent(n)}`), ...internalsNow.map(quoteIdent)];
    rel.push((src) => `SELECT ${items.length === 0 ? 'NULL AS "__none"' : items.join(', ')} FROM ${src}`);
    const kinds = new Map(rel.columns);
    rel.columns = new Map([...keep.map(([n, , k]) => [n, k] as const), ...internalsNow.map((c) => [c, kinds.get(c) ?? 'str'] as const)]);
    rel.eventMode = false;
  },
});
