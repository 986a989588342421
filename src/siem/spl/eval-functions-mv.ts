import { VigilError } from '../../core/index.js';
import type { EvalExpr } from './ast.js';
import { arg as c, fixed, invalid, type Call, type EvalFunction, type LambdaScope, userRegex } from './eval-function.js';
import { asBool, asList, asNum, asStr, quoteString, type EvalScope, type Typed } from './relation.js';

/** Largest list `mvrange` builds; larger ranges give null rather than exhausting memory. */
const MVRANGE_MAX = 100_000;

/** Field names an expression reads that are not already lambda variables. */
function fieldsOf(expr: EvalExpr, bound: ReadonlyMap<string, Typed> | undefined, out = new Set<string>()): Set<string> {
  switch (expr.kind) {
    case 'field':
      if (bound?.has(expr.name) !== true) out.add(expr.name);
      break;
    case 'call':
      for (const a of expr.args) fieldsOf(a, bound, out);
      break;
    case 'binary':
      fieldsOf(expr.left, bound, out);
      fieldsOf(expr.right, bound, out);
      break;
    case 'unary':
      fieldsOf(expr.expr, bound, out);
      break;
    default:
      break;
  }
  return out;
}

/**
 * Compiles `body` once per value of the multivalue field `name`: the field is bound to a DuckDB
 * lambda variable, so `body` sees one value at a time. Returns the list and the lambda parts.
 */
function lambda(name: string, span: Call['span'], body: EvalExpr, s: EvalScope): { list: string; variable: string; value: Typed } {
  const scope = s as LambdaScope;
  const depth = scope.lambdaDepth ?? 0;
  const variable = `__lv${depth}`;
  const list = asList(c({ kind: 'field', name, span }, s));
  const bindings = new Map(scope.bindings ?? []);
  bindings.set(name, { sql: variable, kind: 'str' });
  const inner: LambdaScope = { ...scope, bindings, lambdaDepth: depth + 1 };
  return { list, variable, value: c(body, inner) };
}

