import { VigilError } from '../../../core/index.js';
import type { Pipeline, Span } from '../ast.js';
import { asList, asStr, numberRows, quoteIdent, type Kind, type PlanContext, type Relation } from '../relation.js';

/** The compiler's hooks for nested pipelines (set by compileSpl). */
function hooks(ctx: PlanContext, span: Span): NonNullable<PlanContext['pipelines']> {
  if (ctx.pipelines === undefined) throw new VigilError('spl.unsupported', 'a nested search cannot be planned here', { span });
  return ctx.pipelines;
}

/**
 * Plans a bracket's search into a fork with its own base search, over the outer search's time
 * range (its own earliest=/latest= apply to it alone); a chart result is settled into a table.
 */
export function planSubsearch(pipeline: Pipeline, rel: Relation, ctx: PlanContext, span: Span): Relation {
  const h = hooks(ctx, span);
  const sub = rel.fork(false);
  const subCtx: PlanContext = { ...ctx };
  h.plan(pipeline, sub, subCtx);
  if (sub.pivot !== undefined) h.settle(sub, subCtx);
  return sub;
}

/** Plans a pipeline of commands over the current results (appendpipe, foreach) into a continued fork. */
export function planContinued(pipeline: Pipeline, rel: Relation, ctx: PlanContext, span: Span): Relation {
  const h = hooks(ctx, span);
  if (rel.pivot !== undefined) h.settle(rel, ctx);
  const sub = rel.fork(true);
  h.plan(pipeline, sub, ctx);
  if (sub.pivot !== undefined) h.settle(sub, ctx);
  return sub;
}

/** Parses text made at plan time (a foreach or map template); its errors point at `span`. */
export function parseTemplate(text: string, commandsOnly: boolean, ctx: PlanContext, span: Span): Pipeline {
  try {
    return hooks(ctx, span).parse(text, commandsOnly);
  } catch (error) {
    if (error instanceof VigilError) throw new VigilError(error.code, `${error.message} (in ${JSON.stringify(text.length > 120 ? `${text.slice(0, 117)}...` : text)})`, { span, ...(error.hint === undefined ? {} : { hint: error.hint }) });
    throw error;
  }
}

/** A common kind for a column the two sides hold with different kinds (a union needs one type). */
function commonKind(a: Kind | undefined, b: Kind | undefined): Kind {
  if (a === undefined) return b ?? 'str';
  if (b === undefined || a === b) return a;
  return a === 'mv' || b === 'mv' ? 'mv' : 'str';
}

/** A side's SELECT list recasting the columns whose kind changes in the union. */
function recast(side: Relation, kinds: ReadonlyMap<string, Kind>): string {
  const replace: string[] = [];
  for (const [name, kind] of side.columns) {
    const target = kinds.get(name);
    if (target === undefined || target === kind) continue;
    const value = { sql: quoteIdent(name), kind };
    replace.push(`${target === 'mv' ? asList(value) : asStr(value)} AS ${quoteIdent(name)}`);
  }
  return `*${replace.length > 0 ? ` REPLACE (${replace.join(', ')})` : ''}`;
}

/**
 * The rows of `subs` after the rows of `main`, each side in its own order (Splunk's append). Fields
 * are the union of both sides'; events stay events (later commands still extract their fields).
 */
export function appendRelations(main: Relation, subs: readonly Relation[]): void {
  const sides = [main, ...subs];
  for (const side of sides) numberRows(side);
  const kinds = new Map<string, Kind>();
  for (const side of sides) for (const [name, kind] of side.columns) kinds.set(name, commonKind(kinds.get(name), kind));
  const parts = sides.map((side, i) => `SELECT ${recast(side, kinds)}, ${i} AS "__part" FROM ${side.current}`);
  main.push(() => parts.join(' UNION ALL BY NAME '));
  main.columns = new Map([...kinds, ['__part', 'num']]);
  main.eventMode = sides.some((s) => s.eventMode);
  main.jsonInputs = [...new Set(sides.flatMap((s) => s.jsonInputs))];
  main.referenced = new Set(sides.flatMap((s) => [...s.referenced]));
  main.dropped = new Set([...main.dropped].filter((d) => !subs.some((s) => s.columns.has(d) || !s.dropped.has(d))));
  main.rawDerived = new Set();
  main.rawModified = sides.some((s) => s.rawModified);
  main.order = ['"__part"', '"__ord"'];
  main.orderColumns = new Set(['__part', '__ord']);
}
