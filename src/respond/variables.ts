import { VigilError, err, ok, type Result } from '../core/index.js';

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

/**
 * Replaces `${name}` in every string of `value` (nested lists and objects too) with the run's
 * variables. A name the trigger did not set is an error naming it, never a silent empty string.
 */
export function substitute(value: unknown, variables: Readonly<Record<string, string>>): Result<unknown> {
  if (typeof value === 'string') {
    const missing: string[] = [];
    const text = value.replace(PLACEHOLDER, (_whole, name: string) => {
      const found = variables[name];
      if (found === undefined) missing.push(name);
      return found ?? '';
    });
    if (missing.length > 0) return err(new VigilError('playbook_step.no_target', `\${${missing[0]}} is not set by this run's trigger (set: ${Object.keys(variables).sort().join(', ') || 'none'})`));
    return ok(text);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const replaced = substitute(item, variables);
      if (!replaced.ok) return replaced;
      out.push(replaced.value);
    }
    return ok(out);
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const replaced = substitute(item, variables);
      if (!replaced.ok) return replaced;
      out[key] = replaced.value;
    }
    return ok(out);
  }
  return ok(value);
}

/** Flattens a result row into `row.FIELD` variables (multivalue fields joined with commas). */
export function rowVariables(row: Readonly<Record<string, string | readonly string[]>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(row)) out[`row.${key}`] = typeof value === 'string' ? value : value.join(',');
  return out;
}
