import type { FastifyInstance } from 'fastify';
import { unwrap } from '../../core/index.js';
import type { NotifySubscription, NotifyTopic } from '../../model/index.js';
import { notifyContract as c, type SubscriptionView, type TopicView } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';

function topicView(topic: NotifyTopic): TopicView {
  return { name: topic.name, arn: topic.arn, displayName: topic.displayName, createdAt: new Date(topic.createdAt).toISOString() };
}

function subscriptionView(subscription: NotifySubscription): SubscriptionView {
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
export function topicRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'notify'>): void {
  const app = typed(fastify);
  const { notify } = deps;
  const tags = ['notify topics'];

  app.post('/api/v1/topics', { schema: { tags, summary: 'Create a topic (idempotent, like SNS CreateTopic)', ...c.create } }, async (request, reply) => {
    const body = request.body;
    return reply.status(201).send(topicView(unwrap(await notify.createTopic(body.name, body.displayName ?? ''))));
  });

  app.get('/api/v1/topics', { schema: { tags, summary: 'List topics', ...c.list } }, async () => ({ topics: (await notify.listTopics()).map(topicView) }));

  app.get('/api/v1/topics/:topic', { schema: { tags, summary: 'A topic and its subscriptions', ...c.get } }, async (request) => {
    const found = unwrap(await notify.getTopic(request.params.topic));
    const subscriptions = unwrap(await notify.listSubscriptions(found.name));
    return { ...topicView(found), subscriptions: subscriptions.map(subscriptionView) };
  });

  app.delete('/api/v1/topics/:topic', { schema: { tags, summary: 'Delete a topic and its subscriptions', ...c.delete } }, async (request, reply) => {
    unwrap(await notify.deleteTopic(request.params.topic));
    return reply.status(204).send();
  });

  app.post('/api/v1/topics/:topic/subscriptions', { schema: { tags, summary: 'Subscribe an endpoint: stream name, webhook URL (https/http) or MQTT topic', ...c.subscribe } }, async (request, reply) => {
    const subscription = unwrap(await notify.subscribe(request.params.topic, request.body));
    const view = subscriptionView(subscription);
    return reply.status(201).send(subscription.signingSecret === '' ? view : { ...view, signingSecret: subscription.signingSecret });
  });

  app.get('/api/v1/topics/:topic/subscriptions', { schema: { tags, summary: 'List a topic\'s subscriptions', ...c.subscriptions } }, async (request) => {
    return { subscriptions: unwrap(await notify.listSubscriptions(request.params.topic)).map(subscriptionView) };
  });

  app.delete('/api/v1/subscriptions/:subscriptionArn', { schema: { tags, summary: 'Unsubscribe (the subscription ARN, URL-encoded)', ...c.unsubscribe } }, async (request, reply) => {
    unwrap(await notify.unsubscribe(request.params.subscriptionArn));
    return reply.status(204).send();
  });

  app.post('/api/v1/topics/:topic/publish', { schema: { tags, summary: 'Publish a message to every subscription', ...c.publish } }, async (request) => {
    const body = request.body;
    return { messageId: unwrap(await notify.publish(request.params.topic, body.message, body.subject)) };
  });
}
