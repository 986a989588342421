import { VigilError, err, ok, type Result } from '../core/index.js';
import type { TopicRule, TopicRuleAction } from '../model/index.js';
import { RULE_NAME } from '../protocol/index.js';
import { RULE_ACTIONS, type CompiledAction } from './actions/index.js';
import type { RuleStatement } from './sql/ast.js';
import { parseRuleSql } from './sql/parser.js';
import { DEFAULT_SQL_LIMITS, type SqlLimits } from './sql/limits.js';
import { topicMatcher } from './sql/topic-filter.js';

/** AWS `TopicRulePayload`: the body of CreateTopicRule / ReplaceTopicRule. */
export interface TopicRulePayload {
  readonly sql: string;
  readonly actions: readonly TopicRuleAction[];
  readonly description?: string;
  readonly ruleDisabled?: boolean;
  readonly awsIotSqlVersion?: string;
  readonly errorAction?: TopicRuleAction;
}

/** A rule ready to run: parsed SQL, topic matcher, compiled actions. */
export interface CompiledRule {
  readonly rule: TopicRule;
  readonly statement: RuleStatement;
  readonly matches: (topic: string) => boolean;
  readonly actions: readonly CompiledAction[];
  readonly errorAction: CompiledAction | undefined;
}

const SQL_VERSIONS = new Set(['2015-10-08', '2016-03-23', 'beta']);
const MAX_ACTIONS = 10;

export function checkRuleName(ruleName: string): Result<string> {
  if (!RULE_NAME.pattern.test(ruleName)) return err(new VigilError('rules.invalid_name', `rule name "${ruleName}" must be 1-128 characters of [a-zA-Z0-9_]`));
  return ok(ruleName);
}

/** Validates a payload into a rule (SQL parsed, actions compiled) without storing anything. */
export function buildRule(ruleName: string, payload: unknown, now: number, createdAt = now, limits: SqlLimits = DEFAULT_SQL_LIMITS): Result<CompiledRule> {
  const name = checkRuleName(ruleName);
  if (!name.ok) return name;
  if (typeof payload !== 'object' || payload === null) return err(new VigilError('rules.invalid_request', 'the body must be a TopicRulePayload object'));
  const p = payload as Record<string, unknown>;
  if (typeof p['sql'] !== 'string') return err(new VigilError('rules.invalid_request', 'sql is required'));
  if (!Array.isArray(p['actions'])) return err(new VigilError('rules.invalid_request', 'actions is required (an array)'));
  if (p['actions'].length > MAX_ACTIONS) return err(new VigilError('rules.invalid_request', `a rule has at most ${MAX_ACTIONS} actions`));
  const version = p['awsIotSqlVersion'] ?? '2015-10-08';
  if (typeof version !== 'string' || !SQL_VERSIONS.has(version)) return err(new VigilError('rules.invalid_request', `awsIotSqlVersion must be one of ${[...SQL_VERSIONS].join(', ')}`));
  const description = p['description'] ?? '';
  if (typeof description !== 'string') return err(new VigilError('rules.invalid_request', 'description must be a string'));
  const disabled = p['ruleDisabled'] ?? false;
  if (typeof disabled !== 'boolean') return err(new VigilError('rules.invalid_request', 'ruleDisabled must be a boolean'));

  const rule: TopicRule = {
    ruleName,
    sql: p['sql'],
    description,
    actions: p['actions'] as TopicRuleAction[],
    errorAction: p['errorAction'] as TopicRuleAction | undefined,
    ruleDisabled: disabled,
    awsIotSqlVersion: version,
    createdAt,
    updatedAt: now,
  };
  return compileRule(rule, limits);
}

/** Parses and compiles a stored rule. */
export function compileRule(rule: TopicRule, limits: SqlLimits = DEFAULT_SQL_LIMITS): Result<CompiledRule> {
  if (typeof rule.sql !== 'string') return err(new VigilError('rules.invalid_request', 'sql is required'));
  if (!Array.isArray(rule.actions)) return err(new VigilError('rules.invalid_request', `actions must be an array${typeof rule.actions === 'string' ? ` (stored: ${rule.actions})` : ''}`));
  const statement = parseRuleSql(rule.sql, limits);
  if (!statement.ok) return statement;
  const actions: CompiledAction[] = [];
  for (const [i, action] of rule.actions.entries()) {
    const compiled = compileAction(action, `actions[${i}]`);
    if (!compiled.ok) return compiled;
    actions.push(compiled.value);
  }
  let errorAction: CompiledAction | undefined;
  if (rule.errorAction !== undefined && rule.errorAction !== null) {
    const compiled = compileAction(rule.errorAction, 'errorAction');
    if (!compiled.ok) return compiled;
    errorAction = compiled.value;
  }
  return ok({ rule, statement: statement.value, matches: topicMatcher(statement.value.from), actions, errorAction });
}

function compileAction(action: unknown, path: string): Result<CompiledAction> {
  if (typeof action !== 'object' || action === null) return err(new VigilError('rules.invalid_action', `${path} must be an object`));
  const keys = Object.keys(action).filter((k) => (action as Record<string, unknown>)[k] !== undefined && (action as Record<string, unknown>)[k] !== null);
  if (keys.length !== 1) return err(new VigilError('rules.invalid_action', `${path} must set exactly one action type, found ${keys.length === 0 ? 'none' : keys.join(', ')}`));
  const key = keys[0] as string;
  const type = RULE_ACTIONS[key];
  if (type === undefined) {
    return err(new VigilError('rules.invalid_action', `${path}: action type "${key}" is not supported by Vigil`, { hint: `supported: ${Object.keys(RULE_ACTIONS).join(', ')}` }));
  }
  const params = (action as Record<string, unknown>)[key];
  if (typeof params !== 'object' || params === null) return err(new VigilError('rules.invalid_action', `${path}.${key} must be an object`));
  const compiled = type.compile(params as Record<string, unknown>);
  if (!compiled.ok) return err(new VigilError(compiled.error.code, `${path}.${key}: ${compiled.error.message}`, { ...(compiled.error.span === undefined ? {} : { span: compiled.error.span }) }));
  return compiled;
}
