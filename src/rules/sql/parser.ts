import { err, ok, type Result, VigilError } from '../../core/index.js';
import type { BinaryOp, Expr, PathStep, RuleStatement, SelectItem } from './ast.js';
import { lexSql, sqlError, type Token } from './lexer.js';
import { FUNCTIONS } from './functions.js';
import { checkTopicFilter } from './topic-filter.js';
import { DEFAULT_SQL_LIMITS, SQL_LIMIT_KEYS, type SqlLimits } from './limits.js';

/**
 * Parses `SELECT * | expr [AS name], … FROM 'topic/filter' [WHERE condition]`; errors carry the
 * position. Size, nesting depth and term count are bounded by `limits`, so that neither this parser
 * nor the evaluator can run out of stack on a statement it accepted.
 */
export function parseRuleSql(sql: string, limits: SqlLimits = DEFAULT_SQL_LIMITS): Result<RuleStatement> {
  const tooLong = checkSize(sql, limits);
  if (tooLong !== undefined) return err(tooLong);
  const lexed = lexSql(sql);
  if (!lexed.ok) return lexed;
  try {
    return ok(new Parser(lexed.value, limits).statement());
  } catch (error) {
    if (error instanceof VigilError) return err(error);
    throw error;
  }
}

/** Parses one expression (a `${…}` substitution template); positions are offset by `baseOffset`. */
export function parseSqlExpression(text: string, baseOffset = 0, limits: SqlLimits = DEFAULT_SQL_LIMITS): Result<Expr> {
  const tooLong = checkSize(text, limits);
  if (tooLong !== undefined) return err(tooLong);
  const lexed = lexSql(text);
  if (!lexed.ok) return err(shift(lexed.error, baseOffset));
  try {
    return ok(new Parser(lexed.value, limits).standalone());
  } catch (error) {
    if (error instanceof VigilError) return err(shift(error, baseOffset));
    throw error;
  }
}

function shift(error: VigilError, baseOffset: number): VigilError {
  if (baseOffset === 0 || error.span?.offset === undefined) return error;
  const offset = error.span.offset + baseOffset;
  return sqlError(error.message.replace(/position (\d+)/, (_m, p: string) => `position ${Number(p) + baseOffset}`), offset, error.span.length ?? 0, error.hint);
}

function checkSize(text: string, limits: SqlLimits): VigilError | undefined {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only long statements need counting.
  if (text.length * 3 <= limits.maxBytes) return undefined;
  const bytes = Buffer.byteLength(text);
  if (bytes <= limits.maxBytes) return undefined;
  return new VigilError('rules.invalid_sql', `the statement is ${bytes} bytes, more than the limit of ${limits.maxBytes} (${SQL_LIMIT_KEYS.maxBytes})`, {
    hint: `shorten the statement or raise ${SQL_LIMIT_KEYS.maxBytes}`,
    details: { limit: SQL_LIMIT_KEYS.maxBytes, value: limits.maxBytes },
  });
}

const COMPARISONS = new Set(['=', '<>', '<', '<=', '>', '>=']);

