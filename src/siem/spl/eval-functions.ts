import { VigilError } from '../../core/index.js';
import type { EvalExpr } from './ast.js';
import { compare } from './eval-compare.js';
import { arg as c, fixed, invalid, isStringLiteral, literalString, unify, userRegex, type EvalFunction } from './eval-function.js';
import { MATH_FUNCTIONS } from './eval-functions-math.js';
import { MV_FUNCTIONS } from './eval-functions-mv.js';
import { TEXT_FUNCTIONS } from './eval-functions-text.js';
import { TIME_FUNCTIONS } from './eval-functions-time.js';
import { ArgReader, parseSearchExpr } from './parser.js';
import { asBool, asNum, asStr, type Typed } from './relation.js';
import { searchToSql } from './search-sql.js';

export type { EvalFunction } from './eval-function.js';

/** Conditionals, tests and comparisons (spec C.5). */
const CORE_FUNCTIONS: Readonly<Record<string, EvalFunction>> = {
  if: fixed(3, 3, ([cond, a, b], s, call) => {
    const then = c(a as EvalExpr, s);
    const other = c(b as EvalExpr, s);
    const u = unify([then, other]);
    return { sql: `(CASE WHEN ${asBool(c(cond as EvalExpr, s), call)} THEN ${u.cast(then)} ELSE ${u.cast(other)} END)`, kind: u.kind };
  }),
  case: fixed(2, Infinity, (args, s, call) => {
    if (args.length % 2 !== 0) throw invalid(call, 'case() takes condition, value pairs', 'end with true(), "default" for a fallback');
    const values: Typed[] = [];
    const conds: string[] = [];
    for (let i = 0; i < args.length; i += 2) {
      conds.push(asBool(c(args[i] as EvalExpr, s), args[i] as EvalExpr));
      values.push(c(args[i + 1] as EvalExpr, s));
    }
    const u = unify(values);
    return { sql: `(CASE ${conds.map((cond, i) => `WHEN ${cond} THEN ${u.cast(values[i] as Typed)}`).join(' ')} END)`, kind: u.kind };
  }),
  coalesce: fixed(1, Infinity, (args, s) => {
    const values = args.map((a) => c(a, s));
    const u = unify(values);
    return { sql: `coalesce(${values.map((v) => u.cast(v)).join(', ')})`, kind: u.kind };
  }),
  nullif: fixed(2, 2, ([a, b], s) => {
    const x = c(a as EvalExpr, s);
    const y = c(b as EvalExpr, s);
    const u = unify([x]);
    return { sql: `(CASE WHEN coalesce(${compare(x, '=', y)}, false) THEN NULL ELSE ${u.cast(x)} END)`, kind: u.kind };
  }),
  validate: fixed(2, Infinity, (args, s, call) => {
    if (args.length % 2 !== 0) throw invalid(call, 'validate() takes condition, message pairs');
    const branches: string[] = [];
    for (let i = 0; i < args.length; i += 2) {
      branches.push(`WHEN NOT coalesce(${asBool(c(args[i] as EvalExpr, s), args[i] as EvalExpr)}, false) THEN ${asStr(c(args[i + 1] as EvalExpr, s))}`);
    }
    return { sql: `(CASE ${branches.join(' ')} END)`, kind: 'str' };
  }),
  isnull: fixed(1, 1, ([x], s) => {
    const v = c(x as EvalExpr, s);
    return { sql: v.kind === 'mv' ? `(${v.sql} IS NULL OR len(${v.sql}) = 0)` : `(${v.sql} IS NULL)`, kind: 'bool' };
  }),
  isnotnull: fixed(1, 1, ([x], s) => {
    const v = c(x as EvalExpr, s);
    return { sql: v.kind === 'mv' ? `(${v.sql} IS NOT NULL AND len(${v.sql}) > 0)` : `(${v.sql} IS NOT NULL)`, kind: 'bool' };
  }),
  ispresent: fixed(1, 1, ([x], s) => {
    const v = c(x as EvalExpr, s);
    return { sql: v.kind === 'mv' ? `(${v.sql} IS NOT NULL AND len(${v.sql}) > 0)` : `(${v.sql} IS NOT NULL)`, kind: 'bool' };
  }),
  // A quoted literal is a string even when it looks numeric; field values that look numeric are numbers.
  isnum: fixed(1, 1, ([x], s) => {
    if (isStringLiteral(x as EvalExpr)) return { sql: 'false', kind: 'bool' };
    const v = c(x as EvalExpr, s);
    return { sql: v.kind === 'bool' ? 'false' : `coalesce(isfinite(${asNum(v)}), false)`, kind: 'bool' };
  }),
  isint: fixed(1, 1, ([x], s) => {
    if (isStringLiteral(x as EvalExpr)) return { sql: 'false', kind: 'bool' };
    const v = c(x as EvalExpr, s);
    return { sql: v.kind === 'bool' ? 'false' : `coalesce(isfinite(${asNum(v)}) AND ${asNum(v)} = trunc(${asNum(v)}), false)`, kind: 'bool' };
  }),
  isstr: fixed(1, 1, ([x], s) => {
    if (isStringLiteral(x as EvalExpr)) return { sql: 'true', kind: 'bool' };
    const v = c(x as EvalExpr, s);
    if (v.kind === 'num' || v.kind === 'bool' || v.kind === 'null') return { sql: 'false', kind: 'bool' };
    return { sql: `coalesce(${asStr(v)} IS NOT NULL AND ${asNum(v)} IS NULL, false)`, kind: 'bool' };
  }),
  isbool: fixed(1, 1, ([x], s) => ({ sql: c(x as EvalExpr, s).kind === 'bool' ? 'true' : 'false', kind: 'bool' })),
  typeof: fixed(1, 1, ([x], s) => {
    if (isStringLiteral(x as EvalExpr)) return { sql: "'String'", kind: 'str' };
    const v = c(x as EvalExpr, s);
    if (v.kind === 'num') return { sql: `CASE WHEN ${v.sql} IS NULL THEN 'Invalid' ELSE 'Number' END`, kind: 'str' };
    if (v.kind === 'bool') return { sql: `CASE WHEN ${v.sql} IS NULL THEN 'Invalid' ELSE 'Boolean' END`, kind: 'str' };
    if (v.kind === 'null') return { sql: "'Invalid'", kind: 'str' };
    const one = `CASE WHEN ${asStr(v)} IS NULL THEN 'Invalid' WHEN ${asNum(v)} IS NOT NULL THEN 'Number' ELSE 'String' END`;
    return { sql: v.kind === 'mv' ? `CASE WHEN len(${v.sql}) > 1 THEN 'Multivalue' ELSE ${one} END` : one, kind: 'str' };
  }),
  in: fixed(2, Infinity, ([x, ...values], s) => {
    const v = c(x as EvalExpr, s);
    return { sql: `coalesce(${values.map((e) => compare(v, '=', c(e, s), false, e.kind === 'num')).join(' OR ')}, false)`, kind: 'bool' };
  }),
  like: fixed(2, 2, ([x, p], s) => ({ sql: `(${asStr(c(x as EvalExpr, s))} LIKE ${asStr(c(p as EvalExpr, s))})`, kind: 'bool' })),
  match: fixed(2, 2, ([x, p], s, call) => ({ sql: userRegex(s, p as EvalExpr, call, (re) => `regexp_matches(${asStr(c(x as EvalExpr, s))}, ${re})`), kind: 'bool' })),
  cidrmatch: fixed(2, 2, ([cidr, ip], s, call) => {
    const text = literalString(cidr, 'a CIDR such as "10.0.0.0/8"', call);
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
    if (match === null) throw invalid(call, `cidrmatch() needs an IPv4 CIDR, got "${text}"`);
    const [a, b, cc, d, bits] = match.slice(1).map(Number) as number[];
    const network = (a as number) * 16777216 + (b as number) * 65536 + (cc as number) * 256 + (d as number);
    const size = 2 ** (32 - (bits as number));
    const start = Math.floor(network / size) * size;
    const value = `spl_ipv4(${asStr(c(ip as EvalExpr, s))})`;
    return { sql: `coalesce(${value} >= ${start} AND ${value} < ${start + size}, false)`, kind: 'bool' };
  }),
  searchmatch: fixed(1, 1, ([x], s, call) => {
    const text = literalString(x, 'a search expression', call);
    let sql: string;
    const time = { earliest: undefined as string | undefined, latest: undefined as string | undefined };
    try {
      sql = searchToSql(parseSearchExpr(new ArgReader(text, 0, text.length, 'search', 'searchmatch')), s.rel, time);
    } catch (error) {
      // Spans inside the quoted expression are relative to it; point at the call instead.
      if (error instanceof VigilError) throw new VigilError(error.code, `in searchmatch(): ${error.message}`, { span: call.span, ...(error.hint === undefined ? {} : { hint: error.hint }) });
      throw error;
    }
    if (time.earliest !== undefined || time.latest !== undefined) throw invalid(call, 'searchmatch() cannot set earliest/latest', 'filter on _time with where instead');
    return { sql: `coalesce(${sql}, false)`, kind: 'bool' };
  }),
  true: fixed(0, 0, () => ({ sql: 'true', kind: 'bool' })),
  false: fixed(0, 0, () => ({ sql: 'false', kind: 'bool' })),
  null: fixed(0, 0, () => ({ sql: 'NULL', kind: 'null' })),
};

/** Every eval function (spec C.5), one row each, grouped by family. */
export const EVAL_FUNCTIONS: Readonly<Record<string, EvalFunction>> = {
  ...CORE_FUNCTIONS,
  ...TEXT_FUNCTIONS,
  ...MATH_FUNCTIONS,
  ...TIME_FUNCTIONS,
  ...MV_FUNCTIONS,
};
