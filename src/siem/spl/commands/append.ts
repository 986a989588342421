import type { Pipeline, Span } from '../ast.js';
import { appendRelations, planSubsearch } from './combine.js';
import { command } from './command.js';
import { booleanOption } from './option-values.js';

/**
 * `append [extendtimerange=f] [maxtime=60] [maxout=50000] [timeout=60] [ <search> ]`: runs the
 * search and adds its results after the current ones (fields are the union of both). Vigil runs it
 * in the same statement, so nothing is cut: maxout, maxtime and timeout are accepted and ignored.
 */
export const append = command<{ pipeline: Pipeline; span: Span }>({
  name: 'append',
  summary: 'add the results of a search: append [search …]',
  mode: 'search',
  parse(original) {
    const { reader, spans } = original.brackets();
    const options = reader.options(['extendtimerange', 'maxtime', 'maxout', 'timeout']);
    booleanOption(reader, 'extendtimerange', options['extendtimerange'], false);
    reader.rejectRest();
    const [bracket] = spans;
    if (bracket === undefined || spans.length > 1) throw reader.error('spl.missing_argument', 'append takes one search in [ ]', reader.endSpan(), 'e.g. append [search index=main error | stats count]');
    return { pipeline: original.pipeline(bracket), span: { offset: bracket.start, length: bracket.end - bracket.start } };
  },
  plan({ pipeline, span }, rel, ctx) {
    appendRelations(rel, [planSubsearch(pipeline, rel, ctx, span)]);
  },
});
