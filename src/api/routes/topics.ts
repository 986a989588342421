import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { unwrap } from '../../core/index.js';
import type { NotifySubscription, NotifyTopic } from '../../model/index.js';
import type { ApiDeps } from '../deps.js';

const TopicParams = Type.Object({ topic: Type.String({ minLength: 1, maxLength: 512 }) });

function topicView(topic: NotifyTopic): Record<string, unknown> {
  return { name: topic.name, arn: topic.arn, displayName: topic.displayName, createdAt: new Date(topic.createdAt).toISOString() };
}

function subscriptionView(subscription: NotifySubscription): Record<string, unknown> {
  return {
    subscriptionArn: subscription.arn,
    topicName: subscription.topicName,
    protocol: subscription.protocol,
    endpoint: subscription.endpoint,
    rawMessageDelivery: subscription.rawMessageDelivery,
    createdAt: new Date(subscription.createdAt).toISOString(),
  };
}

/**
 * `/api/v1/topics`: notify topics (SNS analog) — CRUD, subscribe, unsubscribe, publish. `:topic` is
 * a name or a URL-encoded `arn:aws:sns:…` ARN. A webhook's signing secret is returned only by subscribe.
 */
export function topicRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const notify = deps.notify;
  if (notify === undefined) return;
  const tags = ['notify topics'];

  app.post('/api/v1/topics', {
    schema: { tags, summary: 'Create a topic (idempotent, like SNS CreateTopic)', body: Type.Object({ name: Type.String(), displayName: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const body = request.body as { name: string; displayName?: string };
    return reply.status(201).send(topicView(unwrap(await notify.createTopic(body.name, body.displayName ?? ''))));
  });

  app.get('/api/v1/topics', { schema: { tags, summary: 'List topics' } }, async () => ({ topics: (await notify.listTopics()).map(topicView) }));

  app.get('/api/v1/topics/:topic', { schema: { tags, summary: 'A topic and its subscriptions', params: TopicParams } }, async (request) => {
    const { topic } = request.params as { topic: string };
    const found = unwrap(await notify.getTopic(topic));
    const subscriptions = unwrap(await notify.listSubscriptions(found.name));
    return { ...topicView(found), subscriptions: subscriptions.map(subscriptionView) };
  });

  app.delete('/api/v1/topics/:topic', { schema: { tags, summary: 'Delete a topic and its subscriptions', params: TopicParams } }, async (request, reply) => {
    const { topic } = request.params as { topic: string };
    unwrap(await notify.deleteTopic(topic));
    return reply.status(204).send();
  });

  app.post('/api/v1/topics/:topic/subscriptions', {
    schema: {
      tags,
      summary: 'Subscribe an endpoint: stream name, webhook URL (https/http) or MQTT topic',
      params: TopicParams,
      body: Type.Object({ protocol: Type.Union([Type.Literal('stream'), Type.Literal('https'), Type.Literal('http'), Type.Literal('mqtt')]), endpoint: Type.String({ minLength: 1 }), rawMessageDelivery: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const { topic } = request.params as { topic: string };
    const body = request.body as { protocol: 'stream' | 'https' | 'http' | 'mqtt'; endpoint: string; rawMessageDelivery?: boolean };
    const subscription = unwrap(await notify.subscribe(topic, body));
    const view = subscriptionView(subscription);
    return reply.status(201).send(subscription.signingSecret === '' ? view : { ...view, signingSecret: subscription.signingSecret });
  });

  app.get('/api/v1/topics/:topic/subscriptions', { schema: { tags, summary: 'List a topic\'s subscriptions', params: TopicParams } }, async (request) => {
    const { topic } = request.params as { topic: string };
    return { subscriptions: unwrap(await notify.listSubscriptions(topic)).map(subscriptionView) };
  });

  app.delete('/api/v1/subscriptions/:subscriptionArn', { schema: { tags, summary: 'Unsubscribe (the subscription ARN, URL-encoded)', params: Type.Object({ subscriptionArn: Type.String() }) } }, async (request, reply) => {
    const { subscriptionArn } = request.params as { subscriptionArn: string };
    unwrap(await notify.unsubscribe(subscriptionArn));
    return reply.status(204).send();
  });

  app.post('/api/v1/topics/:topic/publish', {
    schema: { tags, summary: 'Publish a message to every subscription', params: TopicParams, body: Type.Object({ message: Type.String({ minLength: 1 }), subject: Type.Optional(Type.String()) }, { additionalProperties: false }) },
  }, async (request) => {
    const { topic } = request.params as { topic: string };
    const body = request.body as { message: string; subject?: string };
    return { messageId: unwrap(await notify.publish(topic, body.message, body.subject)) };
  });
}
