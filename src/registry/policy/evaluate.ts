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

/** A statement whose action matched the request but whose resource or condition did not. */
export interface NearMiss {
  readonly policyName: string;
  readonly statement: number;
  readonly effect: 'Allow' | 'Deny';
  /** The statement's Resource (or NotResource) entries as written. */
  readonly resources: readonly string[];
  readonly failed: 'resource' | 'condition';
}

/** A decision with the reason in words: what decided it, or why nothing allowed it. */
export interface Explanation extends Decision {
  readonly action: string;
  readonly resource: string;
  /** The Resource entry of the deciding statement that matched. */
  readonly matchedResource?: string | undefined;
  readonly nearMisses: readonly NearMiss[];
  readonly message: string;
}

/**
 * The same decision as evaluatePolicies, explained (for denial log lines and TestAuthorization;
 * never on the hot path). `account` names this server's region and account, so a statement
 * written for another account says so.
 */
export function explainPolicies(policies: readonly CompiledPolicy[], action: string, resource: string, context: PolicyContext, account?: { region: string; accountId: string }): Explanation {
  const decision = evaluatePolicies(policies, action, resource, context);
  const lowerAction = action.toLowerCase();
  const base = { ...decision, action, resource };
  if (decision.policyName !== undefined && decision.statement !== undefined) {
    const policy = policies.find((p) => p.policyName === decision.policyName) as CompiledPolicy;
    const statement = policy.statements[decision.statement] as CompiledStatement;
    const matched = statement.resources?.find((t) => {
      const pattern = renderTemplate(t, context);
      return pattern !== undefined && globMatch(pattern, resource);
    });
    const on = matched !== undefined ? ` (Resource ${matched.source})` : statement.notResources !== undefined ? ' (NotResource)' : '';
    const verb = decision.allowed ? 'allowed' : 'denied';
    return { ...base, matchedResource: matched?.source, nearMisses: [], message: `${action} on ${resource} ${verb} by policy ${decision.policyName} Statement[${decision.statement}]${on}` };
  }
  const nearMisses: NearMiss[] = [];
  for (const policy of policies) {
    policy.statements.forEach((statement, index) => {
      if (statement.effect !== 'Allow') return;
      if (statement.actions !== undefined ? !anyGlob(statement.actions, lowerAction) : anyGlob(statement.notActions ?? [], lowerAction)) return;
      const resources = (statement.resources ?? statement.notResources ?? []).map((t) => t.source);
      const resourceOk = statement.resources !== undefined ? anyResource(statement.resources, resource, context) : !anyResource(statement.notResources ?? [], resource, context);
      nearMisses.push({ policyName: policy.policyName, statement: index, effect: statement.effect, resources, failed: resourceOk ? 'condition' : 'resource' });
    });
  }
  let message: string;
  if (policies.length === 0) message = `${action} on ${resource} implicitly denied: no policy is attached to the certificate (or to the groups of its thing)`;
  else if (nearMisses.length === 0) message = `${action} on ${resource} implicitly denied: no statement of ${policies.map((p) => p.policyName).join(', ')} allows ${action}`;
  else {
    const first = nearMisses[0] as NearMiss;
    const foreign = account === undefined ? undefined : first.resources.find((r) => otherAccount(r, account));
    const why = first.failed === 'condition' ? 'its Condition does not hold' : `its Resource ${first.resources.join(', ')} does not match`;
    const note = foreign !== undefined && account !== undefined ? ` (${foreign} names another region or account than this server's: region ${account.region}, account ${account.accountId})` : '';
    const others = nearMisses.length > 1 ? `; ${nearMisses.length - 1} more statement(s) allow ${action} elsewhere` : '';
    message = `${action} on ${resource} implicitly denied: policy ${first.policyName} Statement[${first.statement}] allows ${action} but ${why}${note}${others}`;
  }
  return { ...base, nearMisses, message };
}

function otherAccount(arn: string, account: { region: string; accountId: string }): boolean {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return false;
  const region = parts[3] as string;
  const accountId = parts[4] as string;
  const literal = (field: string) => field !== '' && !/[*?]|\$\{/.test(field);
  return (literal(region) && region !== account.region) || (literal(accountId) && accountId !== account.accountId);
}
