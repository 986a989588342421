import type { Generated } from 'kysely';

/**
 * The registry database's tables as Kysely sees them. Each migration that adds a table adds its
 * interface here. Times are epoch milliseconds (bigint on PostgreSQL, read back through `toNumber`).
 */
export interface RegistryDatabase {
  access_keys: AccessKeysTable;
  vigil_meta: MetaTable;
  things: ThingsTable;
  thing_groups: ThingGroupsTable;
  thing_types: ThingTypesTable;
  resource_tags: ResourceTagsTable;
  thing_group_members: ThingGroupMembersTable;
  certificates: CertificatesTable;
  ca_certificates: CaCertificatesTable;
  thing_principals: ThingPrincipalsTable;
  policies: PoliciesTable;
  policy_versions: PolicyVersionsTable;
  policy_targets: PolicyTargetsTable;
  streams: StreamsTable;
  hec_tokens: HecTokensTable;
  siem_indexes: SiemIndexesTable;
  notify_topics: NotifyTopicsTable;
  notify_subscriptions: NotifySubscriptionsTable;
  topic_rules: TopicRulesTable;
  detect_profiles: DetectProfilesTable;
  detect_targets: DetectTargetsTable;
  detect_custom_metrics: DetectCustomMetricsTable;
  detect_dimensions: DetectDimensionsTable;
  detect_violations: DetectViolationsTable;
  detect_violation_events: DetectViolationEventsTable;
  detect_alarms: DetectAlarmsTable;
  mitigation_actions: MitigationActionsTable;
  detect_mitigation_tasks: DetectMitigationTasksTable;
  detect_mitigation_executions: DetectMitigationExecutionsTable;
  audit_settings: AuditSettingsTable;
  audit_tasks: AuditTasksTable;
  audit_findings: AuditFindingsTable;
  audit_scheduled: AuditScheduledTable;
  audit_suppressions: AuditSuppressionsTable;
  audit_mitigation_tasks: AuditMitigationTasksTable;
  audit_mitigation_executions: AuditMitigationExecutionsTable;
  connection_history: ConnectionHistoryTable;
  console_dashboards: ConsoleDashboardsTable;
  detect_ml_models: DetectMlModelsTable;
}

