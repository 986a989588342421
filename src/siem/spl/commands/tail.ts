import { setColumns } from '../relation.js';
import { command } from './command.js';
import { integerOption } from './option-values.js';

/** `tail [N]`: the last N rows of the current order (default 10), returned last first. */
export const tail = command<number>({
  name: 'tail',
  summary: 'last N rows, last first: tail [N]',
  mode: 'search',
  parse(reader) {
    const options = reader.options(['limit']);
    let n = 10;
    if (options['limit'] !== undefined) n = integerOption(reader, 'tail limit', options['limit']);
    else if (!reader.atEnd()) n = integerOption(reader, 'tail N', reader.next());
    reader.rejectRest();
    return n;
  },
  plan(n, rel) {
    // Number the rows in the current order, then read that numbering backwards.
    setColumns(rel, [{ name: '__tail', sql: `row_number() OVER (${rel.order.length > 0 ? `ORDER BY ${rel.order.join(', ')}` : ''})`, kind: 'num' }]);
    rel.push((src) => `SELECT * FROM ${src} ORDER BY "__tail" DESC LIMIT ${n}`);
    rel.order = ['"__tail" DESC'];
    rel.orderColumns = new Set(['__tail']);
  },
});
