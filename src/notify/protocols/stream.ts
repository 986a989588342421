import { VigilError, err, errorKind, ok } from '../../core/index.js';
import { STREAM_NAME, deliveryStreamName } from '../../protocol/index.js';
import type { SubscriptionProtocolSpec } from './protocol.js';

const encoder = new TextEncoder();

/** `stream` (SNS's `firehose`): one record per message, newline-terminated (B.7). */
export const streamProtocol: SubscriptionProtocolSpec = {
  signed: false,
  normalizeEndpoint(endpoint) {
    const fromArn = deliveryStreamName(endpoint);
    if (fromArn !== undefined && STREAM_NAME.pattern.test(fromArn)) return ok(fromArn);
    if (STREAM_NAME.pattern.test(endpoint)) return ok(endpoint);
    return err(new VigilError('notify.invalid_endpoint', `"${endpoint}" is not a stream name or a Firehose delivery-stream ARN`));
  },
  async deliver(subscription, delivery, ports) {
    const put = await ports.putter.put(subscription.endpoint, [encoder.encode(`${delivery.body}\n`)]);
    if (put.ok) return ok(undefined);
    const kind = errorKind(put.error.code);
    return err({ error: put.error, retryable: kind === 'unavailable' || kind === 'throttled' });
  },
};
