import { Type } from 'typebox';
import { listenAddress, section, tlsSetting } from '../../config/index.js';

export const hecConfigSchema = section(
  {
    listen: listenAddress('127.0.0.1:8088', 'HEC listener (Splunk HTTP Event Collector protocol; token auth).'),
    tls: tlsSetting('the HEC listener'),
    allow_insecure_http: Type.Boolean({ default: false, description: 'Serve plain HTTP on a non-loopback listen address anyway (only behind a TLS-terminating proxy): HEC tokens travel in every request.' }),
    header_timeout_secs: Type.Integer({ minimum: 1, maximum: 300, default: 10, description: 'Time a client has to send the request line and headers; then 408 and the connection is closed.' }),
    request_timeout_secs: Type.Integer({ minimum: 1, maximum: 3600, default: 30, description: 'Time a client has to send a whole request, headers and body; then 408 and the connection is closed (a slow body is not held). Raise it for very large batches over slow links.' }),
    max_content_bytes: Type.Integer({ minimum: 1024, default: 100 * 1024 * 1024, description: 'Largest request body, after gzip decompression (answers 413 above it).' }),
    max_event_bytes: Type.Integer({ minimum: 64, default: 5 * 1024 * 1024, description: 'Largest single event (Splunk maxEventSize); larger → code 6.' }),
    max_event_depth: Type.Integer({ minimum: 1, maximum: 1024, default: 128, description: 'Deepest object/array nesting of one /event event; deeper → 400 code 6 with its invalid-event-number (a client error Splunk clients do not retry).' }),
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
    search: section(
      {
        max_secs: Type.Integer({ minimum: 1, default: 120, description: 'A search (with its subsearches) running longer is stopped with siem.search_timeout (HTTP 422; the reply says no complete results were available). The lower of this and search_timeout_secs applies.' }),
        max_memory_bytes: Type.Optional(Type.Integer({ minimum: 64 * 1024 * 1024, description: 'Deprecated: use store.duckdb_memory_limit_mb, the one memory limit of the event store (DuckDB has one per database, shared by searches and ingest). When set, this value (in bytes) replaces that key and `vigil up` warns (config_deprecated).' })),
        max_terms: Type.Integer({ minimum: 1, default: 10_000, description: 'Search terms, comparisons and eval operands one query may hold (before subsearch results are spliced in); more is spl.too_many_terms (HTTP 400).' }),
        max_query_bytes: Type.Integer({ minimum: 1024, default: 1024 * 1024, description: 'Longest query text (UTF-8 bytes); longer is spl.query_too_long (HTTP 400).' }),
        max_depth: Type.Integer({ minimum: 8, default: 100, description: 'Deepest nesting of parentheses, brackets and subsearches in a query; deeper is spl.too_deep (HTTP 400).' }),
      },
      'Budgets for one SPL search, checked before it runs (size, nesting, terms) and while it runs (time, memory).',
    ),
  },
  'Embedded SIEM: event store and SPL search.',
);