class Parser {
  private index = 0;
  private depth = 0;
  private terms = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly limits: SqlLimits,
  ) {}

  /** Runs `parse` one nesting level deeper; refuses to go past the depth limit. */
  private nested<T>(parse: () => T): T {
    if (++this.depth > this.limits.maxDepth) {
      const token = this.peek();
      throw sqlError(`the expression nests deeper than the limit of ${this.limits.maxDepth} levels at position ${token.offset + 1} (${SQL_LIMIT_KEYS.maxDepth})`, token.offset, token.length, `flatten the expression or raise ${SQL_LIMIT_KEYS.maxDepth}`, { limit: SQL_LIMIT_KEYS.maxDepth, value: this.limits.maxDepth });
    }
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  /** Counts one AST node; refuses statements with more than the term limit. */
  private node<T extends Expr>(expr: T): T {
    if (++this.terms > this.limits.maxTerms) {
      const token = this.tokens[Math.max(0, this.index - 1)] ?? this.peek();
      throw sqlError(`the statement has more than the limit of ${this.limits.maxTerms} terms (values, fields, calls and operators), reached at position ${token.offset + 1} (${SQL_LIMIT_KEYS.maxTerms})`, token.offset, token.length, `split the condition over several rules or raise ${SQL_LIMIT_KEYS.maxTerms}`, { limit: SQL_LIMIT_KEYS.maxTerms, value: this.limits.maxTerms });
    }
    return expr;
  }

  statement(): RuleStatement {
    this.expectKeyword('SELECT');
    const select: SelectItem[] = [];
    do select.push(this.selectItem(select.length + 1));
    while (this.acceptPunct(','));
    this.expectKeyword('FROM', 'every rule reads from a topic filter: SELECT … FROM \'my/topic/#\'');
    const from = this.peek();
    if (from.kind !== 'string') throw this.unexpected(from, 'a quoted topic filter', "quote the topic filter: FROM 'sensors/+/data'");
    this.index++;
    const problem = checkTopicFilter(from.text);
    if (problem !== undefined) throw sqlError(`invalid topic filter at position ${from.offset + 1}: ${problem}`, from.offset, from.length);
    let where: Expr | undefined;
    if (this.acceptKeyword('WHERE')) where = this.expression();
    const end = this.peek();
    if (end.kind !== 'end') throw this.unexpected(end, 'the end of the statement');
    return { select, from: from.text, where };
  }

  standalone(): Expr {
    const expr = this.expression();
    const end = this.peek();
    if (end.kind !== 'end') throw this.unexpected(end, 'the end of the expression');
    return expr;
  }

  private selectItem(position: number): SelectItem {
    const token = this.peek();
    if (token.kind === 'op' && token.text === '*') {
      this.index++;
      return { kind: 'star' };
    }
    const expr = this.expression();
    if (this.acceptKeyword('AS')) {
      const name: string[] = [this.aliasPart()];
      while (this.acceptPunct('.')) name.push(this.aliasPart());
      return { kind: 'expr', expr, name };
    }
    return { kind: 'expr', expr, name: [defaultName(expr, position)] };
  }

  private aliasPart(): string {
    const token = this.peek();
    if (token.kind === 'ident' || token.kind === 'string' || token.kind === 'keyword') {
      this.index++;
      return token.text;
    }
    throw this.unexpected(token, 'a name after AS');
  }

  private expression(): Expr {
    return this.nested(() => this.or());
  }

  private or(): Expr {
    let left = this.and();
    while (this.acceptKeyword('OR')) left = this.node({ kind: 'binary', op: 'OR', left, right: this.and() });
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.acceptKeyword('AND')) left = this.node({ kind: 'binary', op: 'AND', left, right: this.not() });
    return left;
  }

  private not(): Expr {
    if (this.acceptKeyword('NOT')) return this.node({ kind: 'unary', op: 'NOT', operand: this.nested(() => this.not()) });
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    const token = this.peek();
    if (token.kind === 'op' && COMPARISONS.has(token.text)) {
      this.index++;
      return this.node({ kind: 'binary', op: token.text as BinaryOp, left, right: this.additive() });
    }
    if (this.acceptKeyword('IS')) {
      const negated = this.acceptKeyword('NOT');
      const test = this.peek();
      if (test.kind === 'keyword' && (test.text === 'NULL' || test.text === 'UNDEFINED')) {
        this.index++;
        return this.node({ kind: 'is', operand: left, test: test.text, negated });
      }
      throw this.unexpected(test, 'NULL or UNDEFINED after IS');
    }
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'op' || (token.text !== '+' && token.text !== '-')) return left;
      this.index++;
      left = this.node({ kind: 'binary', op: token.text, left, right: this.multiplicative() });
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'op' || (token.text !== '*' && token.text !== '/' && token.text !== '%')) return left;
      this.index++;
      left = this.node({ kind: 'binary', op: token.text, left, right: this.unary() });
    }
  }

  private unary(): Expr {
    const token = this.peek();
    if (token.kind === 'op' && token.text === '-') {
      this.index++;
      const operand = this.nested(() => this.unary());
      if (operand.kind === 'literal' && typeof operand.value === 'number') return { kind: 'literal', value: -operand.value };
      return this.node({ kind: 'unary', op: '-', operand });
    }
    return this.primary();
  }

  private primary(): Expr {
    const token = this.peek();
    this.index++;
    switch (token.kind) {
      case 'number':
        return this.node({ kind: 'literal', value: Number(token.text) });
      case 'string':
        return this.node({ kind: 'literal', value: token.text });
      case 'keyword':
        if (token.text === 'TRUE') return this.node({ kind: 'literal', value: true });
        if (token.text === 'FALSE') return this.node({ kind: 'literal', value: false });
        if (token.text === 'NULL') return this.node({ kind: 'literal', value: null });
        if (token.text === 'UNDEFINED') return this.node({ kind: 'literal', value: undefined });
        break;
      case 'ident': {
        if (this.acceptPunct('(')) return this.node(this.call(token));
        return this.node({ kind: 'path', root: token.text, steps: this.steps() });
      }
      case 'punct':
        if (token.text === '(') {
          const inner = this.expression();
          this.expectPunct(')');
          return inner;
        }
        if (token.text === '{') return this.node(this.nested(() => this.objectLiteral()));
        if (token.text === '[') return this.node(this.nested(() => this.arrayLiteral()));
        break;
      default:
        break;
    }
    this.index--;
    throw this.unexpected(token, 'a value, a field or a function call');
  }

  private call(name: Token): Expr {
    const lower = name.text.toLowerCase();
    const spec = FUNCTIONS[lower];
    if (spec === undefined) throw sqlError(`unknown function ${name.text}() at position ${name.offset + 1}`, name.offset, name.length, `supported functions: ${Object.keys(FUNCTIONS).join(', ')}`);
    const args: Expr[] = [];
    if (!this.acceptPunct(')')) {
      do args.push(this.expression());
      while (this.acceptPunct(','));
      this.expectPunct(')');
    }
    if (args.length < spec.minArgs || args.length > spec.maxArgs) {
      const expected = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs === Infinity ? 'any number of' : spec.maxArgs}`;
      throw sqlError(`${lower}() at position ${name.offset + 1} takes ${expected} argument(s), got ${args.length}`, name.offset, name.length);
    }
    return { kind: 'call', name: lower, args, steps: this.steps() };
  }

  private steps(): PathStep[] {
    const steps: PathStep[] = [];
    for (;;) {
      if (this.acceptPunct('.')) {
        const key = this.peek();
        if (key.kind !== 'ident' && key.kind !== 'keyword') throw this.unexpected(key, 'a field name after "."', 'use get(x, "my-key") for names with hyphens or leading digits');
        this.index++;
        steps.push({ kind: 'key', key: key.text });
        continue;
      }
      if (this.acceptPunct('[')) {
        steps.push({ kind: 'index', index: this.expression() });
        this.expectPunct(']');
        continue;
      }
      return steps;
    }
  }

  private objectLiteral(): Expr {
    const entries: Array<readonly [string, Expr]> = [];
    if (!this.acceptPunct('}')) {
      do {
        const key = this.peek();
        if (key.kind !== 'string' && key.kind !== 'ident') throw this.unexpected(key, 'an object key');
        this.index++;
        this.expectPunct(':');
        entries.push([key.text, this.expression()]);
      } while (this.acceptPunct(','));
      this.expectPunct('}');
    }
    return { kind: 'object', entries };
  }

  private arrayLiteral(): Expr {
    const items: Expr[] = [];
    if (!this.acceptPunct(']')) {
      do items.push(this.expression());
      while (this.acceptPunct(','));
      this.expectPunct(']');
    }
    return { kind: 'array', items };
  }

  private peek(): Token {
    return this.tokens[this.index] ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  private acceptKeyword(word: string): boolean {
    const token = this.peek();
    if (token.kind === 'keyword' && token.text === word) {
      this.index++;
      return true;
    }
    return false;
  }

  private expectKeyword(word: string, hint?: string): void {
    if (!this.acceptKeyword(word)) throw this.unexpected(this.peek(), word, hint);
  }

  private acceptPunct(text: string): boolean {
    const token = this.peek();
    if (token.kind === 'punct' && token.text === text) {
      this.index++;
      return true;
    }
    return false;
  }

  private expectPunct(text: string): void {
    if (!this.acceptPunct(text)) throw this.unexpected(this.peek(), `"${text}"`);
  }

  private unexpected(token: Token, expected: string, hint?: string): VigilError {
    const found = token.kind === 'end' ? 'the end of the statement' : token.kind === 'string' ? `'${token.text}'` : `"${token.text}"`;
    return sqlError(`expected ${expected} at position ${token.offset + 1}, found ${found}`, token.offset, token.length, hint);
  }
}

function defaultName(expr: Expr, position: number): string {
  if (expr.kind === 'path') {
    const last = expr.steps.at(-1);
    if (last === undefined) return expr.root;
    if (last.kind === 'key') return last.key;
  }
  if (expr.kind === 'call' && expr.steps.length === 0) return expr.name;
  return `_${position}`;
}
