import { spanOf } from '../lexer.js';
import { availableFields } from '../field-discovery.js';
import { asList, numberRows, quoteIdent, quoteString, rejectReserved } from '../relation.js';
import { command } from './command.js';

/**
 * `untable <x-field> <y-name-field> <y-data-field>`: the reverse of xyseries: each row becomes one
 * row per other non-empty field, holding the row's x value, that field's name and its value. Rows
 * keep their order; within a row, fields go in column order. Internal fields (`_…` but `_time`) are
 * left out.
 */
export const untable = command<{ x: string; name: string; value: string }>({
  name: 'untable',
  summary: 'series to rows: untable x y-name y-data',
  mode: 'search',
  parse(reader) {
    const names = [];
    while (!reader.atEnd()) {
      if (reader.skipComma()) continue;
      const token = reader.name('a field name');
      rejectReserved(token.value, spanOf(token));
      names.push(token.value);
    }
    if (names.length !== 3) throw reader.error('spl.missing_argument', 'untable takes three fields: an x field, a name field and a value field', reader.endSpan(), 'e.g. untable _time host count');
    return { x: names[0] as string, name: names[1] as string, value: names[2] as string };
  },
  plan({ x, name, value }, rel, ctx) {
    const fields = availableFields(rel, ctx).filter((f) => f !== x && (!f.startsWith('_') || f === '_time'));
    numberRows(rel);
    const xs = rel.ref(x);
    const entries = fields.map((f) => `{'n': ${quoteString(f)}, 'v': ${asList(rel.ref(f))}}`);
    const list = entries.length === 0 ? `CAST([] AS STRUCT(n VARCHAR, v VARCHAR[])[])` : `list_filter([${entries.join(', ')}], e -> e.v IS NOT NULL AND len(e.v) > 0)`;
    rel.push((src) => `SELECT ${xs.kind === 'mv' ? `(${xs.sql})[1]` : xs.sql} AS ${quoteIdent(x)}, "__ord", unnest(${list}) AS "__e" FROM ${src}`);
    rel.push((src) => `SELECT ${quoteIdent(x)}, "__e".n AS ${quoteIdent(name)}, "__e".v AS ${quoteIdent(value)}, row_number() OVER (ORDER BY "__ord") AS "__ord" FROM ${src}`);
    rel.columns = new Map([[x, xs.kind === 'num' ? 'num' : 'str'], [name, 'str'], [value, 'mv'], ['__ord', 'num']]);
    rel.eventMode = false;
    rel.jsonInputs = [];
    rel.order = ['"__ord"'];
    rel.orderColumns = new Set(['__ord']);
  },
});
