import type { Span } from '../ast.js';
import { fact, type FactRow } from '../facts.js';
import { spanOf } from '../lexer.js';
import { asStr, quoteIdent } from '../relation.js';
import { appendRelations, parseTemplate, planSubsearch } from './combine.js';
import { command } from './command.js';
import { integerOption } from './option-values.js';

/** The most searches one map may run (Splunk's maxsearches is unbounded; Vigil keeps it bounded). */
export const MAP_MAX_SEARCHES = 100;

/**
 * `map search="<search with $field$>" [maxsearches=10]` or `map [ <search> ] [maxsearches=10]`:
 * runs the search once per current result (the first maxsearches of them, in order), with each
 * `$field$` replaced by that result's value (empty when it has none; `$$` is a `$`), and returns
 * all their results together, in order. Results past maxsearches are not run, and the search says so.
 */
export const map = command<{ template: string; span: Span; max: number; tokens: string[] }>({
  name: 'map',
  summary: 'run a search per result: map search="search index=x user=$user$" maxsearches=10',
  mode: 'search',
  parse(original) {
    const { reader, spans } = original.brackets();
    const options = reader.options(['search', 'maxsearches']);
    reader.rejectRest();
    let template: string;
    let span: Span;
    const [bracket] = spans;
    if (options['search'] !== undefined) {
      if (bracket !== undefined) throw reader.error('spl.invalid_argument', 'map takes search="…" or a search in [ ], not both', { offset: bracket.start, length: bracket.end - bracket.start });
      template = options['search'].value;
      span = spanOf(options['search']);
    } else if (bracket !== undefined && spans.length === 1) {
      template = original.text.slice(bracket.start + 1, bracket.end - 1);
      span = { offset: bracket.start, length: bracket.end - bracket.start };
    } else throw reader.error('spl.missing_argument', 'map needs a search: map search="search … $field$ …" or map [search … $field$ …]', reader.endSpan());
    if (template.trim() === '') throw reader.error('spl.missing_argument', 'the map search is empty', span);
    const max = options['maxsearches'] === undefined ? 10 : integerOption(reader, 'maxsearches', options['maxsearches'], 1);
    if (max > MAP_MAX_SEARCHES) throw reader.error('spl.invalid_argument', `map runs at most ${MAP_MAX_SEARCHES} searches (maxsearches=${max})`, spanOf(options['maxsearches'] as NonNullable<(typeof options)['maxsearches']>));
    const tokens = [...new Set([...template.matchAll(/\$([^$\s]+)\$/g)].map((m) => m[1] as string))];
    return { template, span, max, tokens };
  },
  plan({ template, span, max, tokens }, rel, ctx) {
    const values = tokens.map((t) => `${asStr(rel.ref(t))} AS ${quoteIdent(`v_${t}`)}`);
    const order = rel.order.length > 0 ? ` ORDER BY ${rel.order.join(', ')}` : '';
    const sql = rel.render((cur) => `SELECT ${values.length > 0 ? values.join(', ') : '1 AS "__one"'} FROM ${cur}${order} LIMIT ${max + 1}`);
    const rows = fact<FactRow[]>(
      ctx.facts,
      `map:${rel.current}`,
      async (db) => {
        const found = await db.query(sql);
        if (found.length > max) db.note('WARN', `map ran its search for the first ${max} results only (maxsearches=${max}); the others were not searched`);
        return found.slice(0, max);
      },
      // A compile-only check fills each $field$ with the field's name.
      [Object.fromEntries(tokens.map((t) => [`v_${t}`, t]))],
    );
    const subs = rows.map((row) => {
      const text = template.replace(/\$\$|\$([^$\s]+)\$/g, (whole, name: string | undefined) => (name === undefined ? '$' : String(row[`v_${name}`] ?? '')));
      return planSubsearch(parseTemplate(text, false, ctx, span), rel, ctx, span);
    });
    const [first, ...rest] = subs;
    if (first === undefined) {
      rel.restart('(SELECT 1 AS "__none" WHERE false)', new Map());
      return;
    }
    rel.adopt(first);
    if (rest.length > 0) appendRelations(rel, rest);
  },
});
