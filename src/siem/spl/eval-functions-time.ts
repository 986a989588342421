import { VigilError } from '../../core/index.js';
import type { EvalExpr } from './ast.js';
import { arg as c, fixed, literalString, type Call, type EvalFunction } from './eval-function.js';
import { asNum, asStr, quoteString } from './relation.js';
import { numberLiteral } from './eval-number.js';
import { strftimeSql, strptimeSql } from './time-format.js';
import { normalizeUnit, resolveTimeModifier } from './time-modifiers.js';


/** Time functions (spec C.5): epoch seconds, UTC. */
export const TIME_FUNCTIONS: Readonly<Record<string, EvalFunction>> = {
  // The search's start time (fixed for the whole search).
  now: fixed(0, 0, (_a, s) => ({ sql: numberLiteral(Math.floor(s.ctx.nowMs / 1000)), kind: 'num' })),
  // Wall-clock time when the statement runs.
  time: fixed(0, 0, () => ({ sql: 'epoch(current_timestamp)', kind: 'num' })),
  relative_time: fixed(2, 2, ([t, spec], s, call) => {
    const modifier = literalString(spec, 'a time modifier such as "-1d@d"', call);
    const base = c(t as EvalExpr, s);
    const literal = t?.kind === 'num' ? t.value : t?.kind === 'call' && t.name === 'now' && t.args.length === 0 ? Math.floor(s.ctx.nowMs / 1000) : undefined;
    if (literal !== undefined && Number.isFinite(literal) && Math.abs(literal) < 1e12) {
      let resolved: number;
      try {
        resolved = resolveTimeModifier(modifier, literal * 1000);
      } catch (error) {
        throw error instanceof VigilError ? invalidTime(call, error.message) : error;
      }
      return { sql: numberLiteral(resolved / 1000), kind: 'num' };
    }
    return { sql: relativeTimeSql(asNum(base), modifier, call), kind: 'num' };
  }),
  strftime: fixed(2, 2, ([t, f], s, call) => {
    const format = literalString(f, 'a format such as "%Y-%m-%d %H:%M:%S"', call);
    return { sql: strftimeSql(asNum(c(t as EvalExpr, s)), format), kind: 'str' };
  }),
  // A string that does not match the format gives null.
  strptime: fixed(2, 2, ([x, f], s, call) => {
    const format = literalString(f, 'a format such as "%Y-%m-%d %H:%M:%S"', call);
    return { sql: strptimeSql(asStr(c(x as EvalExpr, s)), format), kind: 'num' };
  }),
};

/** relative_time over a per-row time: offset then snap, in UTC. */
function relativeTimeSql(epoch: string, modifier: string, call: Call): string {
  const match = /^([+-]\d*[a-z]+)?(?:@([a-z]+))?$/i.exec(modifier.trim());
  if (match === null) throw invalidTime(call, `invalid time modifier "${modifier}"`);
  let ts = `try(make_timestamp(TRY_CAST(${epoch} * 1000000 AS BIGINT)))`;
  if (match[1] !== undefined) {
    const rel = /^([+-])(\d*)([a-z]+)$/i.exec(match[1]) as RegExpExecArray;
    const unit = normalizeUnit(rel[3] as string);
    const names: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mon: 'month', q: 'quarter', y: 'year' };
    if (unit === undefined) throw invalidTime(call, `invalid unit in "${modifier}"`);
    const n = (rel[2] === '' ? 1 : Number(rel[2])) * (unit === 'q' ? 3 : 1);
    ts = `(${ts} ${rel[1]} INTERVAL ${n} ${unit === 'q' ? 'month' : names[unit]})`;
  }
  if (match[2] !== undefined) {
    const unit = normalizeUnit(match[2]);
    const names: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mon: 'month', q: 'quarter', y: 'year' };
    if (unit === undefined) throw invalidTime(call, `invalid snap unit in "${modifier}"`);
    ts = unit === 'w' ? `(date_trunc('day', ${ts}) - to_days(CAST(dayofweek(${ts}) AS INTEGER)))` : `date_trunc('${names[unit]}', ${ts})`;
  }
  // An offset past the timestamp range gives null, not an error.
  return `try(epoch(${ts}))`;
}

function invalidTime(call: Call, message: string): VigilError {
  return new VigilError('spl.invalid_time', message, { span: call.span, hint: 'e.g. "-1d@d", "+4h", "@w0"' });
}
