import type { SubscribeBody, SubscriptionView, TopicView } from './contract/index.js';
import type { VigilClient } from './client.js';

const enc = encodeURIComponent;

/** Typed calls of `/api/v1/topics` for the CLI and tests. */
export function notifyClient(client: VigilClient) {
  return {
    create: (name: string, displayName?: string) => client.request<TopicView>('POST', '/api/v1/topics', displayName === undefined ? { name } : { name, displayName }),
    list: () => client.request<{ topics: TopicView[] }>('GET', '/api/v1/topics'),
    get: (topic: string) => client.request<TopicView & { subscriptions: SubscriptionView[] }>('GET', `/api/v1/topics/${enc(topic)}`),
    delete: (topic: string) => client.request<void>('DELETE', `/api/v1/topics/${enc(topic)}`),
    subscribe: (topic: string, request: SubscribeBody) => client.request<SubscriptionView>('POST', `/api/v1/topics/${enc(topic)}/subscriptions`, request),
    subscriptions: (topic: string) => client.request<{ subscriptions: SubscriptionView[] }>('GET', `/api/v1/topics/${enc(topic)}/subscriptions`),
    unsubscribe: (subscriptionArn: string) => client.request<void>('DELETE', `/api/v1/subscriptions/${enc(subscriptionArn)}`),
    publish: (topic: string, message: string, subject?: string) =>
      client.request<{ messageId: string }>('POST', `/api/v1/topics/${enc(topic)}/publish`, subject === undefined ? { message } : { message, subject }),
  };
}
