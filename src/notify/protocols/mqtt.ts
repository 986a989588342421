import { VigilError, err, ok } from '../../core/index.js';
import type { SubscriptionProtocolSpec } from './protocol.js';

const encoder = new TextEncoder();

/** `mqtt`: publishes the envelope (or raw message) to an MQTT topic at QoS 1. */
export const mqttProtocol: SubscriptionProtocolSpec = {
  signed: false,
  normalizeEndpoint(endpoint) {
    if (endpoint === '' || endpoint.includes('+') || endpoint.includes('#') || endpoint.includes('\u0000')) {
      return err(new VigilError('notify.invalid_endpoint', `"${endpoint}" is not an MQTT topic name (no wildcards)`));
    }
    return ok(endpoint);
  },
  async deliver(subscription, delivery, ports) {
    const published = await ports.publisher.publish(subscription.endpoint, encoder.encode(delivery.body), { qos: 1 });
    return published.ok ? ok(undefined) : err({ error: published.error, retryable: true });
  },
};
