import { VigilError, type ErrorCode } from '../../core/index.js';
import type { Aggregation, CommandNode, CompareOp, EvalExpr, Pipeline, SearchExpr, Span } from './ast.js';
import { AGGREGATIONS } from './aggregations.js';
import { lex, spanOf, type Token } from './lexer.js';
import { exprDepth } from './limits.js';
import { argumentBrackets } from './subsearch.js';

/** Parses a pipeline written inside a command's arguments (`join x [search …]`), spans in the whole query. */
export type PipelineParser = (text: string, start: number, end: number, commandsOnly: boolean) => Pipeline;

/** Reads one command's arguments; each command's `parse` drives it. */
export class ArgReader {
  private pos = 0;
  readonly tokens: Token[];

  constructor(readonly text: string, readonly start: number, readonly end: number, readonly mode: 'search' | 'eval', readonly commandName: string, private readonly parsePipeline?: PipelineParser) {
    this.tokens = lex(text, start, end, mode);
  }

  /** The same arguments lexed in the other mode (eval/where switch). */
  relex(mode: 'search' | 'eval'): ArgReader {
    return new ArgReader(this.text, this.start, this.end, mode, this.commandName, this.parsePipeline);
  }

  /**
   * The `[ … ]` arguments of a bracket command (join, append, foreach …) with their spans, and a
   * reader over the rest of the arguments (the brackets blanked, offsets unchanged).
   */
  brackets(): { readonly reader: ArgReader; readonly spans: ReadonlyArray<{ readonly start: number; readonly end: number }> } {
    const spans = argumentBrackets(this.text, this.start, this.end);
    let blanked = this.text;
    for (const b of spans) blanked = `${blanked.slice(0, b.start)}${' '.repeat(b.end - b.start)}${blanked.slice(b.end)}`;
    return { reader: new ArgReader(blanked, this.start, this.end, this.mode, this.commandName, this.parsePipeline), spans };
  }

  /**
   * Parses the pipeline inside a bracket argument (between `[` and `]`): a search, or with
   * `commandsOnly` a pipeline of commands over the current results (appendpipe).
   */
  pipeline(bracket: { readonly start: number; readonly end: number }, commandsOnly = false): Pipeline {
    if (this.parsePipeline === undefined) throw this.error('spl.unsupported', `'${this.commandName}' cannot run a search here`, { offset: bracket.start, length: bracket.end - bracket.start });
    if (this.text.slice(bracket.start + 1, bracket.end - 1).trim() === '') throw this.error('spl.missing_argument', `the search in [ ] of '${this.commandName}' is empty`, { offset: bracket.start, length: bracket.end - bracket.start }, 'e.g. [search index=main | fields user]');
    return this.parsePipeline(this.text, bracket.start + 1, bracket.end - 1, commandsOnly);
  }

  atEnd(): boolean {
    return this.pos >= this.tokens.length;
  }

  peek(ahead = 0): Token | undefined {
    return this.tokens[this.pos + ahead];
  }

  next(): Token {
    const token = this.tokens[this.pos];
    if (token === undefined) throw this.error('spl.unexpected_end', `'${this.commandName}' ended too early`, this.endSpan());
    this.pos++;
    return token;
  }

  isWord(value: string, ahead = 0, caseSensitive = false): boolean {
    const token = this.peek(ahead);
    if (token === undefined || token.type !== 'word') return false;
    return caseSensitive ? token.value === value : token.value.toLowerCase() === value.toLowerCase();
  }

  isType(type: Token['type'], ahead = 0, value?: string): boolean {
    const token = this.peek(ahead);
    return token !== undefined && token.type === type && (value === undefined || token.value === value);
  }

  expect(type: Token['type'], what: string, value?: string): Token {
    const token = this.peek();
    if (token === undefined || token.type !== type || (value !== undefined && token.value !== value)) {
      throw this.error('spl.unexpected_token', token === undefined ? `expected ${what} at the end of '${this.commandName}'` : `expected ${what}, found '${token.value}'`, token === undefined ? this.endSpan() : spanOf(token));
    }
    this.pos++;
    return token;
  }

