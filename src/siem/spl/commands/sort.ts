import { asNum, asStr, naturalOrder } from '../relation.js';
import { command } from './command.js';

interface SortKey {
  readonly field: string;
  readonly descending: boolean;
  readonly as: 'auto' | 'num' | 'str';
}

/** `sort [N] [+|-]f [, ...] [desc]`: auto mode puts numbers (numerically) before strings; default limit 10000. */
export const sort = command<{ limit: number; keys: SortKey[]; reverse: boolean }>({
  name: 'sort',
  summary: 'order rows: sort [N] -count, +name, num(x) [desc]',
  mode: 'search',
  parse(reader) {
    let limit = 10000;
    const options = reader.options(['limit']);
    if (options['limit'] !== undefined) limit = Number(options['limit'].value);
    else if (reader.isType('word') && /^\d+$/.test(reader.peek()?.value ?? '')) limit = Number(reader.next().value);
    const keys: SortKey[] = [];
    let reverse = false;
    while (!reader.atEnd()) {
      if (reader.isType('comma')) {
        reader.next();
        continue;
      }
      if (reader.isWord('desc') && reader.peek(1) === undefined) {
        reader.next();
        reverse = true;
        continue;
      }
      let token = reader.name('a field to sort by');
      let sign = '';
      if (token.value === '-' || token.value === '+') {
        sign = token.value;
        token = reader.name('a field to sort by');
      } else if (/^[+-]/.test(token.value)) {
        sign = token.value[0] as string;
      }
      let name = sign !== '' && token.value.startsWith(sign) ? token.value.slice(1) : token.value;
      let as: SortKey['as'] = 'auto';
      const mod = /^(num|str|auto|ip)$/i.exec(name);
      if (mod !== null && reader.isType('lparen')) {
        reader.next();
        name = reader.name('a field').value;
        reader.expect('rparen', "')'");
        as = mod[1]?.toLowerCase() === 'num' ? 'num' : mod[1]?.toLowerCase() === 'str' ? 'str' : 'auto';
      }
      keys.push({ field: name, descending: sign === '-', as });
    }
    if (keys.length === 0) throw reader.error('spl.missing_argument', 'sort needs a field', reader.endSpan(), 'e.g. sort -count');
    return { limit, keys, reverse };
  },
  plan({ limit, keys, reverse }, rel) {
    const items: string[] = [];
    const columns = new Set<string>();
    for (const key of keys) {
      const value = rel.ref(key.field);
      // A field no row has sorts nothing (and SQL refuses a constant sort key).
      if (value.kind === 'null') continue;
      const desc = key.descending !== reverse;
      columns.add(key.field);
      if (key.as === 'num') items.push(`${asNum(value)}${desc ? ' DESC' : ''} NULLS LAST`);
      else if (key.as === 'str') items.push(`${asStr(value)}${desc ? ' DESC' : ''} NULLS LAST`);
      else items.push(...naturalOrder(value.sql, value.kind, desc));
    }
    if (items.length === 0) {
      if (limit > 0) rel.push((src) => `SELECT * FROM ${src}${rel.order.length > 0 ? ` ORDER BY ${rel.order.join(', ')}` : ''} LIMIT ${limit}`);
      return;
    }
    rel.push((src) => `SELECT * FROM ${src} ORDER BY ${items.join(', ')}${limit > 0 ? ` LIMIT ${limit}` : ''}`);
    rel.order = items;
    rel.orderColumns = new Set([...columns].filter((c) => rel.columns.has(c)).concat(rel.eventMode ? ['_raw'] : []));
  },
});
