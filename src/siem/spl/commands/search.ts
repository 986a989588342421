import type { SearchExpr } from '../ast.js';
import { parseSearchExpr } from '../parser.js';
import { searchToSql } from '../search-sql.js';
import { command } from './command.js';

/** `search <expr>`: filters rows with the search language (the first command is an implicit search). */
export const search = command<SearchExpr>({
  name: 'search',
  summary: 'filter with terms, "phrases", field=value, AND/OR/NOT',
  mode: 'search',
  parse: (reader) => parseSearchExpr(reader),
  plan(expr, rel) {
    const time = { earliest: undefined, latest: undefined };
    const where = searchToSql(expr, rel, time);
    if (where !== 'true') rel.push((src) => `SELECT * FROM ${src} WHERE ${where}`);
  },
});