  /** A word or a quoted string (field names, values). */
  name(what: string): Token {
    const token = this.peek();
    if (token !== undefined && (token.type === 'word' || token.type === 'string' || token.type === 'quoted')) {
      this.pos++;
      return token;
    }
    return this.expect('word', what);
  }

  /** `key=value` options at the current position (any order), by lowercase key. */
  options(keys: readonly string[]): Record<string, Token> {
    const out: Record<string, Token> = {};
    while (this.isType('word') && this.isType('op', 1, '=') && keys.includes((this.peek() as Token).value.toLowerCase())) {
      const key = this.next().value.toLowerCase();
      this.next();
      out[key] = this.name(`a value for ${key}`);
    }
    return out;
  }

  /** Reads `key=value` options at the current position into `into`; true when there were any. */
  optionsInto(keys: readonly string[], into: Record<string, Token>): boolean {
    const found = this.options(keys);
    Object.assign(into, found);
    return Object.keys(found).length > 0;
  }

  /** Steps over a comma at the current position; true when there was one. */
  skipComma(): boolean {
    if (!this.isType('comma')) return false;
    this.pos++;
    return true;
  }

  rejectRest(): void {
    const token = this.peek();
    if (token !== undefined) throw this.error('spl.unexpected_token', `unexpected '${token.value}' in '${this.commandName}'`, spanOf(token));
  }

  endSpan(): Span {
    return { offset: this.end, length: 0 };
  }

  error(code: ErrorCode, message: string, span: Span, hint?: string): VigilError {
    return new VigilError(code, message, { span, ...(hint === undefined ? {} : { hint }) });
  }
}

/** Splits the query (or the part [start, end)) at top-level pipes and names each command (the first is an implicit `search`). */
export function splitPipeline(text: string, start = 0, end = text.length, commandsOnly = false): Array<{ command: string; span: Span; argsStart: number; argsEnd: number }> {
  const cuts: number[] = [];
  let quote: string | undefined;
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"') quote = c;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '|' && depth === 0) cuts.push(i);
  }
  const bounds: Array<[number, number]> = [];
  let from = start;
  for (const cut of cuts) {
    bounds.push([from, cut]);
    from = cut + 1;
  }
  bounds.push([from, end]);
  const out: Array<{ command: string; span: Span; argsStart: number; argsEnd: number }> = [];
  bounds.forEach(([start, end], index) => {
    let i = start;
    while (i < end && /\s/.test(text[i] as string)) i++;
    const nameMatch = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, end));
    if (index === 0 && !commandsOnly) {
      // `| inputlookup …`: a leading pipe starts with a generating command instead of a base search.
      if (i >= end && bounds.length > 1) return;
      const explicit = nameMatch !== null && nameMatch[0] === 'search' && /^\s|^$/.test(text.slice(i + 6, end).slice(0, 1));
      out.push({ command: 'search', span: { offset: i, length: explicit ? 6 : 0 }, argsStart: explicit ? i + 6 : i, argsEnd: end });
      return;
    }
    if (index === 0 && commandsOnly && i >= end && bounds.length > 1) return;
    if (nameMatch === null) {
      throw new VigilError('spl.missing_command', 'expected a command name after |', { span: { offset: i < end ? i : start, length: 1 }, hint: 'remove the extra | or name a command' });
    }
    out.push({ command: nameMatch[0].toLowerCase(), span: { offset: i, length: nameMatch[0].length }, argsStart: i + nameMatch[0].length, argsEnd: end });
  });
  return out;
}

const COMPARE_OPS = new Set(['=', '!=', '<', '>', '<=', '>=', '==']);

