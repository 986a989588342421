import type { FastifyInstance } from 'fastify';
import { unwrap } from '../../core/index.js';
import type { TopicRule } from '../../model/index.js';
import { parseRuleSql } from '../../rules/index.js';
import { rulesContract as c, type TopicRuleView } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';

/** AWS timestamps in rest-json bodies are epoch seconds. */
const seconds = (ms: number): number => ms / 1000;

function ruleView(rule: TopicRule): TopicRuleView {
  return {
    ruleName: rule.ruleName,
    sql: rule.sql,
    description: rule.description,
    createdAt: seconds(rule.createdAt),
    actions: rule.actions,
    ruleDisabled: rule.ruleDisabled,
    awsIotSqlVersion: rule.awsIotSqlVersion,
    ...(rule.errorAction === undefined ? {} : { errorAction: rule.errorAction }),
  };
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
export function topicRuleRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'rules'>): void {
  const app = typed(fastify);
  const { rules } = deps;
  const tags = ['topic rules (AWS IoT)'];

  app.post('/rules/:ruleName', { schema: { tags, summary: 'CreateTopicRule', ...c.create } }, async (request, reply) => {
    const { ruleName } = request.params;
    unwrap(await rules.createRule(ruleName, request.body));
    return reply.status(200).send();
  });

  app.get('/rules/:ruleName', { schema: { tags, summary: 'GetTopicRule', ...c.get } }, async (request) => {
    const { ruleName } = request.params;
    const rule = unwrap(await rules.getRule(ruleName));
    return { ruleArn: rules.ruleArn(rule.ruleName), rule: ruleView(rule) };
  });

  app.get('/rules', {
    schema: { tags, summary: 'ListTopicRules', ...c.list },
  }, async (request) => {
    const query = request.query;
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
    const last = page.at(-1)?.ruleName;
    return {
      rules: page.map((r) => ({ ruleArn: rules.ruleArn(r.ruleName), ruleName: r.ruleName, topicPattern: topicPattern(r), createdAt: seconds(r.createdAt), ruleDisabled: r.ruleDisabled })),
      ...(list.length > limit && last !== undefined ? { nextToken: last } : {}),
    };
  });

  app.patch('/rules/:ruleName', { schema: { tags, summary: 'ReplaceTopicRule', ...c.replace } }, async (request, reply) => {
    const { ruleName } = request.params;
    unwrap(await rules.replaceRule(ruleName, request.body));
    return reply.status(200).send();
  });

  app.delete('/rules/:ruleName', { schema: { tags, summary: 'DeleteTopicRule', ...c.delete } }, async (request, reply) => {
    const { ruleName } = request.params;
    unwrap(await rules.deleteRule(ruleName));
    return reply.status(200).send();
  });

  for (const [suffix, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post(`/rules/:ruleName/${suffix}`, { schema: { tags, summary: enabled ? 'EnableTopicRule' : 'DisableTopicRule', ...c.setEnabled } }, async (request, reply) => {
      const { ruleName } = request.params;
      unwrap(await rules.setEnabled(ruleName, enabled));
      return reply.status(200).send();
    });
  }

  // Vigil's own view: which rules run, which were disabled after failures or loaded invalid, and why.
  app.get('/api/v1/rules/health', { schema: { tags, summary: 'Topic rules: state, failure counts and last error of every rule', ...c.health } }, async () => ({ rules: await rules.health() }));

}
