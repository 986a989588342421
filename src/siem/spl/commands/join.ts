import { VigilError } from '../../../core/index.js';
import type { Pipeline, Span } from '../ast.js';
import { spanOf } from '../lexer.js';
import { availableFields } from '../field-discovery.js';
import { asList, asStr, quoteIdent, rejectReserved, type Kind } from '../relation.js';
import { planSubsearch } from './combine.js';
import { command } from './command.js';
import { booleanOption, integerOption } from './option-values.js';

interface JoinArgs {
  readonly type: 'inner' | 'left';
  readonly overwrite: boolean;
  readonly max: number;
  readonly fields: string[];
  readonly pipeline: Pipeline;
  readonly span: Span;
}

/**
 * `join [type=inner|outer|left] [overwrite=t] [max=1] [usetime=f] [earlier=t] [<field>, …] [ <search> ]`:
 * each current result is joined with the search's results that have the same values of the join
 * fields (compared as text, case-sensitively; a result missing one matches nothing). max=1 takes the
 * search's first match (in its order), max=0 every match (one row each). type=inner drops results
 * without a match; outer and left keep them. The search's other fields are added; a field both have
 * takes the search's value when overwrite=t (the default) and it has one. Without join fields, the
 * fields both sides have are the join fields. Internal fields (`_time`, `_raw` …) of the search are
 * not brought over.
 */
export const join = command<JoinArgs>({
  name: 'join',
  summary: 'join with a search on common fields: join [type=inner|left] [max=1] f1, f2 [search …]',
  mode: 'search',
  parse(original) {
    const { reader, spans } = original.brackets();
    const keys = ['type', 'overwrite', 'max', 'usetime', 'earlier', 'left', 'right', 'where'];
    const options = reader.options(keys);
    const fields: string[] = [];
    while (!reader.atEnd()) {
      if (reader.optionsInto(keys, options) || reader.skipComma()) continue;
      const token = reader.name('a join field');
      rejectReserved(token.value, spanOf(token));
      fields.push(token.value);
    }
    const [bracket] = spans;
    if (bracket === undefined || spans.length > 1) throw reader.error('spl.missing_argument', 'join takes one search in [ ]', reader.endSpan(), 'e.g. join thing [search index=assets | fields thing owner]');
    const type = options['type']?.value.toLowerCase() ?? 'inner';
    if (!['inner', 'outer', 'left'].includes(type)) throw reader.error('spl.invalid_argument', `join type must be inner, outer or left, not '${options['type']?.value}'`, spanOf(options['type'] as NonNullable<(typeof options)['type']>));
    for (const unsupported of ['left', 'right', 'where'] as const) {
      const token = options[unsupported];
      if (token !== undefined) throw reader.error('spl.unsupported', `join ${unsupported}= (dataset aliases) is not supported`, spanOf(token), 'name the join fields: join f1, f2 [search …]');
    }
    booleanOption(reader, 'usetime', options['usetime'], false);
    booleanOption(reader, 'earlier', options['earlier'], true);
    return {
      type: type === 'inner' ? 'inner' : 'left',
      overwrite: booleanOption(reader, 'overwrite', options['overwrite'], true),
      max: options['max'] === undefined ? 1 : integerOption(reader, 'max', options['max'], 0),
      fields,
      pipeline: original.pipeline(bracket),
      span: { offset: bracket.start, length: bracket.end - bracket.start },
    };
  },
  plan(args, rel, ctx) {
    const sub = planSubsearch(args.pipeline, rel, ctx, args.span);
    const subFields = availableFields(sub, ctx).filter((f) => !f.startsWith('_'));
    const fields = args.fields.length > 0 ? args.fields : subFields.filter((f) => availableFields(rel, ctx).includes(f));
    if (fields.length === 0) throw new VigilError('spl.missing_argument', 'join found no field both sides have', { span: args.span, hint: 'name the join fields: join f1, f2 [search …]' });
    // The search side: its join keys as text, its other fields, its position among the rows with the same keys.
    const carried = subFields.filter((f) => !fields.includes(f));
    const subKeys = fields.map((f) => asStr(sub.ref(f)));
    const subValues = carried.map((f) => {
      const v = sub.ref(f);
      return { name: f, kind: (v.kind === 'null' ? 'str' : v.kind) as Kind, sql: v.sql };
    });
    const subOrder = sub.order.length > 0 ? `ORDER BY ${sub.order.join(', ')}` : '';
    sub.push((src) => `SELECT ${[...subKeys.map((k, i) => `${k} AS "__jk${i}"`), ...subValues.map((v, i) => `${v.sql} AS "__jv${i}"`), `row_number() OVER (PARTITION BY ${subKeys.join(', ')} ${subOrder}) AS "__jrn"`].join(', ')} FROM ${src} WHERE ${subKeys.map((k) => `${k} IS NOT NULL`).join(' AND ')}`);
    const subName = sub.current;
    // The current side: its join keys as text, and every field the search brings, extracted first.
    rel.materialize([...fields, ...carried]);
    const mainKeys = fields.map((f) => asStr(rel.ref(f)));
    rel.push((src) => `SELECT *, ${mainKeys.map((k, i) => `${k} AS "__jm${i}"`).join(', ')} FROM ${src}`);
    const items: string[] = [];
    const exclude: string[] = [];
    subValues.forEach((v, i) => {
      const mine = rel.columns.get(v.name);
      const theirs = { sql: `s."__jv${i}"`, kind: v.kind };
      if (mine === undefined) {
        items.push(`${theirs.sql} AS ${quoteIdent(v.name)}`);
        rel.columns.set(v.name, v.kind);
        return;
      }
      const kind: Kind = mine === v.kind ? mine : mine === 'mv' || v.kind === 'mv' ? 'mv' : 'str';
      const cast = (x: { sql: string; kind: Kind }): string => (kind === x.kind ? x.sql : kind === 'mv' ? asList(x) : asStr(x));
      const current = cast({ sql: `m.${quoteIdent(v.name)}`, kind: mine });
      const added = cast(theirs);
      items.push(`${args.overwrite ? `CASE WHEN s."__jrn" IS NOT NULL AND ${added} IS NOT NULL THEN ${added} ELSE ${current} END` : `coalesce(${current}, ${added})`} AS ${quoteIdent(v.name)}`);
      exclude.push(quoteIdent(v.name));
      rel.columns.set(v.name, kind);
    });
    const on = fields.map((_f, i) => `m."__jm${i}" = s."__jk${i}"`).join(' AND ');
    const maxFilter = args.max === 0 ? '' : ` AND s."__jrn" <= ${args.max}`;
    const kind = args.type === 'inner' ? 'JOIN' : 'LEFT JOIN';
    rel.push((src) => `SELECT m.*${exclude.length > 0 ? ` EXCLUDE (${exclude.join(', ')})` : ''}${items.length > 0 ? `, ${items.join(', ')}` : ''}, s."__jrn" AS "__jrn" FROM ${src} m ${kind} ${subName} s ON ${on}${maxFilter}`);
    rel.columns.set('__jrn', 'num');
    for (let i = 0; i < fields.length; i++) rel.columns.set(`__jm${i}`, 'str');
    rel.order = [...rel.order, '"__jrn"'];
    rel.orderColumns = new Set([...rel.orderColumns, '__jrn']);
    rel.rawDerived = new Set();
  },
});