/** Parses a search expression (base search or `search` command) from search-mode tokens. */
export function parseSearchExpr(reader: ArgReader): SearchExpr {
  const expr = parseAnd(reader, false);
  reader.rejectRest();
  return expr;
}

function parseAnd(reader: ArgReader, inGroup: boolean): SearchExpr {
  const items: SearchExpr[] = [];
  while (!reader.atEnd() && !reader.isType('rparen')) {
    if (reader.isWord('AND', 0, true)) {
      reader.next();
      continue;
    }
    items.push(parseOr(reader));
  }
  if (reader.isType('rparen') && !inGroup) throw reader.error('spl.unexpected_token', "unmatched ')'", spanOf(reader.peek() as Token), 'remove it or add the matching (');
  if (items.length === 0) return { kind: 'true' };
  return items.length === 1 ? (items[0] as SearchExpr) : { kind: 'and', items };
}

function parseOr(reader: ArgReader): SearchExpr {
  const items = [parseNot(reader)];
  while (reader.isWord('OR', 0, true)) {
    reader.next();
    items.push(parseNot(reader));
  }
  return items.length === 1 ? (items[0] as SearchExpr) : { kind: 'or', items };
}

/** `NOT NOT x` is `x`: a run of NOTs folds to one or none (no recursion, however long the run). */
function parseNot(reader: ArgReader): SearchExpr {
  let nots = 0;
  while (reader.isWord('NOT', 0, true)) {
    reader.next();
    nots++;
  }
  const inner = parsePrimary(reader);
  return nots % 2 === 1 ? { kind: 'not', expr: inner } : nots > 0 ? { kind: 'not', expr: { kind: 'not', expr: inner } } : inner;
}

function parsePrimary(reader: ArgReader): SearchExpr {
  const token = reader.next();
  if (token.type === 'lparen') {
    const inner = parseAnd(reader, true);
    reader.expect('rparen', "')'");
    return inner;
  }
  if (token.type === 'string') return { kind: 'term', value: token.value, phrase: true, mode: 'default', span: spanOf(token) };
  if (token.type !== 'word') throw reader.error('spl.unexpected_token', `unexpected '${token.value}'`, spanOf(token), 'search terms are words, "phrases" or field=value');
  const upper = token.value.toUpperCase();
  if ((upper === 'CASE' || upper === 'TERM') && reader.isType('lparen')) {
    reader.next();
    const inner = reader.name('a term');
    reader.expect('rparen', "')'");
    return { kind: 'term', value: inner.value, phrase: inner.type === 'string', mode: upper === 'CASE' ? 'case' : 'term', span: spanOf(token) };
  }
  const op = reader.peek();
  if (op !== undefined && op.type === 'op' && COMPARE_OPS.has(op.value)) {
    reader.next();
    const value = reader.peek();
    if (value === undefined || (value.type !== 'word' && value.type !== 'string')) {
      throw reader.error('spl.missing_value', `${token.value}${op.value} needs a value`, value === undefined ? reader.endSpan() : spanOf(value), `quote values with spaces: ${token.value}${op.value}"a b"`);
    }
    reader.next();
    const span = { offset: token.offset, length: value.offset + value.length - token.offset };
    const field = token.value;
    if ((field === 'earliest' || field === 'latest') && op.value === '=') return { kind: 'time', bound: field, value: value.value, span };
    return { kind: 'compare', field, op: (op.value === '==' ? '=' : op.value) as CompareOp, value: value.value, span };
  }
  if (op !== undefined && op.type === 'op' && op.value === '::') {
    reader.next();
    const value = reader.name('a value');
    return { kind: 'indexed', field: token.value, value: value.value, span: { offset: token.offset, length: value.offset + value.length - token.offset } };
  }
  if (reader.isWord('IN', 0, true) && reader.isType('lparen', 1)) {
    reader.next();
    reader.next();
    const values: string[] = [];
    while (!reader.isType('rparen')) {
      if (reader.isType('comma')) {
        reader.next();
        continue;
      }
      values.push(reader.name('a value').value);
    }
    const close = reader.next();
    return { kind: 'in', field: token.value, values, span: { offset: token.offset, length: close.offset + 1 - token.offset } };
  }
  return { kind: 'term', value: token.value, phrase: false, mode: 'default', span: spanOf(token) };
}

