/**
 * rules: Vigil's IoT rules engine. Topic rules in the AWS CreateTopicRule shape, a SQL subset
 * (`SELECT … FROM 'filter' WHERE …`, JSON paths, operators, topic()/clientid()/timestamp()/newuuid())
 * evaluated on every MQTT message, `$aws/rules/<rule>` basic ingest, and actions (firehose → stream
 * put port, republish → MQTT publisher port, sns → notifier port) with AWS error-action payloads.
 * SQL size, nesting and term count are bounded at parse; a rule that throws is contained, counted and
 * disabled after `rules.disable_after_failures` in a row; a stored rule that no longer validates is
 * loaded disabled (`health()`). Imports: core, model, config, telemetry, protocol (ARNs, name rules).
 */
export { RulesEngine, type RulesEngineDeps, type RuleHealth } from './rules-engine.js';
export { rulesConfigSchema, type RulesConfig } from './config.js';
export { DEFAULT_SQL_LIMITS, SQL_LIMIT_KEYS, type SqlLimits } from './sql/limits.js';
export { buildRule, compileRule, checkRuleName, type TopicRulePayload, type CompiledRule } from './topic-rule.js';
export { parseRuleSql, parseSqlExpression } from './sql/parser.js';
export { evaluateRule, parsePayload, MAX_PAYLOAD_DEPTH, type RuleOutput, type ParsedPayload } from './sql/evaluate.js';
export { compileTemplate, type Template } from './sql/template.js';
export { topicMatcher, checkTopicFilter } from './sql/topic-filter.js';
export { FUNCTIONS, type SqlContext } from './sql/functions.js';
export { RULE_ACTIONS, type ActionPorts } from './actions/index.js';
export type { RuleStatement, SqlValue, Expr } from './sql/ast.js';
