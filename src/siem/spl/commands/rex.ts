import { VigilError } from '../../../core/index.js';
import type { Span } from '../ast.js';
import { spanOf, type Token } from '../lexer.js';
import type { ArgReader } from '../parser.js';
import { asList, asStr, quoteString, rejectReserved, setColumns, type Kind, type Relation } from '../relation.js';
import { command } from './command.js';
import { integerOption } from './option-values.js';
import { re2Pattern, type Re2Pattern } from './re2-pattern.js';

type Sed = { readonly kind: 's'; readonly re: Re2Pattern; readonly replacement: string; readonly global: boolean; readonly ignoreCase: boolean } | { readonly kind: 'y'; readonly from: string; readonly to: string };

type RexArgs =
  | { readonly mode: 'extract'; readonly field: string; readonly re: Re2Pattern; readonly maxMatch: number; readonly offsetField: string | undefined }
  | { readonly mode: 'sed'; readonly field: string; readonly sed: Sed };

const OPTIONS = ['field', 'max_match', 'offset_field', 'mode'];

/** Splits `s/re/repl/flags` (any delimiter after s or y); `\<delim>` stands for the delimiter itself. */
function parseSed(text: string, span: Span): Sed {
  const bad = (why: string): VigilError => new VigilError('spl.invalid_argument', `invalid sed expression: ${why}`, { span, hint: 'mode=sed takes "s/regex/replacement/[g]" or "y/abc/xyz/"' });
  const kind = text[0];
  const delim = text[1];
  if ((kind !== 's' && kind !== 'y') || delim === undefined || /[\w\\\s]/.test(delim)) throw bad('it must start with s/ or y/');
  const parts: string[] = [''];
  for (let i = 2; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && text[i + 1] === delim) {
      parts[parts.length - 1] += delim;
      i++;
    } else if (c === '\\' && i + 1 < text.length) {
      parts[parts.length - 1] += c + text[++i];
    } else if (c === delim) parts.push('');
    else parts[parts.length - 1] += c;
  }
  if (parts.length !== 3) throw bad(`expected 3 parts separated by '${delim}', found ${parts.length}`);
  const [pattern, replacement, flags] = parts as [string, string, string];
  if (kind === 'y') {
    if ([...pattern].length !== [...replacement].length) throw bad('y/// needs two lists of the same length');
    if (flags !== '') throw bad('y/// takes no flags');
    return { kind: 'y', from: pattern, to: replacement };
  }
  if (!/^[gi]*$/.test(flags)) throw bad(/\d/.test(flags) ? `replacing only match number ${flags.replace(/\D/g, '')} is not supported; use g (all) or no flag (the first)` : `unknown flag in '${flags}'`);
  return { kind: 's', re: re2Pattern(pattern, span), replacement, global: flags.includes('g'), ignoreCase: flags.includes('i') };
}

function parseRex(reader: ArgReader): RexArgs {
  const options: Record<string, Token> = {};
  let regex: Token | undefined;
  while (!reader.atEnd()) {
    if (reader.optionsInto(OPTIONS, options)) continue;
    const token = reader.next();
    if (token.type === 'word' && reader.isType('op', 0, '=')) throw reader.error('spl.invalid_argument', `unknown rex option '${token.value}'`, spanOf(token), `options: ${OPTIONS.join(', ')}`);
    if (token.type !== 'string') throw reader.error('spl.unexpected_token', `expected the regex in double quotes, found '${token.value}'`, spanOf(token), 'e.g. rex field=_raw "user=(?<user>\\w+)"');
    if (regex !== undefined) throw reader.error('spl.unexpected_token', 'rex takes one regex', spanOf(token));
    regex = token;
  }
  if (regex === undefined) throw reader.error('spl.missing_argument', 'rex needs a regex in double quotes', reader.endSpan(), 'e.g. rex "from (?<src>\\S+)"');
  const field = options['field']?.value ?? '_raw';
  if (options['field'] !== undefined) rejectReserved(field, spanOf(options['field']));
  const mode = options['mode'];
  if (mode !== undefined) {
    if (mode.value.toLowerCase() !== 'sed') throw reader.error('spl.invalid_argument', `rex mode= only takes sed, not '${mode.value}'`, spanOf(mode));
    for (const key of ['max_match', 'offset_field']) if (options[key] !== undefined) throw reader.error('spl.invalid_argument', `${key}= does not apply to mode=sed`, spanOf(options[key] as Token));
    return { mode: 'sed', field, sed: parseSed(regex.value, spanOf(regex)) };
  }
  const re = re2Pattern(regex.value, spanOf(regex));
  if (re.named.length === 0) throw reader.error('spl.invalid_argument', 'the regex has no named group to extract', spanOf(regex), 'name a group: (?<field>...), or use mode=sed to replace text');
  const offsetField = options['offset_field']?.value;
  for (const name of [...re.named.map((g) => g.name), offsetField]) rejectReserved(name, spanOf(regex));
  return { mode: 'extract', field, re, maxMatch: options['max_match'] === undefined ? 1 : integerOption(reader, 'max_match', options['max_match']), offsetField };
}