/** Eval expressions nest at most this deep (AND/OR chains count once): the SQL they become must stay within DuckDB's expression depth. */
export const MAX_EXPRESSION_DEPTH = 200;

/** Parses one eval/where expression from eval-mode tokens, stopping at a top-level comma or the end. */
export function parseEvalExpr(reader: ArgReader): EvalExpr {
  const start = reader.peek();
  const expr = parseBinary(reader, 0);
  const depth = exprDepth(expr);
  if (depth > MAX_EXPRESSION_DEPTH) {
    throw reader.error('spl.too_deep', `this expression nests ${depth} operations deep; the limit is ${MAX_EXPRESSION_DEPTH}`, start === undefined ? reader.endSpan() : spanOf(start), 'split it into several eval steps (eval a=…, b=a+…)');
  }
  return expr;
}

const LEVELS: ReadonlyArray<ReadonlyArray<string>> = [['OR'], ['XOR'], ['AND'], ['NOT'], ['=', '==', '!=', '<', '>', '<=', '>=', 'LIKE'], ['+', '-', '.'], ['*', '/', '%']];

function opAt(reader: ArgReader, level: number): Token | undefined {
  const token = reader.peek();
  if (token === undefined) return undefined;
  const ops = LEVELS[level] as readonly string[];
  if (token.type === 'op' && ops.includes(token.value)) return token;
  if (token.type === 'word' && ops.includes(token.value.toUpperCase()) && /^[A-Z]+$/i.test(token.value)) return token;
  return undefined;
}

function parseBinary(reader: ArgReader, level: number): EvalExpr {
  if (level === 3) {
    // A run of NOTs folds to one or two (keeping the boolean check), without recursion.
    const nots: Token[] = [];
    while (reader.isWord('NOT')) nots.push(reader.next());
    let inner = parseBinary(reader, 4);
    for (const token of nots.slice(0, nots.length % 2 === 1 ? 1 : Math.min(2, nots.length))) inner = { kind: 'unary', op: 'NOT', expr: inner, span: spanOf(token) };
    return inner;
  }
  if (level >= LEVELS.length) return parseUnary(reader);
  let left = parseBinary(reader, level + 1);
  for (;;) {
    const op = opAt(reader, level);
    if (op === undefined) return left;
    reader.next();
    const right = parseBinary(reader, level + 1);
    left = { kind: 'binary', op: op.type === 'word' ? op.value.toUpperCase() : op.value === '==' ? '=' : op.value, left, right, span: spanOf(op) };
    if (level === 4) return left;
  }
}

function parseUnary(reader: ArgReader): EvalExpr {
  if (reader.isType('op', 0, '-')) {
    // `- - x` folds like NOT NOT: at most two minus signs are kept (the second keeps the conversion to a number).
    const minus: Token[] = [];
    while (reader.isType('op', 0, '-')) minus.push(reader.next());
    let inner = parseUnary(reader);
    for (const token of minus.slice(0, minus.length % 2 === 1 ? 1 : 2)) inner = { kind: 'unary', op: '-', expr: inner, span: spanOf(token) };
    return inner;
  }
  const token = reader.next();
  switch (token.type) {
    case 'number':
      return { kind: 'num', value: Number(token.value) };
    case 'string':
      return { kind: 'str', value: token.value };
    case 'quoted':
      return { kind: 'field', name: token.value, span: spanOf(token) };
    case 'lparen': {
      const inner = parseBinary(reader, 0);
      reader.expect('rparen', "')'");
      return inner;
    }
    case 'word': {
      if (reader.isType('lparen')) {
        reader.next();
        const args: EvalExpr[] = [];
        while (!reader.isType('rparen')) {
          args.push(parseBinary(reader, 0));
          if (reader.isType('comma')) reader.next();
          else if (!reader.isType('rparen')) throw reader.error('spl.unexpected_token', `expected ',' or ')' in ${token.value}()`, reader.peek() === undefined ? reader.endSpan() : spanOf(reader.peek() as Token));
        }
        reader.next();
        return { kind: 'call', name: token.value.toLowerCase(), args, span: spanOf(token) };
      }
      return { kind: 'field', name: token.value, span: spanOf(token) };
    }
    default:
      throw reader.error('spl.unexpected_token', `unexpected '${token.value}' in an expression`, spanOf(token));
  }
}

