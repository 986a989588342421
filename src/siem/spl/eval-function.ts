import { VigilError } from '../../core/index.js';
import type { EvalExpr } from './ast.js';
import { asList, asNum, asStr, quoteString, type EvalScope, type Typed } from './relation.js';

/** One eval function: its arity and how a call compiles to SQL. */
export interface EvalFunction {
  readonly min: number;
  readonly max: number;
  compile(args: readonly EvalExpr[], scope: EvalScope, call: Call): Typed;
}

export type Call = Extract<EvalExpr, { kind: 'call' }>;

/**
 * A scope inside a lambda (`mvfilter`, `mvmap`): field names bound to the lambda's variable shadow
 * the relation's columns. `lambdaDepth` keeps nested lambda variables apart.
 */
export interface LambdaScope extends EvalScope {
  readonly bindings?: ReadonlyMap<string, Typed>;
  readonly lambdaDepth?: number;
}

/** Compiles a function argument with the scope's compiler. */
export function arg(expr: EvalExpr, scope: EvalScope): Typed {
  if (scope.compile === undefined) throw new Error('eval scope without a compiler');
  return scope.compile(expr, scope);
}

export function fixed(min: number, max: number, compile: EvalFunction['compile']): EvalFunction {
  return { min, max, compile };
}

/** Unifies branch kinds: all num stay num, all bool stay bool, any mv makes mv, else strings. */
export function unify(values: readonly Typed[]): { kind: Typed['kind']; cast(v: Typed): string } {
  const kinds = new Set(values.map((v) => v.kind).filter((k) => k !== 'null'));
  if (kinds.size === 1 && kinds.has('num')) return { kind: 'num', cast: (v) => asNum(v) };
  if (kinds.size === 1 && kinds.has('bool')) return { kind: 'bool', cast: (v) => (v.kind === 'null' ? 'CAST(NULL AS BOOLEAN)' : v.sql) };
  if (kinds.has('mv')) return { kind: 'mv', cast: (v) => asList(v) };
  return { kind: 'str', cast: (v) => asStr(v) };
}

/** The value of an argument that must be a string literal (formats, paths, modifiers). */
export function literalString(expr: EvalExpr | undefined, what: string, call: Call): string {
  if (expr === undefined || expr.kind !== 'str') throw new VigilError('spl.invalid_argument', `${call.name}() needs ${what} as a "quoted string"`, { span: call.span, hint: `e.g. ${call.name}(x, "…")` });
  return expr.value;
}

/** The value of an argument that must be a number literal (bases, digits). */
export function literalNumber(expr: EvalExpr | undefined, what: string, call: Call): number {
  const value = expr?.kind === 'num' ? expr.value : expr?.kind === 'str' && /^-?\d+(\.\d+)?$/.test(expr.value) ? Number(expr.value) : undefined;
  if (value === undefined) throw new VigilError('spl.invalid_argument', `${call.name}() needs ${what} as a number`, { span: call.span });
  return value;
}

/** A string literal argument (`"12"`) is a string even when it looks numeric; field values are not. */
export function isStringLiteral(expr: EvalExpr): boolean {
  return expr.kind === 'str';
}

/**
 * SQL using a regular expression argument: a literal pattern is noted for the executor's RE2 check
 * (an invalid one is a 400 pointing at the call); a pattern computed per row that RE2 rejects
 * gives null for that row.
 */
export function userRegex(scope: EvalScope, pattern: EvalExpr, call: Call, sql: (pattern: string) => string): string {
  if (pattern.kind === 'str') {
    scope.rel.regexes.push({ pattern: pattern.value, span: call.span });
    return sql(quoteString(pattern.value));
  }
  return `try(${sql(asStr(arg(pattern, scope)))})`;
}

export function invalid(call: Call, message: string, hint?: string): VigilError {
  return new VigilError('spl.invalid_argument', message, { span: call.span, ...(hint === undefined ? {} : { hint }) });
}
