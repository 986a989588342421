import type { Result } from '../core/index.js';

/** One MQTT publish as the rules engine sees it. */
export interface MqttMessage {
  readonly topic: string;
  readonly payload: Uint8Array;
  /** The publishing client's id; absent for messages Vigil publishes itself. */
  readonly clientId?: string;
  /** Epoch milliseconds when the broker received the message. */
  readonly receivedAt: number;
}

/**
 * Where the broker hands every publish (the rules engine implements it). `onMessage` routes
 * `$aws/rules/<ruleName>[/…]` basic-ingest topics to that rule only; `onBasicIngest` is the same path
 * for callers that already split the topic. Both resolve once every matching rule's actions finished;
 * the broker need not wait.
 */
export interface RulesSink {
  onMessage(message: MqttMessage): Promise<void>;
  onBasicIngest(ruleName: string, message: MqttMessage): Promise<void>;
}

/**
 * Publishes a message to MQTT subscribers (the broker implements it; rules republish and notify's
 * mqtt protocol use it). `awaitRules`: resolve only once the topic rules the message matched
 * finished their actions (detect's export forgets journaled metrics only then).
 */
export interface MqttPublisher {
  publish(topic: string, payload: Uint8Array, options: { readonly qos: 0 | 1; readonly awaitRules?: boolean }): Promise<Result<void>>;
}

/**
 * Publishes a message to a notify topic (Vigil's SNS): detect alert targets, audit notification
 * targets, the `PUBLISH_FINDING_TO_SNS` mitigation and the rules `sns` action use it. `topic` is a
 * topic name or its `arn:aws:sns:…` ARN. Resolves with the message id once the message is accepted;
 * delivery to subscribers happens afterwards. Errors: `notify.not_found`, `notify.invalid_message`.
 */
export interface Notifier {
  publish(topic: string, message: string, subject?: string): Promise<Result<string>>;
}
