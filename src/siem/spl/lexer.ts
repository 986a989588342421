import { VigilError } from '../../core/index.js';
import type { Span } from './ast.js';

/**
 * SPL has two lexical modes. `search` mode (base search and most command arguments): words run until
 * whitespace or one of `( ) , = != < > <= >= ::` and may hold `* : . - @ / {}`. `eval` mode (eval and
 * where): identifiers, numbers, operators. Offsets are absolute in the query text, for carets.
 */
export type TokenType = 'word' | 'string' | 'quoted' | 'number' | 'op' | 'lparen' | 'rparen' | 'comma' | 'lbracket' | 'rbracket';

export interface Token {
  readonly type: TokenType;
  readonly value: string;
  readonly offset: number;
  readonly length: number;
}

const SEARCH_OPS = ['!=', '<=', '>=', '::', '==', '=', '<', '>'];
const EVAL_OPS = ['==', '!=', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '%', '.'];

export function lex(text: string, start: number, end: number, mode: 'search' | 'eval'): Token[] {
  const tokens: Token[] = [];
  let i = start;
  while (i < end) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (c === '"' || (c === "'" && mode === 'eval')) {
      const quote = c;
      let value = '';
      i++;
      while (i < end && text[i] !== quote) {
        if (text[i] === '\\' && i + 1 < end && (text[i + 1] === quote || text[i + 1] === '\\')) i++;
        value += text[i];
        i++;
      }
      if (i >= end) throw new VigilError('spl.unterminated_string', 'a quoted string is not closed', { span: { offset: at, length: end - at }, hint: `add the closing ${quote}` });
      i++;
      tokens.push({ type: quote === '"' ? 'string' : 'quoted', value, offset: at, length: i - at });
      continue;
    }
    const single: Record<string, TokenType> = { '(': 'lparen', ')': 'rparen', ',': 'comma', '[': 'lbracket', ']': 'rbracket' };
    const type = single[c];
    if (type !== undefined && !(mode === 'search' && (c === '[' || c === ']'))) {
      tokens.push({ type, value: c, offset: at, length: 1 });
      i++;
      continue;
    }
    if (mode === 'search') {
      const op = SEARCH_OPS.find((o) => text.startsWith(o, i));
      if (op !== undefined) {
        tokens.push({ type: 'op', value: op, offset: at, length: op.length });
        i += op.length;
        continue;
      }
      while (i < end && !/[\s(),"=<>]/.test(text[i] as string) && !text.startsWith('!=', i) && !text.startsWith('::', i)) i++;
      tokens.push({ type: 'word', value: text.slice(at, i), offset: at, length: i - at });
      continue;
    }
    // eval mode
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const match = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i, end)) as RegExpExecArray;
      // a number directly followed by letters is a field name (e.g. 5min is not valid unquoted anyway)
      i += match[0].length;
      tokens.push({ type: 'number', value: match[0], offset: at, length: i - at });
      continue;
    }
    if (/[A-Za-z_@$]/.test(c)) {
      // Field names may hold dots and {} (`value.count`, `ports{}`) when written without spaces.
      while (i < end && (/[A-Za-z0-9_@$:{}]/.test(text[i] as string) || (text[i] === '.' && /[A-Za-z_{]/.test(text[i + 1] ?? '')))) i++;
      tokens.push({ type: 'word', value: text.slice(at, i), offset: at, length: i - at });
      continue;
    }
    const op = EVAL_OPS.find((o) => text.startsWith(o, i));
    if (op !== undefined) {
      tokens.push({ type: 'op', value: op, offset: at, length: op.length });
      i += op.length;
      continue;
    }
    throw new VigilError('spl.unexpected_character', `unexpected character '${c}'`, { span: { offset: at, length: 1 } });
  }
  return tokens;
}

export function spanOf(token: Token): Span {
  return { offset: token.offset, length: token.length };
}
