import { command } from './command.js';

/** `head [N]` / `head limit=N`: the first N rows in the current order (default 10). */
export const head = command<number>({
  name: 'head',
  summary: 'first N rows: head [N]',
  mode: 'search',
  parse(reader) {
    const options = reader.options(['limit']);
    let n = 10;
    if (options['limit'] !== undefined) n = Number(options['limit'].value);
    else if (!reader.atEnd()) {
      const token = reader.next();
      if (!/^\d+$/.test(token.value)) throw reader.error('spl.invalid_argument', 'head takes a number', { offset: token.offset, length: token.length });
      n = Number(token.value);
    }
    reader.rejectRest();
    return n;
  },
  plan(n, rel) {
    rel.push((src) => `SELECT * FROM ${src}${rel.order.length > 0 ? ` ORDER BY ${rel.order.join(', ')}` : ''} LIMIT ${n}`);
  },
});