const AGG_NAME = /^(?:(count|c|dc|distinct_count|estdc|sum|sumsq|avg|mean|min|max|values|list|latest|earliest|latest_time|earliest_time|first|last|median|mode|range|stdev|stdevp|var|varp|rate|per_second|per_minute|per_hour|per_day)|(perc|p|exactperc|upperperc)(\d{1,2}(?:\.\d+)?|100))$/i;

/** Aggregations (`count`, `max(x) AS y`, `perc95(x)`), up to `by`/`over` or the end. */
export function parseAggregations(reader: ArgReader, stopWords: readonly string[]): Aggregation[] {
  const out: Aggregation[] = [];
  while (!reader.atEnd() && !stopWords.some((w) => reader.isWord(w))) {
    if (reader.isType('comma')) {
      reader.next();
      continue;
    }
    const token = reader.expect('word', 'an aggregation such as count or max(field)');
    const match = AGG_NAME.exec(token.value);
    if (match === null) {
      throw reader.error('spl.unknown_function', `unknown aggregation '${token.value}'`, spanOf(token), `supported: ${AGGREGATIONS.filter((a) => a !== 'perc').join(', ')}, perc<N>, p<N>, exactperc<N>, upperperc<N>`);
    }
    const written = (match[1] ?? match[2] as string).toLowerCase();
    let fn = match[1] === undefined ? 'perc' : written;
    if (fn === 'c') fn = 'count';
    if (fn === 'distinct_count' || fn === 'estdc') fn = 'dc';
    if (fn === 'mean') fn = 'avg';
    let field: string | undefined;
    let end = token.offset + token.length;
    if (reader.isType('lparen')) {
      reader.next();
      field = reader.name('a field name').value;
      end = reader.expect('rparen', "')'").offset + 1;
    } else if (fn !== 'count') {
      throw reader.error('spl.missing_argument', `${fn} needs a field: ${fn}(field)`, spanOf(token));
    }
    let as: string | undefined;
    if (reader.isWord('as')) {
      reader.next();
      as = reader.name('a name after AS').value;
    }
    out.push({ fn, ...(match[3] === undefined ? {} : { param: Number(match[3]) }), ...(written === fn ? {} : { written }), field, as, span: { offset: token.offset, length: end - token.offset } });
  }
  return out;
}

/** The default output name of an aggregation (`count`, `max(value.count)`, `perc95(x)`). */
export function aggregationName(agg: Aggregation): string {
  if (agg.as !== undefined) return agg.as;
  const fn = `${agg.written ?? agg.fn}${agg.param ?? ''}`;
  return agg.field === undefined ? fn : `${fn}(${agg.field})`;
}

/** Comma- or space-separated field names up to a stop word or the end. */
export function parseFieldList(reader: ArgReader, stopWords: readonly string[] = []): Token[] {
  const out: Token[] = [];
  while (!reader.atEnd() && !stopWords.some((w) => reader.isWord(w))) {
    if (reader.isType('comma')) {
      reader.next();
      continue;
    }
    out.push(reader.name('a field name'));
  }
  return out;
}

export type { Pipeline, CommandNode };
