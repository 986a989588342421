import { VigilError } from '../../../core/index.js';
import type { ArgReader } from '../parser.js';
import { spanOf, type Token } from '../lexer.js';
import { naturalOrder, quoteIdent, quoteString, rejectReserved, type Kind, type Relation } from '../relation.js';
import { command, type SplCommand } from './command.js';
import { groupKeys } from './group-keys.js';
import { booleanOption, integerOption } from './option-values.js';

interface TopArgs {
  readonly fields: readonly string[];
  readonly by: readonly string[];
  readonly limit: number;
  readonly countField: string;
  readonly percentField: string;
  readonly showCount: boolean;
  readonly showPerc: boolean;
  readonly useOther: boolean;
  readonly otherStr: string;
}

const OPTIONS = ['limit', 'countfield', 'percentfield', 'showcount', 'showperc', 'useother', 'otherstr'];

function parseTop(reader: ArgReader): TopArgs {
  const options: Record<string, Token> = {};
  let limitToken: Token | undefined;
  if (reader.isType('word') && /^\d+$/.test(reader.peek()?.value ?? '')) limitToken = reader.next();
  const fields: string[] = [];
  const by: string[] = [];
  let inBy = false;
  while (!reader.atEnd()) {
    if (reader.optionsInto(OPTIONS, options) || reader.skipComma()) continue;
    if (reader.isWord('by') && !inBy) {
      const at = reader.next();
      inBy = true;
      if (reader.atEnd() || reader.isType('op')) throw reader.error('spl.missing_argument', 'by needs a field', spanOf(at));
      continue;
    }
    const token = reader.name('a field name');
    if (token.type === 'word' && reader.isType('op', 0, '=')) throw reader.error('spl.invalid_argument', `unknown ${reader.commandName} option '${token.value}'`, spanOf(token), `options: ${OPTIONS.join(', ')}`);
    rejectReserved(token.value, spanOf(token));
    (inBy ? by : fields).push(token.value);
  }
  if (fields.length === 0) throw reader.error('spl.missing_argument', `${reader.commandName} needs at least one field`, reader.endSpan(), `e.g. ${reader.commandName} limit=5 user`);
  const limit = options['limit'] ?? limitToken;
  return {
    fields,
    by,
    limit: limit === undefined ? 10 : integerOption(reader, 'limit', limit),
    countField: options['countfield']?.value ?? 'count',
    percentField: options['percentfield']?.value ?? 'percent',
    showCount: booleanOption(reader, 'showcount', options['showcount'], true),
    showPerc: booleanOption(reader, 'showperc', options['showperc'], true),
    useOther: booleanOption(reader, 'useother', options['useother'], false),
    otherStr: options['otherstr']?.value ?? 'other',
  };
}

/**
 * Counts value combinations of `fields` (per BY group), ranks them by count (descending for top,
 * ascending for rare; ties by the values, naturally ordered) and keeps `limit` per group (0: all).
 * A multivalue field counts the row once per value. `percent` is the share of the group's rows,
 * with 6 decimals; rows missing a BY field are dropped; useother=t adds one row for the rest.
 */
function planTop(args: TopArgs, rel: Relation, rare: boolean): void {
  const { fields, by, limit } = args;
  const names = [...by, ...fields];
  const clash = names.find((n) => (args.showCount && n === args.countField) || (args.showPerc && n === args.percentField));
  if (clash !== undefined) throw new VigilError('spl.invalid_argument', `'${clash}' is both a field and an output column`, { hint: 'rename the output with countfield= or percentfield=' });
  rel.materialize(names);
  const byKeys = groupKeys(rel, by, '__tb');
  rel.push((src) => `SELECT *, count(*) OVER (${byKeys.length > 0 ? `PARTITION BY ${byKeys.join(', ')}` : ''}) AS "__tt" FROM ${src}${byKeys.length > 0 ? ` WHERE ${byKeys.map((k) => `${k} IS NOT NULL`).join(' AND ')}` : ''}`);
  const fieldKeys = groupKeys(rel, fields, '__tf');
  const keys = [...byKeys, ...fieldKeys];
  rel.push((src) => `SELECT ${keys.join(', ')}, count(*) AS "__tc", any_value("__tt") AS "__tt" FROM ${src} WHERE ${fieldKeys.map((k) => `${k} IS NOT NULL`).join(' AND ')} GROUP BY ${keys.join(', ')}`);
  const rank = [`"__tc"${rare ? '' : ' DESC'}`, ...fieldKeys.flatMap((k) => naturalOrder(k, 'str'))];
  rel.push((src) => `SELECT *, row_number() OVER (${byKeys.length > 0 ? `PARTITION BY ${byKeys.join(', ')} ` : ''}ORDER BY ${rank.join(', ')}) AS "__tr" FROM ${src}`);
  if (limit > 0) {
    const kept = (src: string): string => `SELECT * FROM ${src} WHERE "__tr" <= ${limit}`;
    if (args.useOther) {
      const other = fieldKeys.map((k) => `${quoteString(args.otherStr)} AS ${k}`);
      const rest = (src: string): string => `SELECT ${[...byKeys, ...other].join(', ')}, sum("__tc") AS "__tc", any_value("__tt") AS "__tt", ${limit + 1} AS "__tr" FROM ${src} WHERE "__tr" > ${limit}${byKeys.length > 0 ? ` GROUP BY ${byKeys.join(', ')}` : ''} HAVING count(*) > 0`;
      rel.push((src) => `${kept(src)} UNION ALL BY NAME ${rest(src)}`);
    } else rel.push(kept);
  }
  const select = [...by.map((n, i) => `${byKeys[i]} AS ${quoteIdent(n)}`), ...fields.map((n, i) => `${fieldKeys[i]} AS ${quoteIdent(n)}`)];
  const columns = new Map<string, Kind>(names.map((n) => [n, 'str']));
  if (args.showCount) {
    select.push(`CAST("__tc" AS DOUBLE) AS ${quoteIdent(args.countField)}`);
    columns.set(args.countField, 'num');
  }
  if (args.showPerc) {
    select.push(`printf('%.6f', "__tc" * 100.0 / "__tt") AS ${quoteIdent(args.percentField)}`);
    columns.set(args.percentField, 'str');
  }
  select.push('"__tr"');
  columns.set('__tr', 'num');
  rel.push((src) => `SELECT ${select.join(', ')} FROM ${src}`);
  rel.columns = columns;
  rel.order = [...by.flatMap((n) => naturalOrder(quoteIdent(n), 'str')), '"__tr"'];
  rel.orderColumns = new Set([...by, '__tr']);
  rel.eventMode = false;
  rel.jsonInputs = [];
}

function topLike(name: 'top' | 'rare'): SplCommand<TopArgs> {
  return command<TopArgs>({
    name,
    summary: `${name === 'top' ? 'most' : 'least'} frequent values: ${name} [limit=10] f1 [f2] [by g] [countfield=] [percentfield=] [showcount=] [showperc=] [useother=] [otherstr=]`,
    mode: 'search',
    parse: parseTop,
    plan: (args, rel) => planTop(args, rel, name === 'rare'),
  });
}

/** `top [limit=10] f… [by g…] …`: the most frequent value combinations, by count descending. */
export const top = topLike('top');
/** `rare [limit=10] f… [by g…] …`: the least frequent value combinations, by count ascending. */
export const rare = topLike('rare');
