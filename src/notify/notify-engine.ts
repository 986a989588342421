import { randomUUID } from 'node:crypto';
import type { Static } from 'typebox';
import { VigilError, err, newSecret, ok, retry, type Clock, type Result, type Timer } from '../core/index.js';
import type { Component, MqttPublisher, Notifier, NotifyStore, NotifySubscription, NotifyTopic, StreamPutter, SubscriptionProtocol } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { notifyConfigSchema } from './config.js';
import { TOPIC_NAME, arns, deliveryBody, snsTopicName, type PublishedMessage } from '../protocol/index.js';
import { SUBSCRIPTION_PROTOCOLS, type DeliveryPorts } from './protocols/index.js';

export type NotifyConfig = Static<typeof notifyConfigSchema>;

export interface NotifyEngineDeps {
  readonly store: NotifyStore;
  readonly putter: StreamPutter;
  readonly publisher: MqttPublisher;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
  readonly config: NotifyConfig;
  readonly region: string;
  readonly accountId: string;
  /** Base URL put in envelopes' `UnsubscribeURL` (the API's URL once it listens); omitted when undefined. */
  readonly publicUrl?: () => string | undefined;
  readonly uuid?: () => string;
  /** Jitter source for retry backoff (tests pass a fixed one). */
  readonly random?: () => number;
}

export interface SubscribeRequest {
  readonly protocol: SubscriptionProtocol;
  readonly endpoint: string;
  readonly rawMessageDelivery?: boolean;
}


/**
 * Vigil's SNS: topics, subscriptions and publish. A publish is accepted once its subscriptions are
 * read; each subscription is then delivered on its own with retries and backoff, so a slow or
 * failing subscriber never holds up the publisher or the other subscribers.
 */
export class NotifyEngine implements Notifier, Component {
  readonly name = 'notify';
  private readonly inFlight = new Set<Promise<void>>();
  private abort = new AbortController();
  private readonly uuid: () => string;

  constructor(private readonly deps: NotifyEngineDeps) {
    this.uuid = deps.uuid ?? randomUUID;
  }

  async start(): Promise<void> {
    if (this.abort.signal.aborted) this.abort = new AbortController();
  }

  /** Abandons pending retries and in-flight webhook calls, then waits for deliveries to settle. */
  async stop(): Promise<void> {
    this.abort.abort(new VigilError('notify.stopped', 'notify is stopping'));
    await this.idle();
  }

  /** Resolves once every delivery started so far has finished (delivered or given up). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  topicArn(name: string): string {
    return arns(this.deps.region, this.deps.accountId).snsTopic(name);
  }

  /** Creates a topic; like SNS CreateTopic, creating an existing name returns the existing topic. */
  async createTopic(name: string, displayName = ''): Promise<Result<NotifyTopic>> {
    if (!TOPIC_NAME.pattern.test(name)) return err(new VigilError('notify.invalid_name', `topic name "${name}" must be 1-256 characters of [A-Za-z0-9_-]`));
    const topic: NotifyTopic = { name, arn: this.topicArn(name), displayName, createdAt: this.deps.clock.now() };
    if (await this.deps.store.createTopic(topic)) {
      this.deps.telemetry.emit('notify_topic_changed', { action: 'topic_created' }, { topic: name });
      return ok(topic);
    }
    const existing = await this.deps.store.getTopic(name);
    return existing === undefined ? err(topicNotFound(name)) : ok(existing);
  }

  async getTopic(ref: string): Promise<Result<NotifyTopic>> {
    const name = snsTopicName(ref);
    const topic = await this.deps.store.getTopic(name);
    return topic === undefined ? err(topicNotFound(ref)) : ok(topic);
  }

  listTopics(): Promise<NotifyTopic[]> {
    return this.deps.store.listTopics();
  }

  async deleteTopic(ref: string): Promise<Result<void>> {
    if (!(await this.deps.store.deleteTopic(snsTopicName(ref)))) return err(topicNotFound(ref));
    this.deps.telemetry.emit('notify_topic_changed', { action: 'topic_deleted' }, { topic: ref });
    return ok(undefined);
  }

  async subscribe(ref: string, request: SubscribeRequest): Promise<Result<NotifySubscription>> {
    const topic = await this.getTopic(ref);
    if (!topic.ok) return topic;
    const protocol = SUBSCRIPTION_PROTOCOLS[request.protocol];
    if (protocol === undefined) {
      return err(new VigilError('notify.invalid_protocol', `protocol "${request.protocol}" is not supported`, { hint: `use one of ${Object.keys(SUBSCRIPTION_PROTOCOLS).join(', ')}` }));
    }
    const endpoint = protocol.normalizeEndpoint(request.endpoint);
    if (!endpoint.ok) return endpoint;
    const subscription: NotifySubscription = {
      arn: `${topic.value.arn}:${this.uuid()}`,
      topicName: topic.value.name,
      protocol: request.protocol,
      endpoint: endpoint.value,
      rawMessageDelivery: request.rawMessageDelivery ?? false,
      signingSecret: protocol.signed ? newSecret(32) : '',
      createdAt: this.deps.clock.now(),
    };
    if (!(await this.deps.store.addSubscription(subscription))) return err(topicNotFound(ref));
    this.deps.telemetry.emit('notify_topic_changed', { action: 'subscribed' }, { topic: topic.value.name, protocol: request.protocol, endpoint: subscription.endpoint });
    return ok(subscription);
  }