/** Sets or replaces columns in one step (dropping `drop` helper columns), keeping the row order. */
function assign(rel: Relation, values: ReadonlyArray<{ name: string; sql: string; kind: Kind }>, drop: readonly string[]): void {
  setColumns(rel, values, drop);
}

function planExtract(args: Extract<RexArgs, { mode: 'extract' }>, rel: Relation): void {
  rel.regexes.push({ pattern: args.re.pattern, span: args.re.span });
  const source = rel.ref(args.field);
  if (source.kind === 'null') return;
  const text = asStr(source);
  const pattern = quoteString(args.re.pattern);
  const values: Array<{ name: string; sql: string; kind: Kind }> = [];
  const last = Math.max(...args.re.named.map((g) => g.index));
  // One regex run for every group: a struct with fields g1…gN (an empty capture means no value).
  if (args.maxMatch === 1) rel.push((src) => `SELECT *, regexp_extract(${text}, ${pattern}, [${Array.from({ length: last }, (_, i) => `'g${i + 1}'`).join(', ')}]) AS "__rx" FROM ${src}`);
  for (const { name, index } of args.re.named) {
    const existing = rel.ref(name);
    if (args.maxMatch === 1) {
      const found = `nullif(struct_extract("__rx", 'g${index}'), '')`;
      if (existing.kind === 'mv') values.push({ name, sql: `CASE WHEN ${found} IS NOT NULL THEN [${found}] ELSE ${existing.sql} END`, kind: 'mv' });
      else values.push({ name, sql: existing.kind === 'null' ? found : `coalesce(${found}, ${asStr(existing)})`, kind: 'str' });
    } else {
      const all = `regexp_extract_all(${text}, ${pattern}, ${index})`;
      const list = `list_filter(${args.maxMatch > 0 ? `(${all})[1:${args.maxMatch}]` : all}, x -> x <> '')`;
      const found = `nullif(${list}, CAST([] AS VARCHAR[]))`;
      values.push({ name, sql: existing.kind === 'null' ? found : `coalesce(${found}, ${asList(existing)})`, kind: 'mv' });
    }
  }
  if (args.offsetField !== undefined) values.push({ name: args.offsetField, sql: offsets(text, args.re), kind: 'str' });
  assign(rel, values, args.maxMatch === 1 ? ['__rx'] : []);
}

/**
 * `name=start-end` (0-based, end inclusive) of each named group of the first match, joined by `&`.
 * RE2 in SQL reports no positions: the match start is the length of the shortest prefix before a
 * match, and a group's start is where its text first occurs within the match.
 */
function offsets(text: string, re: Re2Pattern): string {
  const wrapped = quoteString(`^([\\s\\S]*?)(${re.pattern})`);
  const names = Array.from({ length: re.groups + 2 }, (_, i) => `'o${i + 1}'`).join(', ');
  const m = `regexp_extract(${text}, ${wrapped}, [${names}])`;
  const parts = re.named.map(({ name, index }) => {
    const value = `struct_extract(${m}, 'o${index + 2}')`;
    const start = `(length(struct_extract(${m}, 'o1')) + strpos(struct_extract(${m}, 'o2'), ${value}) - 1)`;
    return `CASE WHEN ${value} <> '' THEN ${quoteString(`${name}=`)} || ${start} || '-' || (${start} + length(${value}) - 1) END`;
  });
  return `nullif(concat_ws('&', ${parts.join(', ')}), '')`;
}

function planSed(args: Extract<RexArgs, { mode: 'sed' }>, rel: Relation): void {
  const value = rel.ref(args.field);
  if (value.kind === 'null') return;
  const { sed } = args;
  if (sed.kind === 's') rel.regexes.push({ pattern: sed.re.pattern, span: sed.re.span });
  const one = (x: string): string =>
    sed.kind === 'y'
      ? `translate(${x}, ${quoteString(sed.from)}, ${quoteString(sed.to)})`
      : `regexp_replace(${x}, ${quoteString(sed.re.pattern)}, ${quoteString(sed.replacement)}, ${quoteString(`${sed.global ? 'g' : ''}${sed.ignoreCase ? 'i' : ''}`)})`;
  if (value.kind === 'mv') assign(rel, [{ name: args.field, sql: `list_transform(${value.sql}, x -> ${one('x')})`, kind: 'mv' }], []);
  else assign(rel, [{ name: args.field, sql: one(asStr(value)), kind: 'str' }], []);
}

/**
 * `rex [field=_raw] "re with (?<name>…)" [max_match=1] [offset_field=f]` extracts each named group
 * into a field (max_match=0: every match, as a multivalue); no match leaves fields as they were.
 * `rex [field=_raw] mode=sed "s/re/repl/[g]"` (or `y/abc/xyz/`) rewrites the field in place.
 */
export const rex = command<RexArgs>({
  name: 'rex',
  summary: 'extract fields with a regex: rex [field=f] "(?<name>re)" [max_match=N] | rex mode=sed "s/a/b/g"',
  mode: 'search',
  parse: parseRex,
  plan(args, rel) {
    if (args.mode === 'sed') planSed(args, rel);
    else planExtract(args, rel);
  },
});
