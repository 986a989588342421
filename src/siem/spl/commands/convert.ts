import { spanOf, type Token } from '../lexer.js';
import { expandFieldPatterns } from '../field-discovery.js';
import { asNum, asStr, rejectReserved, setColumns, type Kind, type Typed } from '../relation.js';
import { strftimeSql, strptimeSql } from '../time-format.js';
import { command } from './command.js';

const FUNCTIONS = ['auto', 'ctime', 'dur2sec', 'memk', 'mktime', 'mstime', 'none', 'num', 'rmcomma', 'rmunit'] as const;
type ConvertFunction = (typeof FUNCTIONS)[number];

interface Conversion {
  readonly fn: ConvertFunction;
  readonly field: string;
  readonly as: string | undefined;
  readonly span: { offset: number; length: number };
}

/** One conversion as SQL over a value (spec: Splunk's convert functions). */
function convertSql(fn: ConvertFunction, value: Typed, timeformat: string): { sql: string; kind: Kind } {
  const s = asStr(value);
  switch (fn) {
    case 'auto':
    case 'num':
      // auto keeps a value it cannot convert; num drops it.
      return fn === 'num' ? { sql: `TRY_CAST(trim(${s}) AS DOUBLE)`, kind: 'num' } : { sql: `coalesce(spl_fmt(TRY_CAST(trim(${s}) AS DOUBLE)), ${s})`, kind: 'str' };
    case 'ctime':
      return { sql: strftimeSql(asNum(value), timeformat), kind: 'str' };
    case 'mktime':
      return { sql: strptimeSql(s, timeformat), kind: 'num' };
    case 'dur2sec': {
      // [D+]HH:MM:SS
      const m = `regexp_extract(${s}, '^\\s*(?:(\\d+)\\+)?(\\d+):(\\d+):(\\d+(?:\\.\\d+)?)\\s*$', ['d', 'h', 'm', 's'])`;
      return { sql: `(CASE WHEN regexp_full_match(${s}, '\\s*(?:\\d+\\+)?\\d+:\\d+:\\d+(?:\\.\\d+)?\\s*') THEN coalesce(TRY_CAST(nullif(${m}.d, '') AS DOUBLE), 0) * 86400 + TRY_CAST(${m}.h AS DOUBLE) * 3600 + TRY_CAST(${m}.m AS DOUBLE) * 60 + TRY_CAST(${m}.s AS DOUBLE) END)`, kind: 'num' };
    }
    case 'mstime': {
      // [MM:]SS.SSS
      const m = `regexp_extract(${s}, '^\\s*(?:(\\d+):)?(\\d+(?:\\.\\d+)?)\\s*$', ['m', 's'])`;
      return { sql: `(CASE WHEN regexp_full_match(${s}, '\\s*(?:\\d+:)?\\d+(?:\\.\\d+)?\\s*') THEN coalesce(TRY_CAST(nullif(${m}.m, '') AS DOUBLE), 0) * 60 + TRY_CAST(${m}.s AS DOUBLE) END)`, kind: 'num' };
    }
    case 'memk': {
      // A number with an optional k, m or g: kilobytes.
      const m = `regexp_extract(${s}, '^\\s*([-+]?(?:\\d+\\.?\\d*|\\.\\d+))\\s*([kKmMgG]?)\\s*$', ['n', 'u'])`;
      return { sql: `(TRY_CAST(${m}.n AS DOUBLE) * CASE lower(${m}.u) WHEN 'm' THEN 1024 WHEN 'g' THEN 1048576 ELSE 1 END)`, kind: 'num' };
    }
    case 'rmcomma':
      return { sql: `coalesce(spl_fmt(TRY_CAST(replace(${s}, ',', '') AS DOUBLE)), replace(${s}, ',', ''))`, kind: 'str' };
    case 'rmunit':
      // The leading number; trailing units dropped.
      return { sql: `TRY_CAST(nullif(regexp_extract(${s}, '^\\s*([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)', 1), '') AS DOUBLE)`, kind: 'num' };
    default:
      return { sql: value.sql, kind: value.kind === 'null' ? 'str' : value.kind };
  }
}

/**
 * `convert [timeformat="%m/%d/%Y %H:%M:%S"] <fn>(<field>) [AS <new>] …` with auto, ctime, dur2sec,
 * memk, mktime, mstime, none, num, rmcomma, rmunit; fields may be wildcards (`num(*)`), and `none(f)`
 * keeps f out of a wildcard conversion. A value a function cannot convert is left as it was, except
 * with num (null).
 */
export const convert = command<{ timeformat: string; conversions: Conversion[] }>({
  name: 'convert',
  summary: 'convert values: convert [timeformat=…] auto(f) ctime(_time) AS t …',
  mode: 'search',
  parse(reader) {
    let timeformat = '%m/%d/%Y %H:%M:%S';
    const conversions: Conversion[] = [];
    while (!reader.atEnd()) {
      const options = reader.options(['timeformat']);
      if (options['timeformat'] !== undefined) {
        timeformat = options['timeformat'].value;
        continue;
      }
      if (reader.skipComma()) continue;
      const fn = reader.expect('word', 'a conversion such as auto(field)');
      if (!(FUNCTIONS as readonly string[]).includes(fn.value.toLowerCase())) throw reader.error('spl.unknown_function', `unknown convert function '${fn.value}'`, spanOf(fn), `supported: ${FUNCTIONS.join(', ')}`);
      reader.expect('lparen', "'('");
      const field = reader.name('a field name');
      const close: Token = reader.expect('rparen', "')'");
      let as: string | undefined;
      if (reader.isWord('as')) {
        reader.next();
        as = reader.name('a new field name').value;
      }
      rejectReserved(as ?? field.value, spanOf(field));
      conversions.push({ fn: fn.value.toLowerCase() as ConvertFunction, field: field.value, as, span: { offset: fn.offset, length: close.offset + 1 - fn.offset } });
    }
    if (conversions.length === 0) throw reader.error('spl.missing_argument', 'convert needs a conversion such as auto(field)', reader.endSpan());
    return { timeformat, conversions };
  },
  plan({ timeformat, conversions }, rel, ctx) {
    const excluded = new Set(conversions.filter((c) => c.fn === 'none').flatMap((c) => expandFieldPatterns(rel, ctx, [c.field])));
    const values: Array<{ name: string; sql: string; kind: Kind }> = [];
    for (const c of conversions) {
      if (c.fn === 'none') continue;
      const fields = c.field.includes('*') ? expandFieldPatterns(rel, ctx, [c.field]).filter((f) => !excluded.has(f)) : [c.field];
      for (const field of fields) {
        const value = rel.ref(field, c.span);
        if (value.kind === 'null') continue;
        const target = c.as === undefined ? field : c.field.includes('*') && c.as.includes('*') ? c.as.replace('*', field) : c.as;
        const converted = convertSql(c.fn, value, timeformat);
        // A value the function cannot convert stays as it was (num and the time functions aside).
        const keep = c.fn === 'num' || c.fn === 'ctime' || c.fn === 'mktime' ? converted : { sql: `coalesce(${converted.kind === 'num' ? `spl_fmt(${converted.sql})` : converted.sql}, ${asStr(value)})`, kind: 'str' as Kind };
        values.push({ name: target, ...keep });
      }
    }
    if (values.length > 0) setColumns(rel, values);
  },
});
