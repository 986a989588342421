import type { EvalExpr } from './ast.js';
import { arg as c, fixed, invalid, literalNumber, literalString, type EvalFunction } from './eval-function.js';
import { asList, asNum, asStr, type EvalScope, type Typed } from './relation.js';

function unary(sql: (n: string) => string): EvalFunction {
  return fixed(1, 1, ([x], s) => ({ sql: sql(asNum(c(x as EvalExpr, s))), kind: 'num' }));
}

/**
 * Multi-argument min/max (Splunk: numbers sort before strings, strings compare lexicographically):
 * max is the largest string if any argument is non-numeric, else the largest number; min is the
 * smallest number if any, else the smallest string. Multivalue arguments contribute every value.
 */
function extreme(fn: 'min' | 'max'): EvalFunction {
  return fixed(1, Infinity, (args, s) => {
    const values = args.map((a) => c(a, s));
    if (values.every((v) => v.kind === 'num')) return { sql: `${fn === 'max' ? 'greatest' : 'least'}(${values.map((v) => v.sql).join(', ')})`, kind: 'num' };
    const all = `list_filter(flatten([${values.map((v) => `coalesce(${asList(v)}, [])`).join(', ')}]), v -> v IS NOT NULL)`;
    const nums = `list_filter(list_transform(${all}, v -> TRY_CAST(v AS DOUBLE)), v -> v IS NOT NULL)`;
    const strs = `list_filter(${all}, v -> TRY_CAST(v AS DOUBLE) IS NULL)`;
    const sql =
      fn === 'max'
        ? `(CASE WHEN len(${strs}) > 0 THEN list_max(${strs}) ELSE spl_fmt(list_max(${nums})) END)`
        : `(CASE WHEN len(${nums}) > 0 THEN spl_fmt(list_min(${nums})) ELSE list_min(${strs}) END)`;
    return { sql, kind: 'str' };
  });
}

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Parses `text` as an integer in `base` (2–36); null when any character is not a digit of the base. */
function parseBase(text: string, base: number): string {
  const t = `lower(trim(${text}))`;
  const body = base === 16 ? `regexp_replace(${t}, '^-?(0x)?', '')` : `regexp_replace(${t}, '^-', '')`;
  const digits = `list_transform(string_split(${body}, ''), ch -> instr('${DIGITS}', ch) - 1)`;
  const value = `list_reduce(list_transform(${digits}, d -> CAST(d AS DOUBLE)), (acc, d) -> acc * ${base} + d)`;
  const sign = `(CASE WHEN starts_with(${t}, '-') THEN -1 ELSE 1 END)`;
  return `(CASE WHEN length(${body}) > 0 AND len(list_filter(${digits}, d -> d < 0 OR d >= ${base})) = 0 THEN ${sign} * ${value} END)`;
}

function tostring(args: readonly EvalExpr[], s: EvalScope, call: Extract<EvalExpr, { kind: 'call' }>): Typed {
  const [x, format] = args as [EvalExpr, EvalExpr | undefined];
  const v = c(x, s);
  if (format === undefined) {
    // Splunk renders booleans as True/False here.
    if (v.kind === 'bool') return { sql: `CASE WHEN ${v.sql} THEN 'True' WHEN NOT ${v.sql} THEN 'False' END`, kind: 'str' };
    return { sql: asStr(v), kind: 'str' };
  }
  const f = literalString(format, 'a format ("hex", "commas" or "duration")', call);
  const n = asNum(v);
  const int = `TRY_CAST(trunc(${n}) AS BIGINT)`;
  switch (f) {
    case 'hex':
      return { sql: `printf('0x%X', ${int})`, kind: 'str' };
    case 'commas':
      return { sql: `(CASE WHEN ${n} = trunc(${n}) THEN format('{:,}', ${int}) ELSE format('{:,.2f}', ${n}) END)`, kind: 'str' };
    case 'duration': {
      // HH:MM:SS, with a `D+` prefix past a day (Splunk's duration format).
      const hms = `printf('%02d:%02d:%02d', ${int} % 86400 // 3600, ${int} % 3600 // 60, ${int} % 60)`;
      return { sql: `(CASE WHEN ${int} >= 86400 THEN CAST(${int} // 86400 AS VARCHAR) || '+' || ${hms} ELSE ${hms} END)`, kind: 'str' };
    }
    default:
      throw invalid(call, `tostring() format must be "hex", "commas" or "duration", not "${f}"`);
  }
}

/** Math and conversion functions (spec C.5). Invalid domains (sqrt(-1), log(0)) give null. */
export const MATH_FUNCTIONS: Readonly<Record<string, EvalFunction>> = {
  round: fixed(1, 2, ([x, d], s) => ({ sql: `round(${asNum(c(x as EvalExpr, s))}, ${d === undefined ? 0 : `TRY_CAST(${asNum(c(d, s))} AS INTEGER)`})`, kind: 'num' })),
  floor: unary((n) => `floor(${n})`),
  ceil: unary((n) => `ceil(${n})`),
  ceiling: unary((n) => `ceil(${n})`),
  abs: unary((n) => `abs(${n})`),
  sqrt: unary((n) => `(CASE WHEN ${n} >= 0 THEN sqrt(${n}) END)`),
  exp: unary((n) => `exp(${n})`),
  ln: unary((n) => `(CASE WHEN ${n} > 0 THEN ln(${n}) END)`),
  exact: unary((n) => n),
  log: fixed(1, 2, ([x, b], s) => {
    const n = asNum(c(x as EvalExpr, s));
    if (b === undefined || (b.kind === 'num' && b.value === 10)) return { sql: `(CASE WHEN ${n} > 0 THEN log10(${n}) END)`, kind: 'num' };
    if (b.kind === 'num' && b.value === 2) return { sql: `(CASE WHEN ${n} > 0 THEN log2(${n}) END)`, kind: 'num' };
    const base = asNum(c(b, s));
    return { sql: `(CASE WHEN ${n} > 0 AND ${base} > 0 AND ${base} <> 1 THEN ln(${n}) / ln(${base}) END)`, kind: 'num' };
  }),
  pow: fixed(2, 2, ([x, y], s) => ({ sql: `pow(${asNum(c(x as EvalExpr, s))}, ${asNum(c(y as EvalExpr, s))})`, kind: 'num' })),
  pi: fixed(0, 0, () => ({ sql: 'pi()', kind: 'num' })),
  // A pseudo-random integer in 0 .. 2^31-1, like Splunk's random().
  random: fixed(0, 0, () => ({ sql: 'floor(random() * 2147483648)', kind: 'num' })),
  min: extreme('min'),
  max: extreme('max'),
  tonumber: fixed(1, 2, ([x, base], s, call) => {
    const str = asStr(c(x as EvalExpr, s));
    const b = base === undefined ? 10 : literalNumber(base, 'a base from 2 to 36', call);
    if (!Number.isInteger(b) || b < 2 || b > 36) throw invalid(call, `tonumber() base must be an integer from 2 to 36, not ${b}`);
    if (b === 10) return { sql: `TRY_CAST(trim(${str}) AS DOUBLE)`, kind: 'num' };
    return { sql: parseBase(str, b), kind: 'num' };
  }),
  tostring: fixed(1, 2, tostring),
};
