/**
 * audit: Device Defender Audit. The account audit configuration, the checks (one file each in
 * `checks/`, one table), on-demand and scheduled audit tasks, findings (kept 90 days),
 * suppressions, the audit notification to a notify topic, and audit mitigation tasks (`mitigation/`).
 * It reads the registry through model ports (stores, connection history) and changes it through
 * `AuditRegistryActions`, which app implements with the registry's services. Imports: core, model,
 * config, telemetry, protocol (ARNs, name rules), and npm (@peculiar/x509, node:crypto).
 */
export { createAudit, type Audit, type AuditOptions } from './audit.js';
export { AuditEngine, type AuditEngineOptions, type ConfigurationInput } from './audit-engine.js';
export { AuditScheduler, MAX_SCHEDULED_AUDITS, type ScheduleInput } from './scheduler.js';
export { AuditSuppressions, type SuppressionInput } from './suppressions.js';
export { AuditMitigation, allowedActions, type StartMitigationInput, type CheckStatistics } from './mitigation/audit-mitigation.js';
export { auditConfigSchema, type AuditConfig } from './config.js';
export { AUDIT_CHECKS, findCheck, hasRocaFingerprint, debianFingerprint, ROCA_PRIMORIAL, ROCA_GENERATOR, type AuditCheck } from './checks/index.js';
export { auditNotification } from './notification.js';
export { iotLogging, loggerLevelOf, type LogLevelControl } from './iot-logging.js';
export type { ServiceExposure } from './checks/index.js';
export { nextRunAfter, runsOn } from './schedule.js';
export { resourceKey, parseResourceIdentifier } from './resource-key.js';
export { findingJson, relatedJson, taskJson, seconds } from './wire.js';

/** The document REPLACE_DEFAULT_POLICY_VERSION installs: it allows nothing. */
export const BLANK_POLICY_DOCUMENT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iot:*', Resource: '*' }] });