export interface AccessKeysTable {
  access_key_id: string;
  secret_access_key: string;
  description: string;
  created_at: number;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface StreamsTable {
  name: string;
  version: number;
  definition: string;
  created_at: number;
  updated_at: number;
}

export interface ThingsTable {
  thing_name: string;
  thing_id: string;
  thing_type_name: string | null;
  attributes: string;
  version: number;
  created_at: number;
}

export interface ThingGroupsTable {
  group_name: string;
  group_id: string;
  parent_group_name: string | null;
  description: string | null;
  attributes: string;
  version: number;
  created_at: number;
}

export interface ResourceTagsTable {
  resource_arn: string;
  tag_key: string;
  tag_value: string;
}

export interface ThingTypesTable {
  type_name: string;
  type_id: string;
  description: string | null;
  searchable_attributes: string;
  deprecated: number;
  deprecated_at: number | null;
  created_at: number;
}

export interface ThingGroupMembersTable {
  group_name: string;
  thing_name: string;
  added_at: number;
}

export interface CertificatesTable {
  certificate_id: string;
  ca_certificate_id: string | null;
  status: string;
  certificate_pem: string;
  serial_number: string;
  subject: string;
  issuer: string;
  not_before: number;
  not_after: number;
  created_at: number;
  updated_at: number;
  revoked_at: number | null;
  customer_version: number;
  generation_id: string;
}

export interface CaCertificatesTable {
  certificate_id: string;
  status: string;
  certificate_pem: string;
  auto_registration: number;
  built_in: number;
  not_before: number;
  not_after: number;
  created_at: number;
  updated_at: number;
  customer_version: number;
  generation_id: string;
  crl_pem: string | null;
}

export interface ThingPrincipalsTable {
  thing_name: string;
  certificate_id: string;
  principal_type: string;
  created_at: number;
}

export interface PoliciesTable {
  policy_name: string;
  default_version_id: number;
  last_version_id: number;
  created_at: number;
  updated_at: number;
  generation_id: string;
}

export interface PolicyVersionsTable {
  policy_name: string;
  version_id: number;
  document: string;
  created_at: number;
}

export interface PolicyTargetsTable {
  policy_name: string;
  target_kind: string;
  target_id: string;
  created_at: number;
}

export type { Generated };

export interface HecTokensTable {
  name: string;
  token: string;
  description: string;
  disabled: number;
  default_index: string;
  allowed_indexes: string;
  sourcetype: string | null;
  source: string | null;
  host: string | null;
  use_ack: number;
  allow_query_string_auth: number;
  created_at: number;
}

export interface SiemIndexesTable {
  name: string;
  retention_days: number;
  created_at: number;
}

export interface NotifyTopicsTable {
  name: string;
  arn: string;
  display_name: string;
  created_at: number;
}

export interface NotifySubscriptionsTable {
  arn: string;
  topic_name: string;
  protocol: string;
  endpoint: string;
  raw_message_delivery: number;
  signing_secret: string;
  created_at: number;
}

export interface TopicRulesTable {
  rule_name: string;
  sql: string;
  description: string;
  actions: string;
  error_action: string | null;
  rule_disabled: number;
  sql_version: string;
  created_at: number;
  updated_at: number;
}

export interface DetectProfilesTable {
  name: string;
  document: string;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface DetectTargetsTable {
  profile_name: string;
  target_arn: string;
  created_at: number;
}

export interface DetectCustomMetricsTable {
  name: string;
  display_name: string | null;
  metric_type: string;
  tags: string;
  created_at: number;
  updated_at: number;
}

export interface DetectDimensionsTable {
  name: string;
  type: string;
  string_values: string;
  tags: string;
  created_at: number;
  updated_at: number;
}

export interface DetectViolationsTable {
  violation_id: string;
  thing_name: string;
  profile_name: string;
  behavior: string;
  criteria_type: string;
  suppressed: number;
  start_time: number;
  last_value: string | null;
  last_time: number;
  verification_state: string | null;
  verification_description: string | null;
  end_time: number | null;
}

export interface DetectViolationEventsTable {
  event_id: string;
  violation_id: string;
  thing_name: string;
  profile_name: string;
  behavior: string;
  criteria_type: string;
  suppressed: number;
  event_type: string;
  metric_value: string | null;
  event_time: number;
}

export interface DetectAlarmsTable {
  thing_name: string;
  profile_name: string;
  behavior_name: string;
  dimension: string;
  violating: number;
  compliant: number;
  violation_id: string | null;
  last_datapoint_time: number;
}

export interface MitigationActionsTable {
  name: string;
  id: string;
  action_type: string;
  role_arn: string;
  params: string;
  tags: string;
  created_at: number;
  updated_at: number;
}

export interface DetectMitigationTasksTable {
  task_id: string;
  document: string;
  start_time: number;
}

export interface DetectMitigationExecutionsTable {
  task_id: string;
  violation_id: string;
  action_name: string;
  thing_name: string;
  start_time: number;
  end_time: number | null;
  status: string;
  error_code: string | null;
  message: string | null;
}

export interface AuditSettingsTable {
  key: string;
  document: string;
}

export interface AuditTasksTable {
  task_id: string;
  task_type: string;
  task_status: string;
  start_time: number;
  document: string;
}

export interface AuditFindingsTable {
  finding_id: string;
  task_id: string;
  check_name: string;
  resource_key: string;
  task_start_time: number;
  finding_time: number;
  suppressed: number;
  document: string;
}

export interface AuditScheduledTable {
  name: string;
  document: string;
}

export interface AuditSuppressionsTable {
  check_name: string;
  resource_key: string;
  document: string;
}

export interface AuditMitigationTasksTable {
  task_id: string;
  audit_task_id: string | null;
  task_status: string;
  start_time: number;
  document: string;
}

export interface AuditMitigationExecutionsTable {
  task_id: string;
  finding_id: string;
  action_name: string;
  position: number;
  status: string;
  document: string;
}

export interface ConnectionHistoryTable {
  connection_id: string;
  client_id: string;
  thing_name: string | null;
  certificate_id: string;
  source_ip: string | null;
  connected_at: number;
  disconnected_at: number | null;
  disconnect_reason: string | null;
}

export interface ConsoleDashboardsTable {
  id: string;
  name: string;
  description: string;
  panels: string;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface DetectMlModelsTable {
  profile_name: string;
  behavior_name: string;
  metric: string;
  dimension: string;
  status: string;
  collection_start: number;
  last_refresh: number | null;
  last_attempt: number | null;
  datapoints: number;
  percentage: number;
  model: string | null;
}
