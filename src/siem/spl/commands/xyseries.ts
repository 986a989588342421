import { VigilError } from '../../../core/index.js';
import { spanOf } from '../lexer.js';
import { rowsFact } from '../facts.js';
import { expandFieldPatterns } from '../field-discovery.js';
import { asStr, numberRows, quoteIdent, quoteString, rejectReserved, type Kind } from '../relation.js';
import { command } from './command.js';
import { booleanOption } from './option-values.js';

/** Columns one xyseries may make (a y-name field with more distinct values is an error). */
const MAX_SERIES = 10_000;

/**
 * `xyseries [grouped=f] [sep=": "] <x-field> <y-name-field> <y-data-field>…`: a chart-like table from
 * rows: one row per x value (in order of first appearance), one column per y-name value (in order
 * of first appearance) holding the y-data value; with several data fields the columns are named
 * `<data>: <y-name>`. Rows missing x or y-name are skipped; a later row for the same cell wins.
 */
export const xyseries = command<{ x: string; y: string; data: string[]; sep: string }>({
  name: 'xyseries',
  summary: 'pivot rows into series: xyseries x y-name y-data',
  mode: 'search',
  parse(reader) {
    const keys = ['grouped', 'sep', 'format'];
    const options = reader.options(keys);
    const names: string[] = [];
    while (!reader.atEnd()) {
      if (reader.optionsInto(keys, options) || reader.skipComma()) continue;
      const token = reader.name('a field name');
      rejectReserved(token.value, spanOf(token));
      names.push(token.value);
    }
    booleanOption(reader, 'grouped', options['grouped'], false);
    if (names.length < 3) throw reader.error('spl.missing_argument', 'xyseries needs an x field, a y-name field and a y-data field', reader.endSpan(), 'e.g. xyseries _time host count');
    const [x, y, ...data] = names as [string, string, ...string[]];
    return { x, y, data, sep: options['sep']?.value ?? ': ' };
  },
  plan({ x, y, data: patterns, sep }, rel, ctx) {
    const data = expandFieldPatterns(rel, ctx, patterns);
    rel.materialize([x, y, ...data]);
    numberRows(rel);
    const xs = rel.ref(x);
    const ys = rel.ref(y);
    const ySql = asStr(ys);
    const series = rowsFact(ctx.facts, `xyseries:${rel.current}:${y}`, rel.render((cur) => `SELECT ${ySql} AS v FROM ${cur} WHERE ${ySql} IS NOT NULL GROUP BY 1 ORDER BY min("__ord") LIMIT ${MAX_SERIES + 1}`)).map((r) => String(r['v']));
    if (series.length > MAX_SERIES) throw new VigilError('spl.invalid_argument', `${y} has more than ${MAX_SERIES} distinct values: xyseries makes at most ${MAX_SERIES} columns`, { hint: 'reduce the y-name values first (stats … by, top, where)' });
    const columns: Array<[string, Kind]> = [[x, xs.kind === 'num' ? 'num' : 'str']];
    const items = [`${xs.kind === 'mv' ? `(${xs.sql})[1]` : xs.sql} AS ${quoteIdent(x)}`];
    for (const d of data) {
      const value = rel.ref(d);
      for (const v of series) {
        const name = data.length === 1 ? v : `${d}${sep}${v}`;
        if (columns.some(([n]) => n === name)) continue;
        items.push(`arg_max(${value.sql}, "__ord") FILTER (WHERE ${ySql} = ${quoteString(v)} AND ${value.kind === 'mv' ? `len(${value.sql}) > 0` : `${value.sql} IS NOT NULL`}) AS ${quoteIdent(name)}`);
        columns.push([name, value.kind === 'null' ? 'str' : value.kind]);
      }
    }
    const xKey = xs.kind === 'mv' ? `(${xs.sql})[1]` : xs.sql;
    rel.push((src) => `SELECT ${items.join(', ')}, min("__ord") AS "__ord" FROM ${src} WHERE ${xKey} IS NOT NULL AND ${ySql} IS NOT NULL GROUP BY ${xKey}`);
    rel.columns = new Map([...columns, ['__ord', 'num']]);
    rel.eventMode = false;
    rel.jsonInputs = [];
    rel.order = ['"__ord"'];
    rel.orderColumns = new Set(['__ord']);
  },
});
