import { Type } from 'typebox';
import { listenAddress, section, tlsSetting } from '../../config/index.js';

export const hecConfigSchema = section(
  {
    listen: listenAddress('127.0.0.1:8088', 'HEC listener (Splunk HTTP Event Collector protocol; token auth).'),
    tls: tlsSetting('the HEC listener'),
    allow_insecure_http: Type.Boolean({ default: false, description: 'Serve plain HTTP on a non-loopback listen address anyway (only behind a TLS-terminating proxy): HEC tokens travel in every request.' }),
    max_content_bytes: Type.Integer({ minimum: 1024, default: 100 * 1024 * 1024, description: 'Largest request body, after gzip decompression (answers 413 above it).' }),
    max_event_bytes: Type.Integer({ minimum: 64, default: 5 * 1024 * 1024, description: 'Largest single event (Splunk maxEventSize); larger → code 6.' }),
    max_pending_events: Type.Integer({ minimum: 1, default: 1_000_000, description: 'Events waiting for a commit before HEC answers 503 code 9 (server busy).' }),
    max_ack_channels: Type.Integer({ minimum: 1, default: 1_000_000, description: 'Open indexer-ack channels (Splunk max_number_of_ack_channel).' }),
    ack_idle_secs: Type.Integer({ minimum: 1, default: 600, description: 'An ack channel idle this long is dropped (Splunk maxIdleTime).' }),
    default_token: Type.Boolean({ default: true, description: 'On first start create the token `default` (secrets/hec-token) for index main.' }),
  },
  'Splunk HEC receiver of the embedded SIEM.',
);

export const siemConfigSchema = section(
  {
    retention_check_secs: Type.Integer({ minimum: 1, default: 3600, description: 'How often per-index retention deletes expired events.' }),
    search_timeout_secs: Type.Integer({ minimum: 1, default: 120, description: 'A search running longer is cancelled.' }),
    max_result_rows: Type.Integer({ minimum: 1, default: 50_000, description: 'Result-row cap (Splunk maxresultrows).' }),
  },
  'Embedded SIEM: event store and SPL search.',
);
