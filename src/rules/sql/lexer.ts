import { VigilError, err, ok, type Result } from '../../core/index.js';

export type TokenKind = 'ident' | 'keyword' | 'number' | 'string' | 'op' | 'punct' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** Keywords upper-cased; strings unquoted; others as written. */
  readonly text: string;
  readonly offset: number;
  readonly length: number;
}

const KEYWORDS = new Set(['SELECT', 'FROM', 'WHERE', 'AS', 'AND', 'OR', 'NOT', 'IS', 'NULL', 'TRUE', 'FALSE', 'UNDEFINED']);
const TWO_CHAR_OPS = new Set(['<=', '>=', '<>', '!=']);
const ONE_CHAR_OPS = new Set(['=', '<', '>', '+', '-', '*', '/', '%']);
const PUNCT = new Set(['(', ')', ',', '.', '[', ']', '{', '}', ':']);

/** Splits rule SQL into tokens; an unknown character or an unterminated string is an error with its position. */
export function lexSql(sql: string): Result<Token[]> {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < sql.length && /[A-Za-z0-9_]/.test(sql[i] as string)) i++;
      const word = sql.slice(start, i);
      const upper = word.toUpperCase();
      tokens.push(KEYWORDS.has(upper) ? { kind: 'keyword', text: upper, offset: start, length: i - start } : { kind: 'ident', text: word, offset: start, length: i - start });
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < sql.length && /[0-9]/.test(sql[i] as string)) i++;
      if (sql[i] === '.' && /[0-9]/.test(sql[i + 1] ?? '')) {
        i++;
        while (i < sql.length && /[0-9]/.test(sql[i] as string)) i++;
      }
      if ((sql[i] === 'e' || sql[i] === 'E') && /[-+0-9]/.test(sql[i + 1] ?? '')) {
        i += 2;
        while (i < sql.length && /[0-9]/.test(sql[i] as string)) i++;
      }
      tokens.push({ kind: 'number', text: sql.slice(start, i), offset: start, length: i - start });
      continue;
    }
    if (c === "'" || c === '"') {
      // Both quote styles are string literals in AWS IoT SQL; a doubled quote escapes itself.
      let text = '';
      i++;
      for (;;) {
        if (i >= sql.length) return err(sqlError(`unterminated string starting at position ${start + 1}`, start, sql.length - start));
        const d = sql[i] as string;
        if (d === c) {
          if (sql[i + 1] === c) {
            text += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += d;
        i++;
      }
      tokens.push({ kind: 'string', text, offset: start, length: i - start });
      continue;
    }
    const two = sql.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      tokens.push({ kind: 'op', text: two === '!=' ? '<>' : two, offset: start, length: 2 });
      i += 2;
      continue;
    }
    if (ONE_CHAR_OPS.has(c)) {
      tokens.push({ kind: 'op', text: c, offset: start, length: 1 });
      i++;
      continue;
    }
    if (PUNCT.has(c)) {
      tokens.push({ kind: 'punct', text: c, offset: start, length: 1 });
      i++;
      continue;
    }
    return err(sqlError(`unexpected character "${c}" at position ${start + 1}`, start, 1));
  }
  tokens.push({ kind: 'end', text: '', offset: sql.length, length: 0 });
  return ok(tokens);
}

/** `rules.invalid_sql` with the 0-based offset in the span (messages count positions from 1). */
export function sqlError(message: string, offset: number, length: number, hint?: string, details?: Readonly<Record<string, unknown>>): VigilError {
  return new VigilError('rules.invalid_sql', message, { span: { offset, length }, ...(hint === undefined ? {} : { hint }), ...(details === undefined ? {} : { details }) });
}
