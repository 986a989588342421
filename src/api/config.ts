import { Type } from 'typebox';
import { listenAddress, section } from '../config/index.js';

export const apiConfigSchema = section(
  {
    listen: listenAddress('127.0.0.1:8080', 'HTTP API and console address. Every route but /health needs a token or an AWS SigV4 signature.'),
    body_limit_bytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 6 * 1024 * 1024, description: 'Largest request body accepted.' }),
    sigv4_max_skew_secs: Type.Integer({ minimum: 1, maximum: 3600, default: 900, description: 'How far a SigV4 request time may be from the server clock (AWS allows 15 minutes).' }),
  },
  'HTTP API (AWS IoT- and Firehose-compatible routes, Splunk search API, /api/v1, /metrics, /health).',
);
