/**
 * The fixed list of Vigil's internal events. Each one is a Prometheus counter
 * (`vigil_<name>_total`, with exactly these labels) and one structured log line at its level.
 * Adding an event means adding a row here; emitting an unlisted name does not compile.
 */
export const EVENTS = {
  server_started: { level: 'info', labels: ['component'], help: 'A listener started (address in the log line).' },
  server_stopped: { level: 'info', labels: ['component'], help: 'A listener stopped.' },
  config_loaded: { level: 'info', labels: [], help: 'The configuration was loaded and validated.' },
  config_deprecated: { level: 'warn', labels: ['key'], help: 'The configuration sets a deprecated key; the message names the key that replaces it.' },
  secret_created: { level: 'info', labels: ['name'], help: 'A secret file was created under the data directory (its path is logged, never its content).' },
  store_migrated: { level: 'debug', labels: ['store'], help: 'A store applied a schema migration.' },
  api_request: { level: 'debug', labels: ['method', 'route', 'status'], help: 'An HTTP API request was answered.' },
  api_auth_failed: { level: 'warn', labels: ['reason'], help: 'An HTTP API request was refused for missing or bad credentials.' },
  access_key_created: { level: 'info', labels: [], help: 'A SigV4 access key was created.' },
  access_key_deleted: { level: 'info', labels: [], help: 'A SigV4 access key was deleted.' },
  registry_changed: { level: 'debug', labels: ['resource', 'operation'], help: 'A registry resource (thing, thing group, certificate, CA, policy, attachment) was created, changed or deleted.' },
  certificate_issued: { level: 'debug', labels: ['kind'], help: 'The built-in CA issued a certificate (device, csr, server) or a CRL (crl).' },
  crl_fetched: { level: 'info', labels: ['result'], help: 'The audit fetched an external CA\'s CRL from a certificate\'s CRL distribution point (audit.fetch_crls): stored, not_due, or failed (the log line says why).' },
  policy_decision: { level: 'debug', labels: ['action', 'decision', 'cached'], help: 'An IoT policy authorization decision (allow, explicit_deny, implicit_deny).' },
  policy_cache: { level: 'debug', labels: ['result'], help: 'A lookup in the compiled-policy cache (registry.policy_cache_size): hit, miss, or evicted (dropped as least recently used once the cache is full).' },
  policy_denied: { level: 'info', labels: ['action', 'decision'], help: 'An IoT policy denied a device request (connect, publish, subscribe, receive) on its first evaluation for the connection; the log line names the client, the resource ARN and the statement that denied it or the statements that failed to match.' },
  component_error: { level: 'error', labels: ['component', 'code', 'stage'], help: 'A component hit an error it could not handle in place.' },
  cluster_link: { level: 'info', labels: ['state'], help: 'This node\'s NATS connection connected, dropped or came back (cluster mode).' },
  cluster_node: { level: 'info', labels: ['state'], help: 'Another cluster node was first heard from (joined) or not heard from for node_timeout_secs (gone).' },
  cluster_mqtt_messages: { level: 'debug', labels: ['direction'], help: 'MQTT messages this node forwarded to the other nodes (out: NATS delivers them only to nodes with a matching subscription) or delivered from another node to its own subscribers (in).' },
  cluster_session_takeover: { level: 'info', labels: ['direction'], help: 'A client id moved between nodes: out = this node closed its connection or ended its session because the client connected to another node; in = a persistent session was carried here from another node.' },
  cluster_detect_routed: { level: 'debug', labels: ['result'], help: 'Detect datapoints of things owned by another node: sent to the owner and acknowledged (sent), received from another node (received), sent again after no answer (retried), dropped after retrying for cluster.detect_route_retry_secs (failed).' },
  cluster_detect_failed: { level: 'warn', labels: [], help: 'A batch of detect datapoints could not reach its owner node within the retry time and was dropped (the log line says how many and why); its reports were answered rejected (report.unavailable), not accepted.' },
  cluster_detect_partitions_moved: { level: 'info', labels: ['direction'], help: 'Detect partitions that moved to this node (in: their things\' state read again from the store) or away from it (out: alarm counters saved, state dropped).' },
  cluster_registry_change: { level: 'debug', labels: ['direction', 'kind'], help: 'A registry change was sent to the other nodes (out) or applied from another node (in).' },
  cluster_publish_retried: { level: 'debug', labels: [], help: 'A delivery-stream put to JetStream failed or timed out once and was retried under the same message id (a NATS server or stream leader moving).' },
  cluster_definition_change: { level: 'debug', labels: ['direction', 'kind'], help: 'A definition change (kind: streams, rules, profiles) was sent to the other nodes (out) or made this node re-read that kind of definition (in).' },
  unit_disabled: { level: 'error', labels: ['component', 'reason'], help: 'A user-defined unit (a topic rule, a stream) was disabled: reason failures (it threw on that many inputs in a row) or invalid (its stored definition failed validation at start; loaded disabled).' },
  limit_hit: { level: 'warn', labels: ['component', 'limit'], help: 'An input, time or connection limit refused or closed something; limit is the config key (e.g. api.max_json_depth, hec.body_timeout_secs).' },
  shutdown: { level: 'info', labels: ['signal'], help: 'Shutdown began.' },
  backup_written: { level: 'info', labels: ['registry'], help: 'An online backup was written (registry: included for SQLite, external for PostgreSQL).' },
  hec_request: { level: 'debug', labels: ['code'], help: 'A HEC request was answered with this HEC code.' },
  hec_events_received: { level: 'debug', labels: ['route'], help: 'HEC accepted a request of events (event or raw endpoint).' },
  hec_token_created: { level: 'info', labels: [], help: 'A HEC token was created.' },
  siem_index_changed: { level: 'info', labels: ['action'], help: 'A SIEM index was created or deleted.' },
  siem_events_expired: { level: 'info', labels: ['index'], help: 'Retention deleted events older than the index keeps.' },
  siem_search: { level: 'debug', labels: ['status'], help: 'An SPL search finished (ok, error, cancelled).' },
  stream_changed: { level: 'info', labels: ['stream', 'action'], help: 'A delivery stream was created, updated or deleted (synced: changed on another cluster node, its pipeline restarted here).' },
  stream_records_received: { level: 'debug', labels: ['stream'], help: 'Records put into a delivery stream and durable in the outbox (Firehose IncomingRecords).' },
  stream_received_bytes: { level: 'debug', labels: ['stream'], help: 'Bytes put into a delivery stream (Firehose IncomingBytes).' },
  stream_records_delivered: { level: 'debug', labels: ['stream'], help: 'Records the sink acknowledged (HEC: ack true).' },
  stream_delivered_bytes: { level: 'debug', labels: ['stream'], help: 'Bytes the sink acknowledged.' },
  stream_delivery_retried: { level: 'info', labels: ['stream', 'error_code'], help: 'A batch delivery failed and will be retried.' },
  stream_delivery_failed: { level: 'warn', labels: ['stream', 'error_code'], help: 'A batch was given up (retry duration spent or a non-retried error) and goes to backup.' },
  stream_records_backed_up: { level: 'info', labels: ['stream', 'folder'], help: 'Records written to the backup directory (splunk-failed, http-endpoint-failed, processing-failed, all).' },
  stream_transform_failed: { level: 'warn', labels: ['stream', 'error_code'], help: 'Records failed transformation and go to processing-failed/.' },
  stream_put_refused: { level: 'warn', labels: ['stream', 'reason'], help: 'A put was refused (outbox full).' },
  stream_probe: { level: 'info', labels: ['stream', 'result'], help: 'The start-up probe of a stream destination finished (HEC: empty body expecting 400 code 5).' },
  stream_replayed: { level: 'info', labels: ['stream'], help: 'Failed records were re-put from the backup directory.' },
  stream_replay_resumed: { level: 'warn', labels: ['stream'], help: 'A replay the previous process did not finish continues from where it stopped.' },
  rule_changed: { level: 'info', labels: ['action'], help: 'A topic rule was created, replaced, deleted, enabled or disabled.' },
  rule_matched: { level: 'debug', labels: ['rule'], help: 'A message matched a topic rule (FROM and WHERE) and its actions ran.' },
  rule_message_dropped: { level: 'debug', labels: ['reason'], help: 'A basic-ingest message named a missing or disabled rule.' },
  rule_action_failed: { level: 'warn', labels: ['action'], help: 'A topic-rule action (or its errorAction) failed for one message.' },
  notify_topic_changed: { level: 'info', labels: ['action'], help: 'A notify topic or subscription was created or deleted.' },
  notify_published: { level: 'debug', labels: [], help: 'A message was published to a notify topic.' },
  notify_delivered: { level: 'debug', labels: ['protocol'], help: 'A notify message was delivered to one subscription.' },
  notify_delivery_retried: { level: 'debug', labels: ['protocol'], help: 'A notify delivery attempt failed and will be retried after a backoff.' },
  notify_delivery_failed: { level: 'warn', labels: ['protocol', 'reason'], help: 'A notify delivery gave up (attempts exhausted or a permanent error).' },
  sim_started: { level: 'info', labels: ['scenario'], help: 'The fleet simulator started its devices.' },
  sim_report_answered: { level: 'debug', labels: ['status'], help: 'A simulated device got an answer to its report (accepted, rejected).' },
  resources_applied: { level: 'debug', labels: ['kind', 'action'], help: 'A declarative resource was created, updated or deleted by apply (the demo\'s setup).' },
  detect_profile_changed: { level: 'info', labels: ['resource', 'action'], help: 'A security profile, target, custom metric, dimension or mitigation action was created, changed or deleted.' },
  detect_datapoints: { level: 'debug', labels: ['source'], help: 'Datapoints evaluated by Detect (device, cloud).' },
  detect_violation_event: { level: 'info', labels: ['type'], help: 'A violation event (in-alarm, alarm-cleared, alarm-invalidated) was recorded.' },
  detect_alert_failed: { level: 'warn', labels: ['reason'], help: 'A violation alert could not be published to its alert target.' },
  detect_export_published: { level: 'debug', labels: ['result'], help: 'A metrics export message was published (ok) or failed (error).' },
  detect_export_replayed: { level: 'info', labels: [], help: 'At start, detect put back the exported metrics of reports a previous run had accepted but not yet exported (its export journal); they go out with the next export.' },
  detect_ml_training: { level: 'info', labels: ['result'], help: 'An ML Detect training attempt of one behavior: built (ACTIVE), pending (minimum data not met) or expired.' },
  detect_mitigation_task: { level: 'info', labels: ['status'], help: 'A detect mitigation actions task finished (SUCCESSFUL, FAILED, CANCELED).' },
  mqtt_client_connected: { level: 'debug', labels: ['listener'], help: 'An MQTT client connected (certificate, CA and iot:Connect all accepted).' },
  mqtt_connect_refused: { level: 'info', labels: ['reason'], help: 'An MQTT CONNECT was refused (no_certificate, unregistered_certificate, certificate_inactive, ca_inactive, connect_denied, will_denied, tls_handshake, error).' },
  mqtt_client_disconnected: { level: 'debug', labels: ['reason'], help: 'An MQTT connection ended (AWS IoT lifecycle disconnect reason).' },
  mqtt_authorization_denied: { level: 'debug', labels: ['action'], help: 'An IoT policy denied a client request (connect, publish, subscribe, receive); also an aws:num-authorization-failures datapoint.' },
  mqtt_limit_hit: { level: 'warn', labels: ['limit'], help: 'A broker hardening limit refused or closed a connection (max_connections, connect_rate, handshakes_per_ip, pending_handshakes, tls_handshake_timeout, connect_timeout, max_payload).' },
  defender_report_answered: { level: 'debug', labels: ['status', 'reason'], help: 'A Device Defender report was answered on /accepted or /rejected (reason: the rejection cause).' },
  defender_report_rejected: { level: 'info', labels: ['reason'], help: 'A Device Defender report was rejected; the log line names the thing, the report id and what was wrong where (the /rejected answer carries only AWS\'s ErrorCode and ErrorMessage).' },
  datapoints_recorded: { level: 'debug', labels: ['side'], help: 'Datapoints the ingress handed to the datapoint sink (device, cloud) while no detect engine consumes them.' },
  audit_configuration_changed: { level: 'info', labels: ['action'], help: 'The account audit configuration was updated or deleted.' },
  audit_check_completed: { level: 'debug', labels: ['check', 'status'], help: 'An audit check run finished (COMPLETED_COMPLIANT, COMPLETED_NON_COMPLIANT).' },
  audit_task_finished: { level: 'info', labels: ['task_type', 'status'], help: 'An audit task ended (COMPLETED, FAILED, CANCELED); its notification is published then.' },
  audit_findings_expired: { level: 'info', labels: [], help: 'Audit findings past their retention were deleted.' },
  audit_schedule_changed: { level: 'info', labels: ['action'], help: 'A scheduled audit was created, updated or deleted.' },
  audit_suppression_changed: { level: 'info', labels: ['action'], help: 'An audit finding suppression was created, updated or deleted.' },
  audit_mitigation_executed: { level: 'info', labels: ['action_type', 'status'], help: 'An audit mitigation action ran on one finding (COMPLETED, FAILED, SKIPPED, CANCELED).' },
  saved_search_changed: { level: 'info', labels: ['action'], help: 'A SIEM saved search (or its alert) was created, updated, enabled, disabled, deleted or installed (bundled).' },
  alert_run: { level: 'info', labels: ['status'], help: 'A saved search ran on its schedule or on dispatch (fired, not_fired, throttled, failed).' },
  alert_action_failed: { level: 'warn', labels: ['type'], help: 'An alert action (webhook, topic) failed after its attempts; the outcome is in the alert history.' },
  playbook_changed: { level: 'info', labels: ['action'], help: 'A playbook was created, replaced, enabled, disabled or deleted.' },
  playbook_run: { level: 'info', labels: ['state'], help: 'A playbook run changed state (running, waiting_approval, paused_rate_limit, succeeded, failed, denied, undone).' },
  playbook_step: { level: 'info', labels: ['type', 'status'], help: 'A playbook step ended (succeeded, failed, skipped, dry_run, undone).' },
} as const satisfies Record<string, EventSpec>;

