import { Type } from 'typebox';
import { section } from '../config/index.js';

export const notifyConfigSchema = section(
  {
    delivery_attempts: Type.Integer({ minimum: 1, maximum: 100, default: 8, description: 'Attempts per message and subscription (first try included) before the delivery is given up and logged.' }),
    min_delay_ms: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 1000, description: 'Backoff before the first retry; doubles each retry (with jitter) up to max_delay_ms.' }),
    max_delay_ms: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 60_000, description: 'Longest backoff between two attempts.' }),
    webhook_timeout_secs: Type.Integer({ minimum: 1, maximum: 300, default: 15, description: 'How long a webhook (https/http subscription) may take to answer one POST.' }),
    max_message_bytes: Type.Integer({ minimum: 1024, maximum: 1_048_576, default: 262_144, description: 'Largest message accepted by publish (SNS: 256 KiB).' }),
  },
  'Notify topics (SNS analog): delivery retries and webhook limits.',
);
