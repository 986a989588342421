import { Type } from 'typebox';
import { RULE_NAME } from '../../protocol/index.js';
import { defined, enc, type ResourceKind, type Spec } from './resource-kind.js';

interface RuleView {
  ruleName: string;
  sql: string;
  description?: string;
  actions: unknown[];
  errorAction?: unknown;
  ruleDisabled: boolean;
  awsIotSqlVersion: string;
}

const toSpec = (rule: RuleView): Spec =>
  defined({ ruleName: rule.ruleName, sql: rule.sql, description: rule.description === '' ? undefined : rule.description, actions: rule.actions, errorAction: rule.errorAction ?? undefined, ruleDisabled: rule.ruleDisabled, awsIotSqlVersion: rule.awsIotSqlVersion });

const payload = (spec: Spec): Spec => defined({ sql: spec['sql'], description: spec['description'], actions: spec['actions'], errorAction: spec['errorAction'], ruleDisabled: spec['ruleDisabled'], awsIotSqlVersion: spec['awsIotSqlVersion'] });

/** Topic rules (AWS IoT rules): the TopicRulePayload fields flattened beside `ruleName`. */
export const topicRules: ResourceKind = {
  key: 'topic_rules',
  label: 'topic rule',
  nameField: 'ruleName',
  schema: Type.Object(
    {
      ruleName: Type.String({ pattern: RULE_NAME.source }),
      sql: Type.String({ minLength: 1 }),
      description: Type.Optional(Type.String()),
      actions: Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 10 }),
      errorAction: Type.Optional(Type.Object({}, { additionalProperties: true })),
      ruleDisabled: Type.Optional(Type.Boolean()),
      awsIotSqlVersion: Type.Optional(Type.Union([Type.Literal('2015-10-08'), Type.Literal('2016-03-23'), Type.Literal('beta')])),
    },
    { additionalProperties: false },
  ),
  normalize: (spec) => ({ ...spec, ruleDisabled: spec['ruleDisabled'] ?? false, awsIotSqlVersion: spec['awsIotSqlVersion'] ?? '2015-10-08' }),
  async list({ client }) {
    const listed = await client.request<{ rules: Array<{ ruleName: string }> }>('GET', '/rules?maxResults=10000');
    const specs: Spec[] = [];
    for (const { ruleName } of listed.rules) specs.push(toSpec((await client.request<{ rule: RuleView }>('GET', `/rules/${enc(ruleName)}`)).rule));
    return specs;
  },
  async create({ client }, spec) {
    await client.request('POST', `/rules/${enc(spec['ruleName'] as string)}`, payload(spec));
  },
  async update({ client }, desired) {
    await client.request('PATCH', `/rules/${enc(desired['ruleName'] as string)}`, payload(desired));
  },
  async delete({ client }, name) {
    await client.request('DELETE', `/rules/${enc(name)}`);
  },
};
