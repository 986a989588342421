import { VigilError } from '../../core/index.js';
import type { EvalExpr } from './ast.js';
import { asBool, asList, asNum, asStr, quoteString, type EvalScope, type Typed } from './relation.js';
import { normalizeUnit, resolveTimeModifier } from './time-modifiers.js';

export interface EvalFunction {
  readonly min: number;
  readonly max: number;
  compile(args: readonly EvalExpr[], scope: EvalScope, call: Extract<EvalExpr, { kind: 'call' }>): Typed;
}

const c = (expr: EvalExpr, scope: EvalScope): Typed => {
  if (scope.compile === undefined) throw new Error('eval scope without a compiler');
  return scope.compile(expr, scope);
};

/** Unifies branch kinds: all num stay num, any mv makes mv, else strings. */
function unify(values: readonly Typed[]): { kind: Typed['kind']; cast(v: Typed): string } {
  const kinds = new Set(values.map((v) => v.kind).filter((k) => k !== 'null'));
  if (kinds.size === 1 && kinds.has('num')) return { kind: 'num', cast: (v) => asNum(v) };
  if (kinds.size === 1 && kinds.has('bool')) return { kind: 'bool', cast: (v) => (v.kind === 'null' ? 'CAST(NULL AS BOOLEAN)' : v.sql) };
  if (kinds.has('mv')) return { kind: 'mv', cast: (v) => asList(v) };
  return { kind: 'str', cast: (v) => asStr(v) };
}

function literalString(expr: EvalExpr | undefined, what: string, call: Extract<EvalExpr, { kind: 'call' }>): string {
  if (expr === undefined || expr.kind !== 'str') throw new VigilError('spl.invalid_arguments', `${call.name}() needs ${what} as a "quoted string"`, { span: call.span });
  return expr.value;
}

function fixed(min: number, max: number, compile: EvalFunction['compile']): EvalFunction {
  return { min, max, compile };
}

