import type { ArgReader } from '../parser.js';
import type { PlanContext, Relation } from '../relation.js';

/** One SPL command: how its arguments parse, and how it changes the plan. */
export interface SplCommand<A = unknown> {
  readonly name: string;
  /** One line for `unknown command` errors and docs. */
  readonly summary: string;
  /** Lexical mode of its arguments. */
  readonly mode: 'search' | 'eval';
  parse(reader: ArgReader): A;
  plan(args: A, rel: Relation, ctx: PlanContext): void;
}

/** Helper so each command file states its argument type once. */
export function command<A>(spec: SplCommand<A>): SplCommand<A> {
  return spec;
}
