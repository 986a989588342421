/** Statements of an IoT policy document, normalized for the policy checks (the registry validated the grammar). */
export interface Statement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  /** True for `NotAction` (the statement covers every action except `actions`). */
  readonly notAction: boolean;
  readonly resources: readonly string[];
  readonly notResource: boolean;
  readonly condition: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export function statementsOf(document: string): Statement[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return [];
  }
  const raw = (parsed as { Statement?: unknown }).Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.flatMap((s: Record<string, unknown>) => {
    if (typeof s !== 'object' || s === null) return [];
    const effect = s['Effect'] === 'Deny' ? 'Deny' : 'Allow';
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
    const notAction = s['NotAction'] !== undefined;
    const notResource = s['NotResource'] !== undefined;
    return [{
      effect,
      actions: strings(notAction ? s['NotAction'] : s['Action']),
      notAction,
      resources: strings(notResource ? s['NotResource'] : s['Resource']),
      notResource,
      condition: (typeof s['Condition'] === 'object' && s['Condition'] !== null ? s['Condition'] : {}) as Statement['condition'],
    }];
  });
}

/** IAM glob: `*` any sequence, `?` one character; `${*}`, `${?}`, `${$}` are literals. */
export function globMatches(pattern: string, value: string, ignoreCase = false): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '$' && pattern.startsWith('${', i) && pattern[i + 3] === '}' && '*?$'.includes(pattern[i + 2] ?? '')) {
      re += escape(pattern[i + 2] as string);
      i += 3;
    } else if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += escape(ch);
  }
  return new RegExp(`${re}$`, ignoreCase ? 'is' : 's').test(value);
}

function escape(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function coversAction(statement: Statement, action: string): boolean {
  const hit = statement.actions.some((a) => globMatches(a, action, true));
  return statement.notAction ? !hit : hit;
}

export function coversResource(statement: Statement, resource: string, resolve: (pattern: string) => string = (p) => p): boolean {
  const hit = statement.resources.some((r) => globMatches(resolve(r), resource));
  return statement.notResource ? !hit : hit;
}

/** True when the statement requires `iot:Connection.Thing.IsAttached` to be true. */
export function requiresAttachedThing(statement: Statement): boolean {
  for (const [operator, block] of Object.entries(statement.condition)) {
    if (!operator.startsWith('Bool')) continue;
    for (const [key, value] of Object.entries(block)) {
      if (key.toLowerCase() === 'iot:connection.thing.isattached' && (value === 'true' || value === true || (Array.isArray(value) && value.includes('true')))) return true;
    }
  }
  return false;
}
