import type { Span } from '../ast.js';
import { spanOf, type Token } from '../lexer.js';
import { asStr, quoteString, rejectReserved } from '../relation.js';
import { command } from './command.js';
import { re2Pattern } from './re2-pattern.js';

interface RegexArgs {
  readonly field: string;
  readonly negate: boolean;
  readonly pattern: string;
  readonly span: Span;
}

/**
 * `regex [field=_raw] "re"` keeps rows whose field matches (unanchored; a multivalue matches when any
 * value does; a missing field never matches); `regex field!="re"` keeps the others, including rows
 * without the field.
 */
export const regex = command<RegexArgs>({
  name: 'regex',
  summary: 'keep rows matching a regex: regex [field=|field!=]"re"',
  mode: 'search',
  parse(reader) {
    let field = '_raw';
    let negate = false;
    let pattern: Token;
    if (reader.isType('op', 1, '=') || reader.isType('op', 1, '!=')) {
      const name = reader.name('a field name');
      rejectReserved(name.value, spanOf(name));
      field = name.value;
      negate = reader.next().value === '!=';
      if (reader.atEnd()) throw reader.error('spl.missing_argument', `regex ${field}${negate ? '!=' : '='} needs a regex`, reader.endSpan(), `e.g. regex ${field}="^10\\."`);
      pattern = reader.name('a regex');
    } else {
      if (reader.atEnd()) throw reader.error('spl.missing_argument', 'regex needs a regex', reader.endSpan(), 'e.g. regex _raw="fail(ed|ure)"');
      pattern = reader.name('a regex');
    }
    reader.rejectRest();
    return { field, negate, pattern: re2Pattern(pattern.value, spanOf(pattern)).pattern, span: spanOf(pattern) };
  },
  plan({ field, negate, pattern, span }, rel) {
    rel.regexes.push({ pattern, span });
    const value = rel.ref(field);
    const re = quoteString(pattern);
    const matches = value.kind === 'mv' ? `len(list_filter(${value.sql}, x -> regexp_matches(x, ${re}))) > 0` : `regexp_matches(${asStr(value)}, ${re})`;
    rel.push((src) => `SELECT * FROM ${src} WHERE ${negate ? `NOT coalesce(${matches}, false)` : `coalesce(${matches}, false)`}`);
  },
});
