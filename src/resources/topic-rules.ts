import { Type } from 'typebox';
import { RULE_NAME } from '../protocol/index.js';
import { rulesClient, type TopicRulePayload, type TopicRuleView } from '../api/index.js';
import { defined, type ResourceKind, type Spec } from './resource-kind.js';

const toSpec = (rule: TopicRuleView): Spec =>
  defined({ ruleName: rule.ruleName, sql: rule.sql, description: rule.description === '' ? undefined : rule.description, actions: rule.actions, errorAction: rule.errorAction ?? undefined, ruleDisabled: rule.ruleDisabled, awsIotSqlVersion: rule.awsIotSqlVersion });

const payload = (spec: Spec): TopicRulePayload => defined({ sql: spec['sql'], description: spec['description'], actions: spec['actions'], errorAction: spec['errorAction'], ruleDisabled: spec['ruleDisabled'], awsIotSqlVersion: spec['awsIotSqlVersion'] });

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
    const rules = rulesClient(client);
    const listed = await rules.list();
    const specs: Spec[] = [];
    for (const { ruleName } of listed.rules) specs.push(toSpec((await rules.get(ruleName)).rule));
    return specs;
  },
  async create({ client }, spec) {
    await rulesClient(client).create(spec['ruleName'] as string, payload(spec));
  },
  async update({ client }, desired) {
    await rulesClient(client).replace(desired['ruleName'] as string, payload(desired));
  },
  async delete({ client }, name) {
    await rulesClient(client).delete(name);
  },
};
