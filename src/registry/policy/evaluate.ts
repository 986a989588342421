import type { PolicyContext } from './context.js';
import { conditionsHold } from './conditions.js';
import type { CompiledPolicy, CompiledStatement } from './document.js';
import { globMatch } from './glob.js';
import { renderTemplate, type Template } from './template.js';

export interface Decision {
  readonly allowed: boolean;
  readonly reason: 'allow' | 'explicit_deny' | 'implicit_deny';
  /** The statement that decided (the first matching Deny, or the first matching Allow). */
  readonly policyName?: string;
  readonly statement?: number;
}

/**
 * IAM evaluation over every policy in force: implicitly denied unless an Allow matches; any
 * matching Deny wins over every Allow.
 */
export function evaluatePolicies(policies: readonly CompiledPolicy[], action: string, resource: string, context: PolicyContext): Decision {
  const lowerAction = action.toLowerCase();
  let allow: Decision | undefined;
  for (const policy of policies) {
    const statements = policy.statements;
    for (let index = 0; index < statements.length; index++) {
      const statement = statements[index] as CompiledStatement;
      if (statement.effect === 'Allow' && allow !== undefined) continue;
      if (!applies(statement, lowerAction, resource, context)) continue;
      if (statement.effect === 'Deny') return { allowed: false, reason: 'explicit_deny', policyName: policy.policyName, statement: index };
      allow = { allowed: true, reason: 'allow', policyName: policy.policyName, statement: index };
    }
  }
  return allow ?? { allowed: false, reason: 'implicit_deny' };
}

function applies(statement: CompiledStatement, action: string, resource: string, context: PolicyContext): boolean {
  if (statement.actions !== undefined ? !anyGlob(statement.actions, action) : anyGlob(statement.notActions ?? [], action)) return false;
  if (statement.resources !== undefined ? !anyResource(statement.resources, resource, context) : anyResource(statement.notResources ?? [], resource, context)) return false;
  return conditionsHold(statement.conditions, context);
}

function anyGlob(patterns: readonly string[], text: string): boolean {
  for (const pattern of patterns) if (globMatch(pattern, text)) return true;
  return false;
}

function anyResource(templates: readonly Template[], resource: string, context: PolicyContext): boolean {
  for (const template of templates) {
    const pattern = renderTemplate(template, context);
    if (pattern !== undefined && globMatch(pattern, resource)) return true;
  }
  return false;
}
