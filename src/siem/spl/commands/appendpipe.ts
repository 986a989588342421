import type { Pipeline, Span } from '../ast.js';
import { appendRelations, planContinued } from './combine.js';
import { command } from './command.js';

/**
 * `appendpipe [run_in_preview=t] [ <commands> ]`: runs the commands over the current results and
 * adds what they return after them (e.g. a subtotal row: `appendpipe [stats sum(bytes) as bytes]`).
 */
export const appendpipe = command<{ pipeline: Pipeline; span: Span }>({
  name: 'appendpipe',
  summary: 'add the output of commands run over the results: appendpipe [stats count]',
  mode: 'search',
  parse(original) {
    const { reader, spans } = original.brackets();
    reader.options(['run_in_preview']);
    reader.rejectRest();
    const [bracket] = spans;
    if (bracket === undefined || spans.length > 1) throw reader.error('spl.missing_argument', 'appendpipe takes one pipeline in [ ]', reader.endSpan(), 'e.g. appendpipe [stats sum(count) as count | eval user="TOTAL"]');
    return { pipeline: original.pipeline(bracket, true), span: { offset: bracket.start, length: bracket.end - bracket.start } };
  },
  plan({ pipeline, span }, rel, ctx) {
    const sub = planContinued(pipeline, rel, ctx, span);
    appendRelations(rel, [sub]);
  },
});
