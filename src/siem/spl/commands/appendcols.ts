import type { Pipeline, Span } from '../ast.js';
import { availableFields } from '../field-discovery.js';
import { asList, asStr, numberRows, quoteIdent, type Kind } from '../relation.js';
import { planSubsearch } from './combine.js';
import { command } from './command.js';
import { booleanOption } from './option-values.js';

/**
 * `appendcols [override=f] [ <search> ]`: the fields of the search's first result are added to the
 * first current result, its second to the second, and so on; extra search results become rows of
 * their own. A field both have keeps the current value unless override=t.
 */
export const appendcols = command<{ pipeline: Pipeline; span: Span; override: boolean }>({
  name: 'appendcols',
  summary: 'add the fields of a search, row by row: appendcols [search …]',
  mode: 'search',
  parse(original) {
    const { reader, spans } = original.brackets();
    const options = reader.options(['override', 'extendtimerange', 'maxtime', 'maxout', 'timeout']);
    reader.rejectRest();
    const [bracket] = spans;
    if (bracket === undefined || spans.length > 1) throw reader.error('spl.missing_argument', 'appendcols takes one search in [ ]', reader.endSpan(), 'e.g. appendcols [search index=main | stats count as errors]');
    return { pipeline: original.pipeline(bracket), span: { offset: bracket.start, length: bracket.end - bracket.start }, override: booleanOption(reader, 'override', options['override'], false) };
  },
  plan({ pipeline, span, override }, rel, ctx) {
    const sub = planSubsearch(pipeline, rel, ctx, span);
    const subFields = availableFields(sub, ctx).filter((f) => !f.startsWith('_'));
    numberRows(sub);
    const values = subFields.map((f, i) => {
      const v = sub.ref(f);
      return { name: f, column: `__ac${i}`, kind: (v.kind === 'null' ? 'str' : v.kind) as Kind, sql: v.sql };
    });
    sub.push((src) => `SELECT ${[...values.map((v) => `${v.sql} AS "${v.column}"`), 'row_number() OVER (ORDER BY "__ord") AS "__acrow"'].join(', ')} FROM ${src}`);
    rel.materialize(subFields);
    numberRows(rel);
    rel.push((src) => `SELECT *, row_number() OVER (ORDER BY "__ord") AS "__acrow" FROM ${src}`);
    const items: string[] = [];
    const exclude: string[] = [];
    for (const v of values) {
      const mine = rel.columns.get(v.name);
      const theirs = { sql: `s."${v.column}"`, kind: v.kind };
      if (mine === undefined) {
        items.push(`${theirs.sql} AS ${quoteIdent(v.name)}`);
        rel.columns.set(v.name, v.kind);
        continue;
      }
      const kind: Kind = mine === v.kind ? mine : mine === 'mv' || v.kind === 'mv' ? 'mv' : 'str';
      const cast = (x: { sql: string; kind: Kind }): string => (kind === x.kind ? x.sql : kind === 'mv' ? asList(x) : asStr(x));
      const current = cast({ sql: `m.${quoteIdent(v.name)}`, kind: mine });
      const added = cast(theirs);
      items.push(`${override ? `coalesce(${added}, ${current})` : `coalesce(${current}, ${added})`} AS ${quoteIdent(v.name)}`);
      exclude.push(quoteIdent(v.name));
      rel.columns.set(v.name, kind);
    }
    const subName = sub.current;
    rel.push((src) => `SELECT m.*${exclude.length > 0 ? ` EXCLUDE (${exclude.join(', ')})` : ''}${items.length > 0 ? `, ${items.join(', ')}` : ''}, coalesce(m."__acrow", s."__acrow") AS "__acpos" FROM ${src} m FULL OUTER JOIN ${subName} s ON m."__acrow" = s."__acrow"`);
    rel.columns.set('__acpos', 'num');
    rel.order = ['"__acpos"'];
    rel.orderColumns = new Set(['__acpos']);
  },
});
