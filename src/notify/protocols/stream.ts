import { VigilError, err, errorKind, ok } from '../../core/index.js';
import type { SubscriptionProtocolSpec } from './protocol.js';

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,64}$/;
const FIREHOSE_ARN = /^arn:aws:firehose:[^:]*:[^:]*:deliverystream\/([a-zA-Z0-9_.-]{1,64})$/;
const encoder = new TextEncoder();

/** `stream` (SNS's `firehose`): one record per message, newline-terminated (B.7). */
export const streamProtocol: SubscriptionProtocolSpec = {
  signed: false,
  normalizeEndpoint(endpoint) {
    const fromArn = FIREHOSE_ARN.exec(endpoint)?.[1];
    if (fromArn !== undefined) return ok(fromArn);
    if (STREAM_NAME.test(endpoint)) return ok(endpoint);
    return err(new VigilError('notify.invalid_endpoint', `"${endpoint}" is not a stream name or a Firehose delivery-stream ARN`));
  },
  async deliver(subscription, delivery, ports) {
    const put = await ports.putter.put(subscription.endpoint, [encoder.encode(`${delivery.body}\n`)]);
    if (put.ok) return ok(undefined);
    const kind = errorKind(put.error.code);
    return err({ error: put.error, retryable: kind === 'unavailable' || kind === 'throttled' });
  },
};
