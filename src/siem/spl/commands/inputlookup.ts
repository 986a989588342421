import { VigilError } from '../../../core/index.js';
import { LOOKUP_ROW_COLUMN } from '../../lookups/catalog.js';
import type { SearchExpr, Span } from '../ast.js';
import { spanOf, type Token } from '../lexer.js';
import { parseSearchExpr } from '../parser.js';
import { asStr, quoteIdent, type Kind } from '../relation.js';
import { searchToSql } from '../search-sql.js';
import { command } from './command.js';
import { resolveLookup } from './lookup-table.js';
import { isTrue } from './option-values.js';

interface InputLookupArgs {
  readonly append: boolean;
  readonly start: number;
  readonly max: number | undefined;
  readonly table: string;
  readonly span: Span;
  readonly where: SearchExpr | undefined;
}

function count(token: Token | undefined, key: string, fallback: number | undefined): number | undefined {
  if (token === undefined) return fallback;
  if (!/^\d+$/.test(token.value)) throw new VigilError('spl.invalid_argument', `${key} must be a whole number >= 0`, { span: spanOf(token) });
  return Number(token.value);
}

/**
 * `| inputlookup [append=f] [start=0] [max=N] <name> [WHERE <search-expr>]` (spec C.4): the rows of
 * a lookup in file order, as a generating command (leading pipe). WHERE uses the search language
 * (case-insensitive values, wildcards); `start` and `max` apply to the rows WHERE keeps. Later in a
 * pipeline it needs `append=t` and adds the rows after the current results.
 */
export const inputlookup = command<InputLookupArgs>({
  name: 'inputlookup',
  summary: 'lookup rows: | inputlookup users [WHERE dept=it]',
  mode: 'search',
  parse(reader) {
    const before = reader.options(['append', 'start', 'max']);
    const table = reader.name('a lookup name');
    const options = { ...before, ...reader.options(['append', 'start', 'max']) };
    let where: SearchExpr | undefined;
    if (reader.isWord('WHERE')) {
      reader.next();
      where = parseSearchExpr(reader);
    }
    reader.rejectRest();
    const append = options['append'] !== undefined && isTrue(options['append'].value);
    return { append, start: count(options['start'], 'start', 0) as number, max: count(options['max'], 'max', undefined), table: table.value, span: spanOf(table), where };
  },
  plan(args, rel, ctx) {
    const table = resolveLookup(ctx, args.table, args.span);
    const first = rel.current === '';
    if (!first && !args.append) {
      throw new VigilError('spl.invalid_position', 'inputlookup is a generating command: it must start the search', { span: args.span, hint: `write | inputlookup ${args.table} ..., or add append=t to add its rows to these results` });
    }
    const order = `"__lkrow"`;
    const columns = new Map<string, Kind>([...table.columns.map((c) => [c, 'str'] as const), ['__lkrow', 'num']]);
    // The lookup rows, filtered by WHERE, paged by start/max: planned on a relation of their own.
    let where = 'true';
    if (args.where !== undefined) {
      const saved = { columns: rel.columns, eventMode: rel.eventMode };
      rel.columns = columns;
      rel.eventMode = false;
      where = searchToSql(args.where, rel, { earliest: undefined, latest: undefined });
      rel.columns = saved.columns;
      rel.eventMode = saved.eventMode;
    }
    const page = `${args.max === undefined ? '' : ` LIMIT ${args.max}`}${args.start > 0 ? ` OFFSET ${args.start}` : ''}`;
    const rows = `SELECT * FROM (SELECT ${[`l."${LOOKUP_ROW_COLUMN}" AS "__lkrow"`, ...table.columns.map((c) => `l.${quoteIdent(c)}`)].join(', ')} FROM ${table.sql} l) WHERE ${where} ORDER BY ${order}${page}`;
    if (first) {
      rel.start(rows, table.sql);
      rel.columns = columns;
      rel.eventMode = false;
      rel.order = [order];
      rel.orderColumns = new Set(['__lkrow']);
      return;
    }
    // append=t: the current results first (in their order), then the lookup rows in file order.
    const replace: string[] = [];
    const lookupSide: string[] = [];
    for (const c of table.columns) {
      const kind = rel.columns.get(c);
      if (kind === 'num' || kind === 'bool') {
        replace.push(`${asStr({ sql: quoteIdent(c), kind })} AS ${quoteIdent(c)}`);
        rel.columns.set(c, 'str');
      }
      lookupSide.push(kind === 'mv' ? `CASE WHEN ${quoteIdent(c)} IS NULL THEN NULL ELSE [${quoteIdent(c)}] END AS ${quoteIdent(c)}` : quoteIdent(c));
    }
    rel.push((src) => `SELECT *${replace.length > 0 ? ` REPLACE (${replace.join(', ')})` : ''}, 0 AS "__part" FROM ${src} UNION ALL BY NAME SELECT ${[...lookupSide, '"__lkrow"', '1 AS "__part"'].join(', ')} FROM (${rows})`, table.columns);
    for (const c of table.columns) if (!rel.columns.has(c)) rel.columns.set(c, 'str');
    rel.columns.set('__part', 'num');
    rel.columns.set('__lkrow', 'num');
    rel.order = ['"__part"', ...rel.order, order];
    rel.orderColumns = new Set([...rel.orderColumns, '__part', '__lkrow']);
  },
});
