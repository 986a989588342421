import { Type } from 'typebox';
import { listenAddress, section, tlsSetting } from '../config/index.js';

export const apiConfigSchema = section(
  {
    listen: listenAddress('127.0.0.1:8080', 'HTTP API and console address. Every route but /health needs a token or an AWS SigV4 signature.'),
    tls: tlsSetting('the API and console'),
    allow_insecure_http: Type.Boolean({ default: false, description: 'Serve plain HTTP on a non-loopback listen address anyway. Only behind a TLS-terminating proxy on a trusted network: tokens travel in every request.' }),
    metrics: section(
      {
        listen: Type.String({ default: '', description: 'Also serve GET /metrics (Prometheus text) without authentication on its own listener, e.g. 127.0.0.1:9464. Empty: off. A non-loopback address needs allow_public.', examples: ['127.0.0.1:9464'] }),
        allow_public: Type.Boolean({ default: false, description: 'Allow a non-loopback metrics listen address (the metrics hold no secrets, but no authentication guards them).' }),
        token: Type.Boolean({ default: true, description: 'Create secrets/metrics-token on first start: a read-only bearer token that the API accepts for GET /metrics and nothing else.' }),
      },
      'Prometheus metrics: always at GET /metrics of the API (admin or metrics token), optionally on a listener of their own.',
    ),
    body_limit_bytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 6 * 1024 * 1024, description: 'Largest request body accepted.' }),
    header_timeout_secs: Type.Integer({ minimum: 1, maximum: 300, default: 10, description: 'Time a client has to send the request line and headers; then 408 and the connection is closed (slowloris).' }),
    request_timeout_secs: Type.Integer({ minimum: 1, maximum: 3600, default: 30, description: 'Time a client has to send a whole request, headers and body; then 408 and the connection is closed. Raise it for very large bodies over slow links.' }),
    max_json_depth: Type.Integer({ minimum: 8, maximum: 1024, default: 64, description: 'Deepest nesting of objects and arrays in a JSON request body; a deeper body is refused with 400 before it is parsed.' }),
    sigv4_max_skew_secs: Type.Integer({ minimum: 1, maximum: 3600, default: 900, description: 'How far a SigV4 request time may be from the server clock (AWS allows 15 minutes).' }),
  },
  'HTTP API (AWS IoT- and Firehose-compatible routes, Splunk search API, /api/v1, /metrics, /health).',
);
