import { VigilError, err, isRetryableStatus, ok } from '../../core/index.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from '../signature.js';
import type { SubscriptionProtocolSpec } from './protocol.js';

/** `https` / `http`: POSTs the envelope like SNS (its `x-amz-sns-*` headers) plus Vigil's HMAC signature. */
export function webhookProtocol(scheme: 'https:' | 'http:'): SubscriptionProtocolSpec {
  return {
    signed: true,
    normalizeEndpoint(endpoint) {
      let url: URL;
      try {
        url = new URL(endpoint);
      } catch {
        return err(new VigilError('notify.invalid_endpoint', `"${endpoint}" is not a URL`));
      }
      if (url.protocol !== scheme) return err(new VigilError('notify.invalid_endpoint', `a ${scheme.slice(0, -1)} subscription needs a ${scheme}// URL, got ${url.protocol}//`));
      return ok(url.toString());
    },
    async deliver(subscription, delivery, ports) {
      const timestamp = ports.nowSecs();
      let response: Response;
      try {
        response = await fetch(subscription.endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'text/plain; charset=UTF-8',
            'x-amz-sns-message-type': 'Notification',
            'x-amz-sns-message-id': delivery.messageId,
            'x-amz-sns-topic-arn': delivery.topicArn,
            'x-amz-sns-subscription-arn': subscription.arn,
            'x-amz-sns-rawdelivery': String(subscription.rawMessageDelivery),
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: signWebhook(subscription.signingSecret, timestamp, delivery.body),
          },
          body: delivery.body,
          signal: AbortSignal.any([AbortSignal.timeout(ports.webhookTimeoutMs), ports.signal]),
        });
        await response.arrayBuffer();
      } catch (error) {
        return err({ error: new VigilError('notify.unreachable', `POST ${subscription.endpoint} failed: ${error instanceof Error ? error.message : String(error)}`), retryable: true });
      }
      if (response.ok) return ok(undefined);
      return err({ error: new VigilError('notify.http_error', `POST ${subscription.endpoint} answered HTTP ${response.status}`), retryable: isRetryableStatus(response.status) });
    },
  };
}
