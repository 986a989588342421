import { Type, type Static } from 'typebox';
import { contract, IsoTime, List, NoBody, vigilErrors } from './common.js';

export const Protocol = Type.Union([Type.Literal('stream'), Type.Literal('https'), Type.Literal('http'), Type.Literal('mqtt')]);
export const TopicView = Type.Object({ name: Type.String(), arn: Type.String(), displayName: Type.String(), createdAt: IsoTime }, { additionalProperties: false });
export const SubscriptionView = Type.Object(
  {
    subscriptionArn: Type.String(),
    topicName: Type.String(),
    protocol: Protocol,
    endpoint: Type.String(),
    rawMessageDelivery: Type.Boolean(),
    createdAt: IsoTime,
    signingSecret: Type.Optional(Type.String({ description: 'only in the subscribe answer of a webhook subscription' })),
  },
  { additionalProperties: false },
);
export const SubscribeBody = Type.Object({ protocol: Protocol, endpoint: Type.String({ minLength: 1 }), rawMessageDelivery: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
const TopicParams = Type.Object({ topic: Type.String({ minLength: 1, maxLength: 512 }) });

/** `/api/v1/topics`: notify topics (SNS analog). `:topic` is a name or a URL-encoded topic ARN. */
export const notifyContract = contract({
  create: { body: Type.Object({ name: Type.String(), displayName: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }), response: { 201: TopicView, ...vigilErrors } },
  list: { response: { 200: Type.Object({ topics: List(TopicView) }, { additionalProperties: false }), ...vigilErrors } },
  get: { params: TopicParams, response: { 200: Type.Object({ ...TopicView.properties, subscriptions: List(SubscriptionView) }, { additionalProperties: false }), ...vigilErrors } },
  delete: { params: TopicParams, response: { 204: NoBody, ...vigilErrors } },
  subscribe: { params: TopicParams, body: SubscribeBody, response: { 201: SubscriptionView, ...vigilErrors } },
  subscriptions: { params: TopicParams, response: { 200: Type.Object({ subscriptions: List(SubscriptionView) }, { additionalProperties: false }), ...vigilErrors } },
  unsubscribe: { params: Type.Object({ subscriptionArn: Type.String() }), response: { 204: NoBody, ...vigilErrors } },
  publish: { params: TopicParams, body: Type.Object({ message: Type.String({ minLength: 1 }), subject: Type.Optional(Type.String()) }, { additionalProperties: false }), response: { 200: Type.Object({ messageId: Type.String() }, { additionalProperties: false }), ...vigilErrors } },
});

export type TopicView = Static<typeof TopicView>;
export type SubscriptionView = Static<typeof SubscriptionView>;
export type SubscribeBody = Static<typeof SubscribeBody>;
