import { VigilError, err, ok, type Result } from '../../core/index.js';
import { compileKey, type KeyResolver, type PolicyContext } from './context.js';
import { toPattern } from './glob.js';

type Part = { readonly text: string } | { readonly key: string; readonly resolve: KeyResolver };

/** A resource or condition value with policy variables, compiled once per policy version. */
export interface Template {
  readonly parts: readonly Part[];
  /** The pattern when the template has no variables. */
  readonly constant: string | undefined;
  /** The text as the policy wrote it (for explanations). */
  readonly source: string;
}

const ESCAPES: Readonly<Record<string, string>> = { '*': '*', '?': '?', $: '$' };

/**
 * Parses `${…}` variables. Outside variables `*`/`?` are wildcards; `${*}`, `${?}`, `${$}` are
 * the literal characters; a variable's value is always literal (a client id `a*` matches only `a*`).
 */
export function compileTemplate(text: string, wildcards = true): Result<Template> {
  const parts: Part[] = [];
  let index = 0;
  let buffer = '';
  while (index < text.length) {
    const start = text.indexOf('${', index);
    if (start === -1) {
      buffer += wildcards ? toPattern(text.slice(index)) : text.slice(index);
      break;
    }
    buffer += wildcards ? toPattern(text.slice(index, start)) : text.slice(index, start);
    const end = text.indexOf('}', start + 2);
    if (end === -1) return err(new VigilError('policy.malformed', `unterminated policy variable in "${text}"`, { hint: 'write variables as ${iot:ClientId}' }));
    const name = text.slice(start + 2, end);
    const escaped = ESCAPES[name];
    if (escaped !== undefined) buffer += escaped;
    else {
      if (!/^[A-Za-z]+:[A-Za-z0-9.\-_[\]]+$/.test(name)) return err(new VigilError('policy.malformed', `"\${${name}}" is not a policy variable`, { hint: 'variables look like ${iot:ClientId} or ${iot:Connection.Thing.ThingName}' }));
      if (buffer !== '') parts.push({ text: buffer });
      buffer = '';
      parts.push({ key: name, resolve: compileKey(name) });
    }
    index = end + 1;
  }
  if (buffer !== '' || parts.length === 0) parts.push({ text: buffer });
  const constant = parts.length === 1 && 'text' in (parts[0] as Part) ? (parts[0] as { text: string }).text : undefined;
  return ok({ parts, constant, source: text });
}

/** The pattern for this request, or undefined when a variable has no value (the pattern then matches nothing). */
export function renderTemplate(template: Template, context: PolicyContext): string | undefined {
  if (template.constant !== undefined) return template.constant;
  let out = '';
  for (const part of template.parts) {
    if ('text' in part) out += part.text;
    else {
      const values = part.resolve(context);
      if (values === undefined || values[0] === undefined) return undefined;
      out += values[0];
    }
  }
  return out;
}
