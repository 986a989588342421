import type { SubscriptionProtocol } from '../../model/index.js';
import { mqttProtocol } from './mqtt.js';
import type { SubscriptionProtocolSpec } from './protocol.js';
import { streamProtocol } from './stream.js';
import { webhookProtocol } from './webhook.js';

/** Subscription protocols by name; adding one means adding a file and a row. */
export const SUBSCRIPTION_PROTOCOLS: Readonly<Record<SubscriptionProtocol, SubscriptionProtocolSpec>> = {
  stream: streamProtocol,
  https: webhookProtocol('https:'),
  http: webhookProtocol('http:'),
  mqtt: mqttProtocol,
};

export type { SubscriptionProtocolSpec, DeliveryPorts, DeliveryFailure, Delivery } from './protocol.js';
