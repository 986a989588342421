import { VigilError } from '../../../core/index.js';
import type { EvalExpr, SearchExpr, Span } from '../ast.js';
import { asBool, evalToSql } from '../eval-sql.js';
import { fact, type FactRow } from '../facts.js';
import { availableFields } from '../field-discovery.js';
import { spanOf, type Token } from '../lexer.js';
import { ArgReader, parseEvalExpr, parseSearchExpr } from '../parser.js';
import { asList, asNum, asStr, quoteIdent, rejectReserved, type Kind, type PlanContext, type Relation } from '../relation.js';
import { searchToSql } from '../search-sql.js';
import { parseSpan } from '../time-modifiers.js';
import { command } from './command.js';
import { booleanOption, integerOption } from './option-values.js';

type Filter = { readonly kind: 'search'; readonly expr: SearchExpr } | { readonly kind: 'eval'; readonly expr: EvalExpr };

interface TransactionArgs {
  readonly fields: string[];
  readonly maxspan: number;
  readonly maxpause: number;
  readonly maxevents: number;
  readonly startswith: Filter | undefined;
  readonly endswith: Filter | undefined;
  readonly keepOrphans: boolean;
  readonly keepEvicted: boolean;
  readonly mvlist: boolean;
  readonly delim: string;
  readonly span: Span;
}

/** Events one transaction search may group (they are read into memory to be split). */
export const TRANSACTION_MAX_EVENTS = 1_000_000;

/** `30s`, `5m`, `1h`, `2d`, a number of seconds, or -1 (no limit). */
function seconds(reader: ArgReader, token: Token): number {
  if (/^-1$/.test(token.value)) return -1;
  if (/^\d+(\.\d+)?$/.test(token.value)) return Number(token.value);
  try {
    const span = parseSpan(token.value);
    if (!['s', 'm', 'h', 'd'].includes(span.unit)) throw new Error('unit');
    return span.seconds;
  } catch {
    throw reader.error('spl.invalid_span', `'${token.value}' is not a duration`, spanOf(token), 'use seconds, or a number with s, m, h or d (maxspan=30m), or -1 for no limit');
  }
}

/** startswith=/endswith=: a quoted search ("login"), a parenthesized search (user=bob), or eval(<expression>). */
function readFilter(reader: ArgReader, key: string): Filter {
  const token = reader.next();
  if (token.type === 'string') {
    const text = token.value;
    try {
      return { kind: 'search', expr: parseSearchExpr(new ArgReader(text, 0, text.length, 'search', 'transaction')) };
    } catch (error) {
      if (error instanceof VigilError) throw new VigilError(error.code, `in ${key}: ${error.message}`, { span: spanOf(token), ...(error.hint === undefined ? {} : { hint: error.hint }) });
      throw error;
    }
  }
  const isEval = token.type === 'word' && token.value.toLowerCase() === 'eval' && reader.isType('lparen');
  const open = isEval ? reader.next() : token;
  if (open.type !== 'lparen') throw reader.error('spl.invalid_argument', `${key}= takes "<search>", (<search>) or eval(<expression>)`, spanOf(token), `e.g. ${key}="login" or ${key}=eval(status="start")`);
  let depth = 1;
  let close: Token | undefined;
  while (depth > 0) {
    const next = reader.next();
    if (next.type === 'lparen') depth++;
    else if (next.type === 'rparen') depth--;
    if (depth === 0) close = next;
  }
  const from = open.offset + 1;
  const to = (close as Token).offset;
  const inner = new ArgReader(reader.text, from, to, isEval ? 'eval' : 'search', 'transaction');
  if (isEval) {
    const expr = parseEvalExpr(inner);
    inner.rejectRest();
    return { kind: 'eval', expr };
  }
  return { kind: 'search', expr: parseSearchExpr(inner) };
}

function filterSql(filter: Filter | undefined, rel: Relation, ctx: PlanContext): string {
  if (filter === undefined) return 'false';
  if (filter.kind === 'eval') return `coalesce(${asBool(evalToSql(filter.expr, { rel, ctx }), filter.expr)}, false)`;
  return `coalesce(${searchToSql(filter.expr, rel, { earliest: undefined, latest: undefined })}, false)`;
}

interface Open {
  id: number;
  first: number;
  last: number;
  count: number;
}

/**
 * Splits events (oldest first) into transactions: per value of the grouping fields, an event
 * starts a new transaction when it matches startswith, when it comes more than maxpause after the
 * previous one or more than maxspan after the first, or when the open one holds maxevents; one
 * that matches endswith closes its transaction. With startswith, events before any start are
 * orphans; with endswith, transactions never closed are evicted. Returns (row id, transaction, closed).
 */