/** Multivalue functions (spec C.5). Results that would be an empty list are null (the field is unset). */
export const MV_FUNCTIONS: Readonly<Record<string, EvalFunction>> = {
  // Number of values; null when the field is missing.
  mvcount: fixed(1, 1, ([x], s) => {
    const v = c(x as EvalExpr, s);
    if (v.kind === 'mv') return { sql: `CAST(CASE WHEN len(${v.sql}) > 0 THEN len(${v.sql}) END AS DOUBLE)`, kind: 'num' };
    return { sql: `CASE WHEN ${asStr(v)} IS NOT NULL THEN 1.0 END`, kind: 'num' };
  }),
  // 0-based, negative from the end, `end` inclusive.
  mvindex: fixed(2, 3, ([x, start, end], s) => {
    const list = asList(c(x as EvalExpr, s));
    const oneBased = (e: EvalExpr): string => {
      const n = `TRY_CAST(trunc(${asNum(c(e, s))}) AS BIGINT)`;
      return `CASE WHEN ${n} >= 0 THEN ${n} + 1 ELSE len(${list}) + ${n} + 1 END`;
    };
    if (end === undefined) return { sql: `list_extract(${list}, ${oneBased(start as EvalExpr)})`, kind: 'str' };
    return { sql: `nullif(list_slice(${list}, ${oneBased(start as EvalExpr)}, ${oneBased(end)}), [])`, kind: 'mv' };
  }),
  // A literal delimiter joins in one step; one computed per row folds the list.
  mvjoin: fixed(2, 2, ([x, d], s) => {
    const list = asList(c(x as EvalExpr, s));
    if (d?.kind === 'str') return { sql: `nullif(array_to_string(${list}, ${quoteString(d.value)}), '')`, kind: 'str' };
    const delim = asStr(c(d as EvalExpr, s));
    return { sql: `(CASE WHEN len(${list}) > 0 THEN nullif(list_reduce(list_transform(${list}, v -> coalesce(v, '')), (a, b) -> a || coalesce(${delim}, '') || b), '') END)`, kind: 'str' };
  }),
  mvappend: fixed(1, Infinity, (args, s) => ({ sql: `nullif(list_filter(flatten([${args.map((a) => `coalesce(${asList(c(a, s))}, [])`).join(', ')}]), v -> v IS NOT NULL), [])`, kind: 'mv' })),
  // Keeps the first occurrence of each value, in order.
  mvdedup: fixed(1, 1, ([x], s) => {
    const list = asList(c(x as EvalExpr, s));
    return { sql: `list_filter(${list}, (v, i) -> list_position(${list}, v) = i)`, kind: 'mv' };
  }),
  // Lexicographic, like Splunk (so "10" sorts before "9").
  mvsort: fixed(1, 1, ([x], s) => ({ sql: `list_sort(${asList(c(x as EvalExpr, s))})`, kind: 'mv' })),
  split: fixed(2, 2, ([x, d], s) => ({ sql: `string_split(${asStr(c(x as EvalExpr, s))}, ${asStr(c(d as EvalExpr, s))})`, kind: 'mv' })),
  // mvfilter(<boolean expression over one field>): the values for which it is true.
  mvfilter: fixed(1, 1, ([x], s, call) => {
    const names = [...fieldsOf(x as EvalExpr, (s as LambdaScope).bindings)];
    if (names.length !== 1) {
      throw invalid(call, `mvfilter() needs an expression over exactly one field, found ${names.length === 0 ? 'none' : names.join(', ')}`, 'e.g. mvfilter(match(email, "\\.org$"))');
    }
    const { list, variable, value } = lambda(names[0] as string, call.span, x as EvalExpr, s);
    return { sql: `nullif(list_filter(${list}, ${variable} -> coalesce(${asBool(value, x as EvalExpr)}, false)), [])`, kind: 'mv' };
  }),
  // mvmap(field, <expression over field>): the expression for each value.
  mvmap: fixed(2, 2, ([x, body], s, call) => {
    if (x?.kind !== 'field') throw invalid(call, 'mvmap() needs a field name as its first argument', 'e.g. mvmap(ports, ports * 2)');
    const { list, variable, value } = lambda(x.name, x.span, body as EvalExpr, s);
    if (value.kind === 'bool') throw new VigilError('spl.type_error', 'mvmap() cannot produce booleans', { span: call.span, hint: 'use if(<condition>, "yes", "no")' });
    return { sql: `nullif(list_filter(list_transform(${list}, ${variable} -> ${asStr(value)}), v -> v IS NOT NULL), [])`, kind: 'mv' };
  }),
  // Pairs values by position up to the shorter list: mvzip(a, b, "=") gives "a1=b1", …
  mvzip: fixed(2, 3, ([a, b, d], s) => {
    const left = asList(c(a as EvalExpr, s));
    const right = asList(c(b as EvalExpr, s));
    const delim = d === undefined ? "','" : asStr(c(d, s));
    return { sql: `nullif(list_transform(range(1, least(len(${left}), len(${right})) + 1), i -> ${left}[i] || ${delim} || ${right}[i]), [])`, kind: 'mv' };
  }),
  // 0-based index of the first value matching the regex; null when none does.
  mvfind: fixed(2, 2, ([x, re], s, call) => {
    const list = asList(c(x as EvalExpr, s));
    return { sql: userRegex(s, re as EvalExpr, call, (pattern) => `CAST(nullif(list_position(list_transform(${list}, v -> coalesce(regexp_matches(v, ${pattern}), false)), true), 0) - 1 AS DOUBLE)`), kind: 'num' };
  }),
  // mvrange(start, end[, step]): start, start+step, … below end.
  mvrange: fixed(2, 3, ([from, to, step], s, call) => {
    if (step?.kind === 'str' && !/^-?\d+$/.test(step.value)) throw invalid(call, `mvrange() step must be a number, not "${step.value}"`);
    const a = `TRY_CAST(trunc(${asNum(c(from as EvalExpr, s))}) AS BIGINT)`;
    const b = `TRY_CAST(trunc(${asNum(c(to as EvalExpr, s))}) AS BIGINT)`;
    const st = step === undefined ? '1' : `TRY_CAST(trunc(${asNum(c(step, s))}) AS BIGINT)`;
    return {
      sql: `(CASE WHEN ${st} <> 0 AND (${b} - ${a}) / ${st} <= ${MVRANGE_MAX} THEN nullif(list_transform(range(${a}, ${b}, ${st}), v -> CAST(v AS VARCHAR)), []) END)`,
      kind: 'mv',
    };
  }),
};
