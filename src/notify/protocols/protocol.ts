import type { Result, VigilError } from '../../core/index.js';
import type { MqttPublisher, NotifySubscription, StreamPutter } from '../../model/index.js';

/** The ports and settings deliveries use (wired by app). */
export interface DeliveryPorts {
  readonly putter: StreamPutter;
  readonly publisher: MqttPublisher;
  readonly webhookTimeoutMs: number;
  readonly nowSecs: () => number;
  /** Aborts in-flight webhook requests on stop. */
  readonly signal: AbortSignal;
}

export interface DeliveryFailure {
  readonly error: VigilError;
  /** False for failures a retry cannot fix (missing stream, a 4xx answer). */
  readonly retryable: boolean;
}

export interface Delivery {
  readonly body: string;
  readonly messageId: string;
  readonly topicArn: string;
}

/** One subscription protocol: checks endpoints at subscribe time and delivers one message. */
export interface SubscriptionProtocolSpec {
  /** Returns the endpoint as stored (normalized) or why it is not valid. */
  normalizeEndpoint(endpoint: string): Result<string>;
  /** Whether subscriptions get an HMAC signing secret. */
  readonly signed: boolean;
  deliver(subscription: NotifySubscription, delivery: Delivery, ports: DeliveryPorts): Promise<Result<void, DeliveryFailure>>;
}