export function groupTransactions(rows: readonly FactRow[], args: TransactionArgs, keyCount: number): Array<[number, number, number]> {
  const open = new Map<string, Open>();
  const closed = new Map<number, boolean>();
  const members: Array<[number, number]> = [];
  let next = 0;
  const finish = (key: string, state: Open, normally: boolean): void => {
    closed.set(state.id, normally);
    open.delete(key);
  };
  for (const row of rows) {
    const keys = Array.from({ length: keyCount }, (_v, i) => row[`k${i}`] ?? null);
    if (keyCount > 0 && keys.every((k) => k === null)) continue;
    const key = JSON.stringify(keys);
    const t = Number(row['t']);
    const starts = row['s'] === true;
    const ends = row['e'] === true;
    let state = open.get(key);
    if (state !== undefined) {
      const broken = (args.startswith !== undefined && starts) || (args.maxpause >= 0 && t - state.last > args.maxpause) || (args.maxspan >= 0 && t - state.first > args.maxspan) || state.count >= args.maxevents;
      if (broken) {
        finish(key, state, args.endswith === undefined);
        state = undefined;
      }
    }
    if (state === undefined) {
      if (args.startswith !== undefined && !starts) {
        // An orphan: kept as a transaction of its own with keeporphans=t.
        if (args.keepOrphans) {
          const id = next++;
          members.push([Number(row['rid']), id]);
          closed.set(id, false);
        }
        continue;
      }
      state = { id: next++, first: t, last: t, count: 0 };
      open.set(key, state);
    }
    state.count++;
    state.last = t;
    members.push([Number(row['rid']), state.id]);
    if (args.endswith !== undefined && ends) finish(key, state, true);
  }
  for (const [key, state] of [...open]) finish(key, state, args.endswith === undefined);
  return members.filter(([, id]) => (closed.get(id) ?? true) || args.keepEvicted || (args.startswith !== undefined && args.keepOrphans)).map(([rid, id]) => [rid, id, closed.get(id) === false ? 0 : 1]);
}

/**
 * `transaction [<field>…] [maxspan=-1] [maxpause=-1] [maxevents=1000] [startswith=…] [endswith=…]
 * [keeporphans=f] [keepevicted=f] [mvlist=f] [delim=" "]`: groups events into transactions. Each
 * transaction is one result: `_time` of its first event, `duration` (last minus first, seconds),
 * `eventcount`, `_raw` of its events (oldest first, one per line) and every other field with the
 * values of its events (unique and sorted, or every value in event order with mvlist=t).
 * Transactions come newest first. keepevicted=t keeps unfinished ones and adds `closed_txn` (0/1).
 */