/** Eval functions (spec C.5), one row each. */
export const EVAL_FUNCTIONS: Readonly<Record<string, EvalFunction>> = {
  if: fixed(3, 3, ([cond, a, b], s, call) => {
    const then = c(a as EvalExpr, s);
    const other = c(b as EvalExpr, s);
    const u = unify([then, other]);
    return { sql: `(CASE WHEN ${asBool(c(cond as EvalExpr, s), call)} THEN ${u.cast(then)} ELSE ${u.cast(other)} END)`, kind: u.kind };
  }),
  case: fixed(2, Infinity, (args, s, call) => {
    if (args.length % 2 !== 0) throw new VigilError('spl.invalid_arguments', 'case() takes condition, value pairs', { span: call.span });
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
  isnull: fixed(1, 1, ([x], s) => {
    const v = c(x as EvalExpr, s);
    return { sql: v.kind === 'mv' ? `(${v.sql} IS NULL OR len(${v.sql}) = 0)` : `(${v.sql} IS NULL)`, kind: 'bool' };
  }),
  isnotnull: fixed(1, 1, ([x], s) => {
    const v = c(x as EvalExpr, s);
    return { sql: v.kind === 'mv' ? `(${v.sql} IS NOT NULL AND len(${v.sql}) > 0)` : `(${v.sql} IS NOT NULL)`, kind: 'bool' };
  }),
  isnum: fixed(1, 1, ([x], s) => ({ sql: `(${asNum(c(x as EvalExpr, s))} IS NOT NULL)`, kind: 'bool' })),
  isstr: fixed(1, 1, ([x], s) => {
    const v = c(x as EvalExpr, s);
    return { sql: v.kind === 'num' ? 'false' : `(${asStr(v)} IS NOT NULL AND ${asNum(v)} IS NULL)`, kind: 'bool' };
  }),
  like: fixed(2, 2, ([x, p], s) => ({ sql: `(${asStr(c(x as EvalExpr, s))} LIKE ${asStr(c(p as EvalExpr, s))})`, kind: 'bool' })),
  match: fixed(2, 2, ([x, p], s) => ({ sql: `regexp_matches(${asStr(c(x as EvalExpr, s))}, ${asStr(c(p as EvalExpr, s))})`, kind: 'bool' })),
  len: fixed(1, 1, ([x], s) => ({ sql: `CAST(length(${asStr(c(x as EvalExpr, s))}) AS DOUBLE)`, kind: 'num' })),
  lower: fixed(1, 1, ([x], s) => ({ sql: `lower(${asStr(c(x as EvalExpr, s))})`, kind: 'str' })),
  upper: fixed(1, 1, ([x], s) => ({ sql: `upper(${asStr(c(x as EvalExpr, s))})`, kind: 'str' })),
  trim: fixed(1, 2, ([x, chars], s) => ({ sql: `trim(${asStr(c(x as EvalExpr, s))}${chars === undefined ? '' : `, ${asStr(c(chars, s))}`})`, kind: 'str' })),
  ltrim: fixed(1, 2, ([x, chars], s) => ({ sql: `ltrim(${asStr(c(x as EvalExpr, s))}${chars === undefined ? '' : `, ${asStr(c(chars, s))}`})`, kind: 'str' })),
  rtrim: fixed(1, 2, ([x, chars], s) => ({ sql: `rtrim(${asStr(c(x as EvalExpr, s))}${chars === undefined ? '' : `, ${asStr(c(chars, s))}`})`, kind: 'str' })),
  substr: fixed(2, 3, ([x, start, n], s) => {
    const str = asStr(c(x as EvalExpr, s));
    const st = `CAST(${asNum(c(start as EvalExpr, s))} AS BIGINT)`;
    const from = `CASE WHEN ${st} < 0 THEN length(${str}) + ${st} + 1 ELSE ${st} END`;
    return { sql: n === undefined ? `substring(${str}, ${from})` : `substring(${str}, ${from}, CAST(${asNum(c(n, s))} AS BIGINT))`, kind: 'str' };
  }),
  replace: fixed(3, 3, ([x, re, repl], s) => {
    const replacement = asStr(c(repl as EvalExpr, s));
    return { sql: `regexp_replace(${asStr(c(x as EvalExpr, s))}, ${asStr(c(re as EvalExpr, s))}, ${replacement}, 'g')`, kind: 'str' };
  }),
  round: fixed(1, 2, ([x, d], s) => ({ sql: `round(${asNum(c(x as EvalExpr, s))}, ${d === undefined ? 0 : `CAST(${asNum(c(d, s))} AS INTEGER)`})`, kind: 'num' })),
  floor: fixed(1, 1, ([x], s) => ({ sql: `floor(${asNum(c(x as EvalExpr, s))})`, kind: 'num' })),
  ceil: fixed(1, 1, ([x], s) => ({ sql: `ceil(${asNum(c(x as EvalExpr, s))})`, kind: 'num' })),
  ceiling: fixed(1, 1, ([x], s) => ({ sql: `ceil(${asNum(c(x as EvalExpr, s))})`, kind: 'num' })),
  abs: fixed(1, 1, ([x], s) => ({ sql: `abs(${asNum(c(x as EvalExpr, s))})`, kind: 'num' })),
  sqrt: fixed(1, 1, ([x], s) => ({ sql: `sqrt(${asNum(c(x as EvalExpr, s))})`, kind: 'num' })),
  pow: fixed(2, 2, ([x, y], s) => ({ sql: `pow(${asNum(c(x as EvalExpr, s))}, ${asNum(c(y as EvalExpr, s))})`, kind: 'num' })),
  tonumber: fixed(1, 2, ([x, base], s, call) => {
    const str = asStr(c(x as EvalExpr, s));
    if (base === undefined) return { sql: `TRY_CAST(trim(${str}) AS DOUBLE)`, kind: 'num' };
    const b = base.kind === 'num' ? base.value : Number.NaN;
    if (b === 10) return { sql: `TRY_CAST(trim(${str}) AS DOUBLE)`, kind: 'num' };
    if (b === 16) return { sql: `TRY_CAST(TRY_CAST('0x' || regexp_replace(trim(${str}), '^0[xX]', '') AS BIGINT) AS DOUBLE)`, kind: 'num' };
    if (b === 2) return { sql: `TRY_CAST(TRY_CAST('0b' || trim(${str}) AS BIGINT) AS DOUBLE)`, kind: 'num' };
    throw new VigilError('spl.invalid_arguments', 'tonumber() supports bases 2, 10 and 16', { span: call.span });
  }),
  tostring: fixed(1, 2, ([x, format], s, call) => {
    const v = c(x as EvalExpr, s);
    if (format === undefined) return { sql: asStr(v), kind: 'str' };
    const f = literalString(format, 'a format ("hex", "commas" or "duration")', call);
    const n = asNum(v);
    if (f === 'hex') return { sql: `printf('0x%X', CAST(${n} AS BIGINT))`, kind: 'str' };
    if (f === 'commas') return { sql: `CASE WHEN ${n} = trunc(${n}) THEN format('{:,}', CAST(${n} AS BIGINT)) ELSE format('{:,.2f}', ${n}) END`, kind: 'str' };
    if (f === 'duration') return { sql: `printf('%02d:%02d:%02d', CAST(${n} AS BIGINT) // 3600, CAST(${n} AS BIGINT) % 3600 // 60, CAST(${n} AS BIGINT) % 60)`, kind: 'str' };
    throw new VigilError('spl.invalid_arguments', `tostring() format must be "hex", "commas" or "duration", not "${f}"`, { span: call.span });
  }),
  mvcount: fixed(1, 1, ([x], s) => {
    const v = c(x as EvalExpr, s);
    if (v.kind === 'mv') return { sql: `CAST(CASE WHEN len(${v.sql}) > 0 THEN len(${v.sql}) END AS DOUBLE)`, kind: 'num' };
    return { sql: `CASE WHEN ${asStr(v)} IS NOT NULL THEN 1.0 END`, kind: 'num' };
  }),
  mvindex: fixed(2, 3, ([x, start, end], s) => {
    const list = asList(c(x as EvalExpr, s));
    const oneBased = (e: EvalExpr): string => {
      const n = `CAST(${asNum(c(e, s))} AS BIGINT)`;
      return `CASE WHEN ${n} >= 0 THEN ${n} + 1 ELSE len(${list}) + ${n} + 1 END`;
    };
    if (end === undefined) return { sql: `list_extract(${list}, ${oneBased(start as EvalExpr)})`, kind: 'str' };
    return { sql: `nullif(list_slice(${list}, ${oneBased(start as EvalExpr)}, ${oneBased(end)}), [])`, kind: 'mv' };
  }),
  mvjoin: fixed(2, 2, ([x, d], s) => ({ sql: `array_to_string(${asList(c(x as EvalExpr, s))}, ${asStr(c(d as EvalExpr, s))})`, kind: 'str' })),
  mvappend: fixed(1, Infinity, (args, s) => ({ sql: `nullif(flatten([${args.map((a) => `coalesce(${asList(c(a, s))}, [])`).join(', ')}]), [])`, kind: 'mv' })),
  mvdedup: fixed(1, 1, ([x], s) => ({ sql: `list_distinct(${asList(c(x as EvalExpr, s))})`, kind: 'mv' })),
  mvsort: fixed(1, 1, ([x], s) => ({ sql: `list_sort(${asList(c(x as EvalExpr, s))})`, kind: 'mv' })),
  split: fixed(2, 2, ([x, d], s) => ({ sql: `string_split(${asStr(c(x as EvalExpr, s))}, ${asStr(c(d as EvalExpr, s))})`, kind: 'mv' })),
  in: fixed(2, Infinity, ([x, ...values], s) => {
    const v = asStr(c(x as EvalExpr, s));
    return { sql: `(${v} IN (${values.map((e) => asStr(c(e, s))).join(', ')}))`, kind: 'bool' };
  }),
  true: fixed(0, 0, () => ({ sql: 'true', kind: 'bool' })),
  false: fixed(0, 0, () => ({ sql: 'false', kind: 'bool' })),
  null: fixed(0, 0, () => ({ sql: 'NULL', kind: 'null' })),
  typeof: fixed(1, 1, ([x], s) => {
    const v = c(x as EvalExpr, s);
    if (v.kind === 'num') return { sql: `CASE WHEN ${v.sql} IS NULL THEN 'Invalid' ELSE 'Number' END`, kind: 'str' };
    if (v.kind === 'bool') return { sql: "'Boolean'", kind: 'str' };
    if (v.kind === 'null') return { sql: "'Invalid'", kind: 'str' };
    return { sql: `CASE WHEN ${asStr(v)} IS NULL THEN 'Invalid' WHEN ${asNum(v)} IS NOT NULL THEN 'Number' ELSE 'String' END`, kind: 'str' };
  }),
  now: fixed(0, 0, (_a, s) => ({ sql: String(Math.floor(s.ctx.nowMs / 1000)), kind: 'num' })),
  time: fixed(0, 0, () => ({ sql: 'epoch(current_timestamp)', kind: 'num' })),
  relative_time: fixed(2, 2, ([t, spec], s, call) => {
    const modifier = literalString(spec, 'a time modifier such as "-1d@d"', call);
    const base = c(t as EvalExpr, s);
    if (base.kind === 'num' && /^-?\d+(\.\d+)?$/.test(base.sql)) {
      return { sql: String(resolveTimeModifier(modifier, Number(base.sql) * 1000) / 1000), kind: 'num' };
    }
    return { sql: relativeTimeSql(asNum(base), modifier, call), kind: 'num' };
  }),
  strftime: fixed(2, 2, ([t, f], s, call) => {
    const format = literalString(f, 'a format', call).replace(/%3N/g, '%g').replace(/%6N/g, '%f').replace(/%Q/g, '%g');
    return { sql: `strftime(make_timestamp(CAST(${asNum(c(t as EvalExpr, s))} * 1000000 AS BIGINT)), ${quoteString(format)})`, kind: 'str' };
  }),
  strptime: fixed(2, 2, ([x, f], s, call) => {
    const format = literalString(f, 'a format', call);
    return { sql: `epoch(try_strptime(${asStr(c(x as EvalExpr, s))}, ${quoteString(format)}))`, kind: 'num' };
  }),
  cidrmatch: fixed(2, 2, ([cidr, ip], s, call) => {
    const text = literalString(cidr, 'a CIDR such as "10.0.0.0/8"', call);
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
    if (match === null) throw new VigilError('spl.invalid_arguments', `cidrmatch() needs an IPv4 CIDR, got "${text}"`, { span: call.span });
    const [a, b, cc, d, bits] = match.slice(1).map(Number) as number[];
    const network = (a as number) * 16777216 + (b as number) * 65536 + (cc as number) * 256 + (d as number);
    const size = 2 ** (32 - (bits as number));
    const start = Math.floor(network / size) * size;
    const value = `spl_ipv4(${asStr(c(ip as EvalExpr, s))})`;
    return { sql: `coalesce(${value} >= ${start} AND ${value} < ${start + size}, false)`, kind: 'bool' };
  }),
  md5: fixed(1, 1, ([x], s) => ({ sql: `md5(${asStr(c(x as EvalExpr, s))})`, kind: 'str' })),
  sha256: fixed(1, 1, ([x], s) => ({ sql: `sha256(${asStr(c(x as EvalExpr, s))})`, kind: 'str' })),
  spath: fixed(2, 2, ([x, p], s, call) => {
    const path = literalString(p, 'a path', call);
    const input = asStr(c(x as EvalExpr, s));
    const multi = path.includes('{}');
    const jp = path.split('.').map((seg) => seg.replace(/\{\}/g, '[*]').replace(/\{(\d+)\}/g, (_m, n: string) => `[${Number(n) - 1}]`)).join('.');
    return { sql: `CASE WHEN json_valid(${input}) THEN json_extract_string(${input}, ${quoteString(`$.${jp}`)}) END`, kind: multi ? 'mv' : 'str' };
  }),
};

/** relative_time over a per-row time: offset then snap, in UTC. */
function relativeTimeSql(epoch: string, modifier: string, call: Extract<EvalExpr, { kind: 'call' }>): string {
  const match = /^([+-]\d*[a-z]+)?(?:@([a-z]+))?$/i.exec(modifier.trim());
  if (match === null) throw new VigilError('spl.invalid_time', `invalid time modifier "${modifier}"`, { span: call.span });
  let ts = `make_timestamp(CAST(${epoch} * 1000000 AS BIGINT))`;
  if (match[1] !== undefined) {
    const rel = /^([+-])(\d*)([a-z]+)$/i.exec(match[1]) as RegExpExecArray;
    const unit = normalizeUnit(rel[3] as string);
    const names: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mon: 'month', q: 'quarter', y: 'year' };
    if (unit === undefined) throw new VigilError('spl.invalid_time', `invalid unit in "${modifier}"`, { span: call.span });
    const n = (rel[2] === '' ? 1 : Number(rel[2])) * (unit === 'q' ? 3 : 1);
    ts = `(${ts} ${rel[1]} INTERVAL ${n} ${unit === 'q' ? 'month' : names[unit]})`;
  }
  if (match[2] !== undefined) {
    const unit = normalizeUnit(match[2]);
    const names: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mon: 'month', q: 'quarter', y: 'year' };
    if (unit === undefined) throw new VigilError('spl.invalid_time', `invalid snap unit in "${modifier}"`, { span: call.span });
    ts = unit === 'w' ? `(date_trunc('day', ${ts}) - to_days(CAST(dayofweek(${ts}) AS INTEGER)))` : `date_trunc('${names[unit]}', ${ts})`;
  }
  return `epoch(${ts})`;
}