  async listSubscriptions(ref: string): Promise<Result<NotifySubscription[]>> {
    const topic = await this.getTopic(ref);
    if (!topic.ok) return topic;
    return ok(await this.deps.store.listSubscriptions(topic.value.name));
  }

  async unsubscribe(subscriptionArn: string): Promise<Result<void>> {
    if (!(await this.deps.store.deleteSubscription(subscriptionArn))) {
      return err(new VigilError('notify.not_found', `no subscription ${subscriptionArn}`, { hint: 'list them with `vigil topic list --subscriptions`' }));
    }
    this.deps.telemetry.emit('notify_topic_changed', { action: 'unsubscribed' }, { subscription: subscriptionArn });
    return ok(undefined);
  }

  /** Accepts a message and starts one independent delivery per subscription; resolves with the message id. */
  async publish(topic: string, message: string, subject?: string): Promise<Result<string>> {
    const found = await this.getTopic(topic);
    if (!found.ok) return found;
    const bytes = Buffer.byteLength(message, 'utf8');
    if (bytes === 0) return err(new VigilError('notify.invalid_message', 'the message is empty'));
    if (bytes > this.deps.config.max_message_bytes) return err(new VigilError('notify.invalid_message', `the message is ${bytes} bytes, more than notify.max_message_bytes (${this.deps.config.max_message_bytes})`));
    if (subject !== undefined && (subject.length === 0 || subject.length > 100 || /[\u0000-\u001f]/.test(subject))) {
      return err(new VigilError('notify.invalid_message', 'the subject must be 1-100 printable characters'));
    }
    const published: PublishedMessage = { messageId: this.uuid(), topicArn: found.value.arn, message, subject, timestamp: this.deps.clock.now() };
    this.deps.telemetry.count('notify_published', {});
    for (const subscription of await this.deps.store.listSubscriptions(found.value.name)) {
      const run = this.deliver(subscription, published);
      this.inFlight.add(run);
      void run.finally(() => this.inFlight.delete(run));
    }
    return ok(published.messageId);
  }

  private async deliver(subscription: NotifySubscription, message: PublishedMessage): Promise<void> {
    const protocol = SUBSCRIPTION_PROTOCOLS[subscription.protocol];
    const { config, timer, telemetry } = this.deps;
    const signal = this.abort.signal;
    const body = deliveryBody(message, subscription.arn, subscription.rawMessageDelivery, this.deps.publicUrl?.());
    const ports: DeliveryPorts = {
      putter: this.deps.putter,
      publisher: this.deps.publisher,
      webhookTimeoutMs: config.webhook_timeout_secs * 1000,
      nowSecs: () => Math.floor(this.deps.clock.now() / 1000),
      signal,
    };
    const fields = (attempt: number, error: VigilError) => ({ subscription: subscription.arn, messageId: message.messageId, attempt, code: error.code, error: error.message });
    const outcome = await retry(
      async () => {
        const result = await protocol.deliver(subscription, { body, messageId: message.messageId, topicArn: message.topicArn }, ports);
        return result.ok ? ok(undefined) : { ok: false, error: result.error.error, retryable: result.error.retryable };
      },
      {
        timer,
        backoff: { initialMs: config.min_delay_ms, maxMs: config.max_delay_ms, multiplier: 2, jitter: 0.5 },
        random: this.deps.random,
        signal,
        maxAttempts: config.delivery_attempts,
        onRetry: (attempt, error) => telemetry.emit('notify_delivery_retried', { protocol: subscription.protocol }, fields(attempt, error)),
      },
    );
    if (outcome.ok) {
      telemetry.count('notify_delivered', { protocol: subscription.protocol });
      return;
    }
    const reason = outcome.reason === 'permanent' ? 'permanent_error' : outcome.reason === 'exhausted' ? 'attempts_exhausted' : 'shutdown';
    telemetry.emit('notify_delivery_failed', { protocol: subscription.protocol, reason }, fields(outcome.attempts, outcome.error));
  }
}

function topicNotFound(ref: string): VigilError {
  return new VigilError('notify.not_found', `no notify topic ${ref}`, { hint: 'create it with `vigil topic create NAME`' });
}
