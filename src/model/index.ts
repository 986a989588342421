/**
 * model: Vigil's domain types (plain readonly data) and the narrow ports through which engines meet
 * (a store port, a notifier, a stream putter…). Engines depend on these interfaces, `store` and other
 * engines implement them, and `app` wires them together. Imports: core only.
 */
export type { AccessKey, AccessKeyStore } from './access-key.js';
export type { Component, Endpoint, TlsCredentials } from './lifecycle.js';
export type { BackupMode, BackupConfig, ProcessorConfig, SinkConfig, StreamDefinition, StreamStore, StreamPutter, Outbox, OutboxRecord, OutboxAppended, ReplayRun } from './stream.js';
export type { Thing, ThingGroup, ThingType, Certificate, CertificateStatus, CaCertificate, CaCertificateStatus, Policy, PolicyVersion, PolicyTarget, ThingPrincipalType, Page, PageRequest, ThingQuery, ThingGroupQuery, ThingStore, CertificateQuery, CertificateStore, PolicyStore, ResourceTag, TagStore } from './registry.js';
export type { RegistryChange, RegistryEvents, DeviceIdentity, ConnectionContext, IotAction, ConnectionAuthorizer, DeviceAuth, ServerCredentials } from './device-auth.js';
export type { HecToken, HecTokenStore, SiemIndex, SiemIndexStore, SiemEvent, EventLog } from './siem.js';
export type { MqttMessage, RulesSink, MqttPublisher, Notifier } from './messaging.js';
export type { BridgedProperties, BridgedMessage, BridgedSubscription, BridgedSession, BrokerRemote, ClusteredBroker } from './broker-bridge.js';
export type { NotifyTopic, SubscriptionProtocol, NotifySubscription, NotifyStore, TopicRuleAction, TopicRule, TopicRuleStore } from './notify-rules.js';
export type { MetricValue, ComparisonOperator, ConfidenceLevel, MetricDimension, BehaviorCriteria, Behavior, MetricToRetain, AlertTarget, MetricsExportConfig, Tag, SecurityProfile, CustomMetricType, CustomMetric, Dimension, ProfileStore, ViolationEventType, VerificationState, BehaviorCriteriaType, Violation, ViolationEvent, ViolationQuery, AlarmRecord, ViolationStore, MitigationActionType, MitigationAction, DetectTaskStatus, DetectExecutionStatus, DetectMitigationTask, DetectMitigationExecution, MitigationStore, MetricDatum, MetricHistory, ThingDirectory } from './detect.js';
export type { AuditSeverity, AuditResourceType, AuditResourceIdentifier, AuditResource, AuditFinding, AuditCheckSetting, AuditLoggingOptions, AuditConfiguration, AuditTaskType, AuditTaskStatus, AuditCheckRunStatus, AuditCheckDetail, AuditTask, AuditFrequency, DayOfWeek, ScheduledAudit, AuditSuppression, AuditMitigationTaskStatus, AuditMitigationExecutionStatus, AuditMitigationTarget, AuditMitigationTask, AuditMitigationExecution, AuditFindingQuery, AuditStore, ConnectionRecord, ConnectionHistoryReader, AuditRegistryActions, MitigationActionReader } from './audit.js';
export type { CloudCountMetric, CloudMetricName, CloudDatapoint, DeviceDatapoint, DatapointSink, ExportJournal, FleetValue, JournaledExport, PartitionedDetect } from './datapoints.js';
export type { PanelVisualization, DashboardPanel, Dashboard, DashboardStore } from './dashboard.js';
export type { DisconnectReason, ConnectionHistoryEntry, ConnectionHistoryQuery, ConnectionHistoryStore } from './connection-history.js';
export type { AlertComparator, AlertTrigger, AlertAction, AlertThrottle, AlertDefinition, SavedSearch, AlertRunStatus, AlertActionOutcome, AlertRun, SavedSearchStore } from './saved-search.js';
export type { ModelStatus, MlModelRecord, MlModelStore, MlTrainingSeries, MlTrainingSource, MlCorpus, MlIncident } from './detect-ml.js';
export type { BackupManifest, BackupSource } from './backup.js';
export type { EngineEvent, EngineEvents } from './engine-events.js';
export type { PlaybookTrigger, PlaybookStepType, PlaybookStep, PlaybookLimits, Playbook, PlaybookRunState, PlaybookStepStatus, PlaybookStepRecord, PlaybookRunTrigger, PlaybookRun, PlaybookRunQuery, PlaybookStore, RespondRegistry, DeviceConnections, RespondOutlets } from './respond.js';
