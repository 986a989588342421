import { err, ok, type Result } from '../../core/index.js';
import type { Expr, SqlValue } from './ast.js';
import { evaluate } from './evaluate.js';
import type { SqlContext } from './functions.js';
import { parseSqlExpression } from './parser.js';
import { sqlError } from './lexer.js';

/** A compiled AWS substitution template (`alerts/${topic(2)}/${clientid()}`); `constant` when it has no placeholder. */
export type Template = ((scope: SqlValue, context: SqlContext) => string) & { readonly constant?: string };

/** The template's text for a rule hit; the message is not looked at (nor parsed) when the text is constant. */
export function renderTemplate(template: Template, input: { readonly scope: SqlValue; readonly context: SqlContext }): string {
  return template.constant ?? template(input.scope, input.context);
}

/** Compiles `${expr}` placeholders; text without them is returned as is. Undefined values render as empty. */
export function compileTemplate(text: string): Result<Template> {
  if (!text.includes('${')) return ok(Object.assign(() => text, { constant: text }));
  const parts: Array<string | Expr> = [];
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start < 0) {
      parts.push(text.slice(i));
      break;
    }
    parts.push(text.slice(i, start));
    const end = text.indexOf('}', start);
    if (end < 0) return err(sqlError(`unterminated substitution template at position ${start + 1}`, start, text.length - start));
    const parsed = parseSqlExpression(text.slice(start + 2, end), start + 2);
    if (!parsed.ok) return parsed;
    parts.push(parsed.value);
    i = end + 1;
  }
  return ok((scope, context) =>
    parts
      .map((part) => {
        if (typeof part === 'string') return part;
        const value = evaluate(part, scope, context);
        return value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
      })
      .join(''),
  );
}