export interface EventSpec {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly labels: readonly string[];
  readonly help: string;
}

export type EventName = keyof typeof EVENTS;
export type EventLabels<N extends EventName> = { readonly [K in (typeof EVENTS)[N]['labels'][number]]: string | number };

/** Point-in-time values (`vigil_<name>`), set rather than counted. */
export const GAUGES = {
  mqtt_connected_clients: { labels: [], help: 'MQTT clients (devices) connected now: authenticated and set up by the broker.' },
  stream_data_freshness_seconds: { labels: ['stream'], help: 'Age of the oldest record of a stream not yet delivered or backed up (Firehose DataFreshness).' },
  stream_ack_latency_seconds: { labels: ['stream'], help: 'Time from send to HEC acknowledgement of the latest batch (Firehose DataAckLatency).' },
  stream_outbox_bytes: { labels: [], help: 'Bytes held in the stream outbox.' },
  store_duckdb_memory_bytes: { labels: [], help: 'Memory DuckDB holds for the event store (its block cache and query memory, capped by store.duckdb_memory_limit_mb), sampled every 15 s.' },
  cluster_detect_partitions_owned: { labels: [], help: 'Detect partitions this node owns now (cluster mode).' },
  cluster_nodes: { labels: [], help: 'Cluster nodes heard from within node_timeout_secs, this one included (cluster mode).' },
} as const satisfies Record<string, { labels: readonly string[]; help: string }>;

export type GaugeName = keyof typeof GAUGES;
export type GaugeLabels<N extends GaugeName> = { readonly [K in (typeof GAUGES)[N]['labels'][number]]: string | number };

/** Latency buckets (seconds) shared by every histogram: 1 ms to 1 min. */
export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

/** Durations (`vigil_<name>`, Prometheus histograms in seconds), observed with a monotonic clock. */
export const HISTOGRAMS = {
  report_handling_seconds: { labels: ['status'], help: 'Handling one Device Defender report: decode, checks, hand-off to detect, the answer (accepted, rejected).' },
  hec_commit_seconds: { labels: ['result'], help: 'From a HEC request\'s events being parsed to their commit in the event store (ok, error).' },
  stream_delivery_seconds: { labels: ['stream', 'result'], help: 'One batch delivery attempt to a stream\'s sink, send to acknowledgement (ok, error).' },
  search_seconds: { labels: ['status'], help: 'One SPL search, compile to last row (ok, error, cancelled).' },
} as const satisfies Record<string, { labels: readonly string[]; help: string }>;

export type HistogramName = keyof typeof HISTOGRAMS;
export type HistogramLabels<N extends HistogramName> = { readonly [K in (typeof HISTOGRAMS)[N]['labels'][number]]: string | number };
