import type { Span } from '../ast.js';
import { spanOf, type Token } from '../lexer.js';
import { asList, quoteString, rejectReserved, setColumns } from '../relation.js';
import { command } from './command.js';
import { booleanOption } from './option-values.js';
import { re2Pattern } from './re2-pattern.js';

interface MakemvArgs {
  readonly field: string;
  readonly delim: string;
  /** RE2 pattern and the capture group holding each value (0: the whole match). */
  readonly tokenizer: { readonly pattern: string; readonly group: number; readonly span: Span } | undefined;
  readonly allowEmpty: boolean;
  readonly setSv: boolean;
}

const OPTIONS = ['delim', 'tokenizer', 'allowempty', 'setsv'];

/**
 * `makemv [delim=" "] [tokenizer="re"] [allowempty=f] [setsv=f] f`: splits the field's value at
 * `delim`, or takes each `tokenizer` match (its first capture group when it has one) as a value.
 * Empty values are dropped unless allowempty=t. A multivalue field has each value split. setsv=t
 * keeps one value instead: the values joined by the delimiter (a space for a tokenizer).
 */
export const makemv = command<MakemvArgs>({
  name: 'makemv',
  summary: 'split a field into a multivalue: makemv [delim=","] [tokenizer="re"] [allowempty=t] f',
  mode: 'search',
  parse(reader) {
    const options: Record<string, Token> = {};
    let field: Token | undefined;
    while (!reader.atEnd()) {
      if (reader.optionsInto(OPTIONS, options)) continue;
      const token = reader.name('a field name');
      if (token.type === 'word' && reader.isType('op', 0, '=')) throw reader.error('spl.invalid_argument', `unknown makemv option '${token.value}'`, spanOf(token), `options: ${OPTIONS.join(', ')}`);
      if (field !== undefined) throw reader.error('spl.unexpected_token', `makemv takes one field; unexpected '${token.value}'`, spanOf(token));
      field = token;
    }
    if (field === undefined) throw reader.error('spl.missing_argument', 'makemv needs a field', reader.endSpan(), 'e.g. makemv delim="," recipients');
    rejectReserved(field.value, spanOf(field));
    const { delim, tokenizer } = options;
    if (delim !== undefined && tokenizer !== undefined) throw reader.error('spl.invalid_argument', 'makemv takes delim= or tokenizer=, not both', spanOf(tokenizer));
    if (delim !== undefined && delim.value === '') throw reader.error('spl.invalid_argument', 'delim= cannot be empty', spanOf(delim));
    let parsedTokenizer: MakemvArgs['tokenizer'];
    if (tokenizer !== undefined) {
      const re = re2Pattern(tokenizer.value, spanOf(tokenizer));
      parsedTokenizer = { pattern: re.pattern, group: re.groups > 0 ? 1 : 0, span: re.span };
    }
    return {
      field: field.value,
      delim: delim?.value ?? ' ',
      tokenizer: parsedTokenizer,
      allowEmpty: booleanOption(reader, 'allowempty', options['allowempty'], false),
      setSv: booleanOption(reader, 'setsv', options['setsv'], false),
    };
  },
  plan({ field, delim, tokenizer, allowEmpty, setSv }, rel) {
    if (tokenizer !== undefined) rel.regexes.push({ pattern: tokenizer.pattern, span: tokenizer.span });
    const value = rel.ref(field);
    if (value.kind === 'null') return;
    const split = (x: string): string => (tokenizer === undefined ? `string_split(${x}, ${quoteString(delim)})` : `regexp_extract_all(${x}, ${quoteString(tokenizer.pattern)}, ${tokenizer.group})`);
    let list = `flatten(list_transform(${asList(value)}, v -> ${split('v')}))`;
    if (!allowEmpty) list = `list_filter(${list}, x -> x <> '')`;
    const sql = setSv ? `nullif(array_to_string(${list}, ${quoteString(tokenizer === undefined ? delim : ' ')}), '')` : `nullif(${list}, CAST([] AS VARCHAR[]))`;
    setColumns(rel, [{ name: field, sql, kind: setSv ? 'str' : 'mv' }]);
  },
});