export const transaction = command<TransactionArgs>({
  name: 'transaction',
  summary: 'group events into transactions: transaction f [maxspan=30m] [maxpause=5m] [startswith=…] [endswith=…]',
  mode: 'search',
  parse(reader) {
    const fields: string[] = [];
    const simple = ['maxspan', 'maxpause', 'maxevents', 'keeporphans', 'keepevicted', 'mvlist', 'delim', 'connected', 'unifyends', 'maxopentxn', 'maxopenevents', 'mvraw', 'nullstr', 'name'];
    const options: Record<string, Token> = {};
    let startswith: Filter | undefined;
    let endswith: Filter | undefined;
    const at = reader.peek();
    while (!reader.atEnd()) {
      if (reader.skipComma()) continue;
      if ((reader.isWord('startswith') || reader.isWord('endswith')) && reader.isType('op', 1, '=')) {
        const key = reader.next().value.toLowerCase();
        reader.next();
        if (key === 'startswith') startswith = readFilter(reader, key);
        else endswith = readFilter(reader, key);
        continue;
      }
      if (reader.optionsInto(simple, options)) continue;
      const token = reader.name('a field name');
      if (reader.isType('op', 0, '=')) throw reader.error('spl.invalid_argument', `unknown transaction option '${token.value}'`, spanOf(token), `options: ${[...simple, 'startswith', 'endswith'].join(', ')}`);
      rejectReserved(token.value, spanOf(token));
      fields.push(token.value);
    }
    if (options['name'] !== undefined) throw reader.error('spl.unsupported', 'transaction name= (transactiontypes.conf) is not supported', spanOf(options['name']), 'write the options in the search');
    return {
      fields,
      maxspan: options['maxspan'] === undefined ? -1 : seconds(reader, options['maxspan']),
      maxpause: options['maxpause'] === undefined ? -1 : seconds(reader, options['maxpause']),
      maxevents: options['maxevents'] === undefined ? 1000 : /^-1$/.test(options['maxevents'].value) ? Number.MAX_SAFE_INTEGER : integerOption(reader, 'maxevents', options['maxevents'], 1),
      startswith,
      endswith,
      keepOrphans: booleanOption(reader, 'keeporphans', options['keeporphans'], false),
      keepEvicted: booleanOption(reader, 'keepevicted', options['keepevicted'], false),
      mvlist: booleanOption(reader, 'mvlist', options['mvlist'], false),
      delim: options['delim']?.value ?? ' ',
      span: at === undefined ? reader.endSpan() : spanOf(at),
    };
  },
  plan(args, rel, ctx) {
    const fields = availableFields(rel, ctx).filter((f) => !f.startsWith('_') && !['duration', 'eventcount', 'closed_txn'].includes(f));
    const time = asNum(rel.ref('_time'));
    if (time === 'CAST(NULL AS DOUBLE)') throw new VigilError('spl.missing_time', 'transaction needs _time, which is gone at this point', { span: args.span, hint: 'run transaction before commands that drop _time' });
    const keys = args.fields.map((f) => asStr(rel.ref(f)));
    const starts = filterSql(args.startswith, rel, ctx);
    const ends = filterSql(args.endswith, rel, ctx);
    const source = rel.render((cur) => `SELECT *, row_number() OVER () AS "__rid" FROM ${cur}`);
    const split = fact(
      ctx.facts,
      `transaction:${rel.current}`,
      async (db) => {
        const events = await db.materialize(source);
        const rows = await db.query(`SELECT "__rid" AS rid, ${keys.map((k, i) => `${k} AS k${i}`).join(', ')}${keys.length > 0 ? ', ' : ''}${time} AS t, ${starts} AS s, ${ends} AS e FROM ${events} WHERE ${time} IS NOT NULL ORDER BY t, rid LIMIT ${TRANSACTION_MAX_EVENTS + 1}`);
        if (rows.length > TRANSACTION_MAX_EVENTS) throw new VigilError('spl.too_many_events', `transaction can group at most ${TRANSACTION_MAX_EVENTS} events; this search has more`, { span: args.span, hint: 'narrow the search (time range, index, filters) before transaction' });
        const assign = await db.table(
          [
            { name: '__rid', type: 'DOUBLE' },
            { name: '__txn', type: 'DOUBLE' },
            { name: '__closed', type: 'DOUBLE' },
          ],
          groupTransactions(rows, args, keys.length),
        );
        return { events, assign };
      },
      { events: `(SELECT * FROM ${rel.current} LIMIT 0)`, assign: '(SELECT 0.0 AS "__rid", 0.0 AS "__txn", 1.0 AS "__closed" LIMIT 0)' },
    );
    const kinds = new Map(rel.columns);
    const eventMode = rel.eventMode;
    const jsonInputs = [...rel.jsonInputs];
    rel.start(`SELECT e.*, a."__txn", a."__closed" FROM ${split.events} e JOIN ${split.assign} a ON e."__rid" = a."__rid"`, split.events);
    rel.columns = new Map([...kinds, ['__rid', 'num'], ['__txn', 'num'], ['__closed', 'num']]);
    rel.eventMode = eventMode;
    rel.jsonInputs = jsonInputs;
    const order = 'ORDER BY "__t", "__rid"';
    const values = fields.map((f) => {
      const value = rel.ref(f);
      const list = `flatten(list(coalesce(${asList(value)}, CAST([] AS VARCHAR[]))${args.mvlist ? ` ${order}` : ''}))`;
      return `nullif(${args.mvlist ? list : `list_sort(list_distinct(${list}))`}, []) AS ${quoteIdent(f)}`;
    });
    const raw = rel.columns.has('_raw') ? `string_agg("_raw", chr(10) ${order}) AS "_raw", ` : '';
    rel.push((src) => `SELECT *, ${time} AS "__t" FROM ${src}`);
    rel.push((src) => `SELECT min("__t") AS "_time", ${raw}max("__t") - min("__t") AS "duration", CAST(count(*) AS DOUBLE) AS "eventcount", ${values.length > 0 ? `${values.join(', ')}, ` : ''}CAST(min("__closed") AS DOUBLE) AS "closed_txn" FROM ${src} GROUP BY "__txn"`);
    const columns: Array<[string, Kind]> = [['_time', 'num'], ...(raw === '' ? [] : [['_raw', 'str'] as [string, Kind]]), ['duration', 'num'], ['eventcount', 'num'], ...fields.map((f) => [f, 'mv'] as [string, Kind])];
    if (args.keepEvicted) columns.push(['closed_txn', 'num']);
    rel.columns = new Map(columns);
    rel.eventMode = false;
    rel.jsonInputs = [];
    rel.dropped = new Set();
    rel.referenced = new Set();
    rel.rawDerived = new Set();
    rel.order = ['"_time" DESC'];
    rel.orderColumns = new Set(['_time']);
  },
});
