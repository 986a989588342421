import { Type } from 'typebox';
import { notifyClient } from '../api/index.js';
import { deliveryStreamName, TOPIC_NAME } from '../protocol/index.js';
import { defined, type ResourceKind, type Spec } from './resource-kind.js';

interface Subscription {
  protocol: 'stream' | 'https' | 'http' | 'mqtt';
  endpoint: string;
  rawMessageDelivery?: boolean;
}

const key = (s: Subscription): string => `${s.protocol} ${s.endpoint} ${s.rawMessageDelivery === true}`;

function normalizeSubscriptions(list: unknown): Subscription[] {
  return ((list as Subscription[] | undefined) ?? [])
    .map((s) => ({ protocol: s.protocol, endpoint: s.protocol === 'stream' ? (deliveryStreamName(s.endpoint) ?? s.endpoint) : s.endpoint, rawMessageDelivery: s.rawMessageDelivery === true }))
    .sort((a, b) => key(a).localeCompare(key(b)));
}

/** Notify topics (SNS analog) with their subscriptions; a webhook's signing secret is never exported. */
export const topics: ResourceKind = {
  key: 'topics',
  label: 'topic',
  nameField: 'name',
  schema: Type.Object(
    {
      name: Type.String({ pattern: TOPIC_NAME.source }),
      displayName: Type.Optional(Type.String({ maxLength: 100 })),
      subscriptions: Type.Optional(Type.Array(Type.Object({ protocol: Type.Union([Type.Literal('stream'), Type.Literal('https'), Type.Literal('http'), Type.Literal('mqtt')]), endpoint: Type.String({ minLength: 1 }), rawMessageDelivery: Type.Optional(Type.Boolean()) }, { additionalProperties: false }))),
    },
    { additionalProperties: false },
  ),
  normalize: (spec) => ({ ...spec, subscriptions: normalizeSubscriptions(spec['subscriptions']) }),
  async list({ client }) {
    const notify = notifyClient(client);
    const specs: Spec[] = [];
    for (const topic of (await notify.list()).topics) {
      const { subscriptions } = await notify.subscriptions(topic.name);
      specs.push(defined({ name: topic.name, displayName: topic.displayName === '' ? undefined : topic.displayName, subscriptions: normalizeSubscriptions(subscriptions) }));
    }
    return specs;
  },
  async create({ client }, spec) {
    const notify = notifyClient(client);
    const name = spec['name'] as string;
    await notify.create(name, spec['displayName'] as string | undefined);
    for (const s of normalizeSubscriptions(spec['subscriptions'])) await notify.subscribe(name, s);
  },
  updateBlocked: (desired, current) => ((desired['displayName'] ?? '') !== (current['displayName'] ?? '') ? 'a topic\'s displayName cannot be changed in place' : undefined),
  async update({ client }, desired) {
    const notify = notifyClient(client);
    const name = desired['name'] as string;
    const want = normalizeSubscriptions(desired['subscriptions']);
    const have = (await notify.subscriptions(name)).subscriptions;
    const wanted = new Set(want.map(key));
    for (const s of have) if (!wanted.has(key(normalizeSubscriptions([s])[0] as Subscription))) await notify.unsubscribe(s.subscriptionArn);
    const present = new Set(normalizeSubscriptions(have).map(key));
    for (const s of want) if (!present.has(key(s))) await notify.subscribe(name, s);
  },
  async delete({ client }, name) {
    await notifyClient(client).delete(name);
  },
};
