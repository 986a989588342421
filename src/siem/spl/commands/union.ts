import { VigilError } from '../../../core/index.js';
import type { Pipeline, Span } from '../ast.js';
import type { ArgReader } from '../parser.js';
import { appendRelations, planSubsearch } from './combine.js';
import { command } from './command.js';

interface UnionArgs {
  readonly pipelines: ReadonlyArray<{ readonly pipeline: Pipeline; readonly span: Span }>;
}

function parseSearches(original: ArgReader, name: string, keys: readonly string[]): UnionArgs {
  const { reader, spans } = original.brackets();
  reader.options(keys);
  reader.rejectRest();
  if (spans.length === 0) throw reader.error('spl.missing_argument', `${name} needs searches in [ ]`, reader.endSpan(), `e.g. | ${name} [search index=a] [search index=b]`);
  return { pipelines: spans.map((b) => ({ pipeline: original.pipeline(b), span: { offset: b.start, length: b.end - b.start } })) };
}

/**
 * `union [maxtime=] [maxout=] [timeout=] [ <search> ] …`: the results of several searches together
 * (after the current results when it is not the first command), each in its own order.
 */
export const union = command<UnionArgs>({
  name: 'union',
  summary: 'results of several searches: | union [search …] [search …]',
  mode: 'search',
  parse: (reader) => parseSearches(reader, 'union', ['maxtime', 'maxout', 'timeout']),
  plan({ pipelines }, rel, ctx) {
    const subs = pipelines.map((p) => planSubsearch(p.pipeline, rel, ctx, p.span));
    if (rel.current === '') {
      const [first, ...rest] = subs;
      if (first === undefined) return;
      rel.adopt(first);
      if (rest.length > 0) appendRelations(rel, rest);
    } else appendRelations(rel, subs);
  },
});

/**
 * `| multisearch [ <search> ] [ <search> ] …`: events of several event searches at once, newest
 * first as one search would return them. Each search must stay events (no stats, chart, table …).
 */
export const multisearch = command<UnionArgs>({
  name: 'multisearch',
  summary: 'events of several searches, interleaved by time: | multisearch [search …] [search …]',
  mode: 'search',
  parse: (reader) => parseSearches(reader, 'multisearch', []),
  plan({ pipelines }, rel, ctx) {
    const subs = pipelines.map((p) => {
      const sub = planSubsearch(p.pipeline, rel, ctx, p.span);
      if (!sub.eventMode) throw new VigilError('spl.invalid_argument', 'multisearch runs event searches only: this one transforms its results', { span: p.span, hint: 'use append or union for searches ending in stats, chart or table' });
      return sub;
    });
    const [first, ...rest] = subs;
    if (first === undefined) return;
    rel.adopt(first);
    // One search keeps its own order (newest first).
    if (rest.length === 0) return;
    appendRelations(rel, rest);
    rel.order = ['"_time" DESC', '"__part"', '"__ord"'];
    rel.orderColumns = new Set(['_time', '__part', '__ord']);
  },
});
