import type { EvalExpr } from './ast.js';
import { arg as c, fixed, invalid, literalString, userRegex, type Call, type EvalFunction } from './eval-function.js';
import { asNum, asStr, jsonPath, quoteString, type EvalScope, type Typed } from './relation.js';

/** Splunk trims spaces and tabs by default. */
function trimmer(fn: 'trim' | 'ltrim' | 'rtrim'): EvalFunction {
  return fixed(1, 2, ([x, chars], s) => ({ sql: `${fn}(${asStr(c(x as EvalExpr, s))}, ${chars === undefined ? "' \t'" : asStr(c(chars, s))})`, kind: 'str' }));
}

function hash(fn: string): EvalFunction {
  return fixed(1, 1, ([x], s) => ({ sql: `${fn}(${asStr(c(x as EvalExpr, s))})`, kind: 'str' }));
}

/** DuckDB printf with each argument cast to what its conversion expects. */
function printfSql(args: readonly EvalExpr[], s: EvalScope, call: Call): Typed {
  const format = literalString(args[0], 'a format such as "%s=%d"', call);
  const conversions = [...format.matchAll(/%[-+ 0#]*(\d+|\*)?(?:\.(\d+|\*))?([a-zA-Z%])/g)].map((m) => m[3] as string).filter((k) => k !== '%');
  if (format.includes('*')) throw invalid(call, 'printf() does not support * widths', 'write the width into the format');
  const unknown = conversions.find((k) => !/^[sdiuxXofFeEgGc]$/.test(k));
  if (unknown !== undefined) throw invalid(call, `printf() does not support %${unknown}`, 'use %s, %d, %i, %u, %x, %X, %o, %f, %e, %g or %c');
  const values = args.slice(1);
  if (values.length !== conversions.length) throw invalid(call, `printf() format has ${conversions.length} conversions but ${values.length} values were given`);
  const casted = values.map((v, i) => {
    const kind = conversions[i] as string;
    const value = c(v, s);
    // %c: a number is a Unicode code point, a string gives its first character.
    if (kind === 'c') return `coalesce(CASE WHEN ${asNum(value)} BETWEEN 0 AND 1114111 THEN chr(CAST(${asNum(value)} AS INTEGER)) END, substr(${asStr(value)}, 1, 1))`;
    if (/[diuxXo]/.test(kind)) return `TRY_CAST(trunc(${asNum(value)}) AS BIGINT)`;
    if (/[fFeEgG]/.test(kind)) return asNum(value);
    return asStr(value);
  });
  // %i/%u are C spellings of %d for DuckDB's printf.
  const normalized = format.replace(/%([-+ 0#]*\d*(?:\.\d+)?)[iu]/g, '%$1d').replace(/%([-+ 0#]*\d*)c/g, '%$1s');
  // printf of a NULL argument is NULL in DuckDB, like Splunk's null propagation.
  return { sql: `printf(${[quoteString(normalized), ...casted].join(', ')})`, kind: 'str' };
}

/** String, hashing, URL and JSON functions (spec C.5). */
export const TEXT_FUNCTIONS: Readonly<Record<string, EvalFunction>> = {
  len: fixed(1, 1, ([x], s) => ({ sql: `CAST(length(${asStr(c(x as EvalExpr, s))}) AS DOUBLE)`, kind: 'num' })),
  lower: fixed(1, 1, ([x], s) => ({ sql: `lower(${asStr(c(x as EvalExpr, s))})`, kind: 'str' })),
  upper: fixed(1, 1, ([x], s) => ({ sql: `upper(${asStr(c(x as EvalExpr, s))})`, kind: 'str' })),
  trim: trimmer('trim'),
  ltrim: trimmer('ltrim'),
  rtrim: trimmer('rtrim'),
  // 1-based; a negative start counts from the end; a start of 0 means 1.
  substr: fixed(2, 3, ([x, start, n], s) => {
    const str = asStr(c(x as EvalExpr, s));
    const st = `TRY_CAST(trunc(${asNum(c(start as EvalExpr, s))}) AS BIGINT)`;
    const from = `CASE WHEN ${st} < 0 THEN greatest(length(${str}) + ${st} + 1, 1) WHEN ${st} = 0 THEN 1 ELSE ${st} END`;
    return { sql: n === undefined ? `substring(${str}, ${from})` : `substring(${str}, ${from}, greatest(TRY_CAST(trunc(${asNum(c(n, s))}) AS BIGINT), 0))`, kind: 'str' };
  }),
  // Regex replace-all; `\1` back-references work as in RE2.
  replace: fixed(3, 3, ([x, re, repl], s, call) => ({
    sql: userRegex(s, re as EvalExpr, call, (p) => `regexp_replace(${asStr(c(x as EvalExpr, s))}, ${p}, ${asStr(c(repl as EvalExpr, s))}, 'g')`),
    kind: 'str',
  })),
  printf: fixed(1, Infinity, printfSql),
  // `+` is a space in query strings; an undecodable input gives null.
  urldecode: fixed(1, 1, ([x], s) => ({ sql: `try(url_decode(replace(${asStr(c(x as EvalExpr, s))}, '+', ' ')))`, kind: 'str' })),
  md5: hash('md5'),
  sha1: hash('sha1'),
  sha256: hash('sha256'),
  json_valid: fixed(1, 1, ([x], s) => ({ sql: `coalesce(json_valid(${asStr(c(x as EvalExpr, s))}), false)`, kind: 'bool' })),
  json_keys: fixed(1, 1, ([x], s) => {
    const input = asStr(c(x as EvalExpr, s));
    return { sql: `CASE WHEN json_valid(${input}) AND json_type(${input}) = 'OBJECT' THEN CAST(to_json(json_keys(${input})) AS VARCHAR) END`, kind: 'str' };
  }),
  // Strings come back unquoted, objects and arrays as JSON text; several paths give a JSON array.
  json_extract: fixed(1, Infinity, ([x, ...paths], s, call) => {
    const input = asStr(c(x as EvalExpr, s));
    if (paths.length === 0) return { sql: `CASE WHEN json_valid(${input}) THEN CAST(json(${input}) AS VARCHAR) END`, kind: 'str' };
    const jps = paths.map((p) => jsonPath(literalString(p, 'a path such as "a.b{0}"', call), 0));
    if (jps.length === 1) {
      const jp = jps[0] as { path: string; multi: boolean };
      const value = jp.multi ? `CAST(to_json(json_extract(${input}, ${quoteString(jp.path)})) AS VARCHAR)` : s.rel.jsonString(input, quoteString(jp.path));
      return { sql: `CASE WHEN json_valid(${input}) THEN ${value} END`, kind: 'str' };
    }
    const items = jps.map((jp) => `json_extract(${input}, ${quoteString(jp.path)})`);
    return { sql: `CASE WHEN json_valid(${input}) THEN CAST(json_array(${items.join(', ')}) AS VARCHAR) END`, kind: 'str' };
  }),
  // Same path syntax as the spath command: `{N}` is 1-based, `{}` gives a multivalue.
  spath: fixed(2, 2, ([x, p], s, call) => {
    const jp = jsonPath(literalString(p, 'a path', call));
    const input = asStr(c(x as EvalExpr, s));
    return { sql: `CASE WHEN json_valid(${input}) THEN ${s.rel.jsonString(input, quoteString(jp.path))} END`, kind: jp.multi ? 'mv' : 'str' };
  }),
};
