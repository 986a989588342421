import { VigilError } from '../../../core/index.js';
import type { Token } from '../lexer.js';
import { spanOf } from '../lexer.js';
import type { ArgReader } from '../parser.js';
import { parseSpan } from '../time-modifiers.js';

/** A plain decimal number as an option value (`-1.5`, `.5`, `2e3`). */
export const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** True for the words SPL takes as true in an option: t, true, 1, yes (case-insensitive). */
export function isTrue(text: string): boolean {
  return /^(t|true|1|yes)$/i.test(text);
}

/** A `key=t|f` option: t, true, 1, yes / f, false, 0, no (case-insensitive); `fallback` when absent. */
export function booleanOption(reader: ArgReader, key: string, token: Token | undefined, fallback: boolean): boolean {
  if (token === undefined) return fallback;
  if (isTrue(token.value)) return true;
  if (/^(f|false|0|no)$/i.test(token.value)) return false;
  throw reader.error('spl.invalid_argument', `${key}= takes true or false, not '${token.value}'`, spanOf(token), `e.g. ${key}=${fallback ? 'f' : 't'}`);
}

/** A whole number at least `min` (a `key=N` option or a bare count). */
export function integerOption(reader: ArgReader, what: string, token: Token, min = 0): number {
  if (!/^\d+$/.test(token.value) || Number(token.value) < min) {
    throw reader.error('spl.invalid_argument', `${what} must be a whole number${min > 0 ? ` of at least ${min}` : ''}, not '${token.value}'`, spanOf(token));
  }
  return Number(token.value);
}

/** A `span=` value (`5m`, `1h`, `1mon`) read with parseSpan; an invalid one's error points at the token. */
export function spanOption(token: Token): ReturnType<typeof parseSpan> {
  try {
    return parseSpan(token.value);
  } catch (error) {
    if (error instanceof VigilError) throw new VigilError(error.code, error.message, { span: spanOf(token), ...(error.hint === undefined ? {} : { hint: error.hint }) });
    throw error;
  }
}
