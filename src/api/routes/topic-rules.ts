import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { unwrap } from '../../core/index.js';
import type { TopicRule } from '../../model/index.js';
import { parseRuleSql } from '../../rules/index.js';
import type { ApiDeps } from '../deps.js';

const RuleParams = Type.Object({ ruleName: Type.String() });

/** AWS timestamps in rest-json bodies are epoch seconds. */
const seconds = (ms: number): number => ms / 1000;

function ruleView(rule: TopicRule): Record<string, unknown> {
  const view: Record<string, unknown> = {
    ruleName: rule.ruleName,
    sql: rule.sql,
    description: rule.description,
    createdAt: seconds(rule.createdAt),
    actions: rule.actions,
    ruleDisabled: rule.ruleDisabled,
    awsIotSqlVersion: rule.awsIotSqlVersion,
  };
  if (rule.errorAction !== undefined) view['errorAction'] = rule.errorAction;
  return view;
}

function topicPattern(rule: TopicRule): string {
  const parsed = parseRuleSql(rule.sql);
  return parsed.ok ? parsed.value.from : '';
}

/**
 * AWS IoT topic-rule routes (rest-json, as `@aws-sdk/client-iot` calls them): CreateTopicRule,
 * GetTopicRule, ListTopicRules, ReplaceTopicRule, DeleteTopicRule, EnableTopicRule, DisableTopicRule.
 * The `x-amz-tagging` header of CreateTopicRule is accepted and ignored.
 */
export function topicRuleRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const rules = deps.rules;
  if (rules === undefined) return;
  const tags = ['topic rules (AWS IoT)'];

  app.post('/rules/:ruleName', { schema: { tags, summary: 'CreateTopicRule', params: RuleParams } }, async (request, reply) => {
    const { ruleName } = request.params as { ruleName: string };
    unwrap(await rules.createRule(ruleName, request.body ?? {}));
    return reply.status(200).send();
  });

  app.get('/rules/:ruleName', { schema: { tags, summary: 'GetTopicRule', params: RuleParams } }, async (request) => {
    const { ruleName } = request.params as { ruleName: string };
    const rule = unwrap(await rules.getRule(ruleName));
    return { ruleArn: rules.ruleArn(rule.ruleName), rule: ruleView(rule) };
  });

  app.get('/rules', {
    schema: { tags, summary: 'ListTopicRules', querystring: Type.Object({ topic: Type.Optional(Type.String()), maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })), nextToken: Type.Optional(Type.String()), ruleDisabled: Type.Optional(Type.Boolean()) }) },
  }, async (request) => {
    const query = request.query as { topic?: string; maxResults?: number; nextToken?: string; ruleDisabled?: boolean };
    let list = await rules.listRules();
    if (query.ruleDisabled !== undefined) list = list.filter((r) => r.ruleDisabled === query.ruleDisabled);
    if (query.topic !== undefined) list = list.filter((r) => topicPattern(r) === query.topic);
    // nextToken is the last rule name of the previous page (rules are listed by name).
    if (query.nextToken !== undefined) {
      const after = query.nextToken;
      list = list.filter((r) => r.ruleName > after);
    }
    const limit = query.maxResults ?? 1000;
    const page = list.slice(0, limit);
    const body: Record<string, unknown> = {
      rules: page.map((r) => ({ ruleArn: rules.ruleArn(r.ruleName), ruleName: r.ruleName, topicPattern: topicPattern(r), createdAt: seconds(r.createdAt), ruleDisabled: r.ruleDisabled })),
    };
    if (list.length > limit) body['nextToken'] = page.at(-1)?.ruleName;
    return body;
  });

  app.patch('/rules/:ruleName', { schema: { tags, summary: 'ReplaceTopicRule', params: RuleParams } }, async (request, reply) => {
    const { ruleName } = request.params as { ruleName: string };
    unwrap(await rules.replaceRule(ruleName, request.body ?? {}));
    return reply.status(200).send();
  });

  app.delete('/rules/:ruleName', { schema: { tags, summary: 'DeleteTopicRule', params: RuleParams } }, async (request, reply) => {
    const { ruleName } = request.params as { ruleName: string };
    unwrap(await rules.deleteRule(ruleName));
    return reply.status(200).send();
  });

  for (const [suffix, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post(`/rules/:ruleName/${suffix}`, { schema: { tags, summary: enabled ? 'EnableTopicRule' : 'DisableTopicRule', params: RuleParams } }, async (request, reply) => {
      const { ruleName } = request.params as { ruleName: string };
      unwrap(await rules.setEnabled(ruleName, enabled));
      return reply.status(200).send();
    });
  }

  // Vigil's own view: which rules run, which were disabled after failures or loaded invalid, and why.
  app.get('/api/v1/rules/health', { schema: { tags, summary: 'Topic rules: state, failure counts and last error of every rule' } }, async () => ({ rules: await rules.health() }));

}
