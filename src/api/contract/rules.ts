import { Type, type Static } from 'typebox';
import { awsErrors, contract, EpochSeconds, List, NoBody, Open, OpenObject, Stored, NAME_MAX, PathName, vigilErrors } from './common.js';

const strict = { additionalProperties: false } as const;
const RuleName = Type.Object({ ruleName: PathName(NAME_MAX.rule) });
/** AWS `TopicRulePayload` (the whole body); the rules engine checks the SQL and every action. */
export const TopicRulePayload = Open({
  sql: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  actions: Type.Optional(List(OpenObject('AWS Action: one member naming the action'))),
  errorAction: Type.Optional(OpenObject('AWS Action')),
  ruleDisabled: Type.Optional(Type.Boolean()),
  awsIotSqlVersion: Type.Optional(Type.String()),
});
export const TopicRuleView = Type.Object(
  { ruleName: Type.String(), sql: Type.String(), description: Type.String(), createdAt: EpochSeconds, actions: List(Stored('AWS Action')), ruleDisabled: Type.Boolean(), awsIotSqlVersion: Type.String(), errorAction: Type.Optional(Stored('AWS Action')) },
  strict,
);
const empty = { 200: NoBody, ...awsErrors };

/** AWS IoT topic rules (rest-json, as `@aws-sdk/client-iot` calls them). */
export const rulesContract = contract({
  create: { params: RuleName, headers: Type.Object({ 'x-amz-tagging': Type.Optional(Type.String({ description: 'accepted and ignored' })) }), body: TopicRulePayload, response: empty },
  get: { params: RuleName, response: { 200: Type.Object({ ruleArn: Type.String(), rule: TopicRuleView }, strict), ...awsErrors } },
  list: {
    querystring: Type.Object({ topic: Type.Optional(Type.String()), maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })), nextToken: Type.Optional(Type.String()), ruleDisabled: Type.Optional(Type.Boolean()) }),
    response: {
      200: Type.Object({ rules: List(Type.Object({ ruleArn: Type.String(), ruleName: Type.String(), topicPattern: Type.String(), createdAt: EpochSeconds, ruleDisabled: Type.Boolean() }, strict)), nextToken: Type.Optional(Type.String()) }, strict),
      ...awsErrors,
    },
  },
  replace: { params: RuleName, body: TopicRulePayload, response: empty },
  delete: { params: RuleName, response: empty },
  setEnabled: { params: RuleName, response: empty },
  /** Vigil's own view (`/api/v1/rules/health`): which rules run, which were disabled after failures or loaded invalid. */
  health: {
    response: {
      200: Type.Object(
        {
          rules: List(
            Type.Object(
              {
                ruleName: Type.String(),
                state: Type.Union([Type.Literal('ENABLED'), Type.Literal('DISABLED'), Type.Literal('DISABLED_AFTER_FAILURES'), Type.Literal('INVALID')]),
                consecutiveFailures: Type.Integer(),
                totalFailures: Type.Integer(),
                lastError: Type.Optional(Type.Object({ code: Type.String(), message: Type.String(), at: Type.Number(), stage: Type.String() }, strict)),
              },
              strict,
            ),
          ),
        },
        strict,
      ),
      ...vigilErrors,
    },
  },
});

export type TopicRulePayload = Static<typeof TopicRulePayload>;
export type TopicRuleView = Static<typeof TopicRuleView>;
