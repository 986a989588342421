import type { TSchema } from 'typebox';
import { stringify } from 'yaml';

type JsonSchema = Record<string, unknown>;

/**
 * A complete, commented `vigil.yaml` with every key at its default. Descriptions become comments;
 * for a tagged union the default variant is written out and the others are shown commented.
 */
export function renderExample(schema: TSchema, header = ''): string {
  const lines: string[] = header === '' ? [] : header.split('\n').map((l) => `# ${l}`.trimEnd());
  if (lines.length > 0) lines.push('');
  renderObject(schema as JsonSchema, 0, lines, undefined);
  return `${lines.join('\n')}\n`;
}

function renderObject(schema: JsonSchema, depth: number, out: string[], given: Record<string, unknown> | undefined): void {
  const properties = (schema['properties'] as Record<string, JsonSchema> | undefined) ?? {};
  const required = new Set((schema['required'] as string[] | undefined) ?? []);
  const indent = '  '.repeat(depth);
  for (const [name, child] of Object.entries(properties)) {
    const description = child['description'];
    if (typeof description === 'string') {
      if (depth === 0 && out.length > 0 && out[out.length - 1] !== '') out.push('');
      for (const line of description.split('\n')) out.push(`${indent}# ${line}`.trimEnd());
    }
    const value = given?.[name] ?? child['default'];
    if (isObjectSchema(child)) {
      out.push(`${indent}${name}:`);
      renderObject(child, depth + 1, out, value as Record<string, unknown> | undefined);
    } else if (Array.isArray(child['anyOf']) && (child['anyOf'] as JsonSchema[]).every(isObjectSchema)) {
      renderUnion(name, child, depth, out, value);
    } else if (value === undefined) {
      const example = Array.isArray(child['examples']) ? (child['examples'] as unknown[])[0] : undefined;
      const note = required.has(name) ? 'required' : 'optional, no default';
      out.push(`${indent}# ${name}: ${example === undefined ? '' : inline(example)}  # ${note}`);
    } else {
      out.push(`${indent}${name}: ${inline(value)}`);
    }
  }
}

function renderUnion(name: string, schema: JsonSchema, depth: number, out: string[], value: unknown): void {
  const indent = '  '.repeat(depth);
  const branches = schema['anyOf'] as JsonSchema[];
  const chosen = (value as Record<string, unknown> | undefined)?.['type'];
  for (const branch of branches) {
    const tag = ((branch['properties'] as Record<string, JsonSchema>)['type'] ?? {})['const'];
    const active = tag === chosen;
    const body: string[] = [];
    renderObject(branch, depth + 1, body, active ? (value as Record<string, unknown>) : { type: tag });
    const block = [`${indent}${name}:`, ...body.map((l) => (l.trim().startsWith('#') ? l : l))];
    if (active) out.push(...block);
    else out.push(`${indent}# alternative:`, ...block.map((l) => `${indent}# ${l.slice(indent.length)}`));
  }
}

function isObjectSchema(schema: JsonSchema): boolean {
  return schema['type'] === 'object' && schema['properties'] !== undefined;
}

function inline(value: unknown): string {
  return stringify(value, { flow: true }).trim();
}
