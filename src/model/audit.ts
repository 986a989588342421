import type { Result } from '../core/index.js';
import type { MitigationAction, Tag } from './detect.js';
import type { Page, PageRequest } from './registry.js';

export type AuditSeverity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
export type AuditResourceType = 'DEVICE_CERTIFICATE' | 'CA_CERTIFICATE' | 'IOT_POLICY' | 'COGNITO_IDENTITY_POOL' | 'CLIENT_ID' | 'ACCOUNT_SETTINGS' | 'ROLE_ALIAS' | 'IAM_ROLE' | 'ISSUER_CERTIFICATE';

/** AWS `ResourceIdentifier`: exactly the members that identify one resource. */
export interface AuditResourceIdentifier {
  readonly deviceCertificateId?: string;
  readonly caCertificateId?: string;
  readonly cognitoIdentityPoolId?: string;
  readonly clientId?: string;
  readonly policyVersionIdentifier?: { readonly policyName?: string; readonly policyVersionId?: string };
  readonly account?: string;
  readonly iamRoleArn?: string;
  readonly roleAliasArn?: string;
  readonly issuerCertificateIdentifier?: { readonly issuerCertificateSubject?: string; readonly issuerId?: string; readonly issuerCertificateSerialNumber?: string };
  readonly deviceCertificateArn?: string;
}

export interface AuditResource {
  readonly resourceType: AuditResourceType;
  readonly resourceIdentifier: AuditResourceIdentifier;
  readonly additionalInfo?: Readonly<Record<string, string>>;
}

/** One non-compliant resource found by one check run. Times are epoch milliseconds. */
export interface AuditFinding {
  readonly findingId: string;
  readonly taskId: string;
  readonly checkName: string;
  readonly taskStartTime: number;
  readonly findingTime: number;
  readonly severity: AuditSeverity;
  readonly nonCompliantResource: AuditResource;
  readonly relatedResources: readonly AuditResource[];
  readonly reasonForNonCompliance: string;
  readonly reasonForNonComplianceCode: string;
  readonly isSuppressed: boolean;
  /** Canonical text of the resource identifier (suppressions and filters match on it). */
  readonly resourceKey: string;
}

export interface AuditCheckSetting {
  readonly enabled: boolean;
  readonly configuration?: Readonly<Record<string, string>>;
}

/** Vigil's "IoT logging" (SetV2LoggingOptions): whether the audit log of registry changes is on. */
export interface AuditLoggingOptions {
  readonly roleArn: string;
  readonly defaultLogLevel: 'DEBUG' | 'INFO' | 'ERROR' | 'WARN' | 'DISABLED';
  readonly disableAllLogs: boolean;
}

export interface AuditConfiguration {
  readonly roleArn: string | undefined;
  readonly notificationTarget: { readonly targetArn: string; readonly roleArn: string | undefined; readonly enabled: boolean } | undefined;
  /** Only checks that were ever configured; the rest are disabled. */
  readonly checks: Readonly<Record<string, AuditCheckSetting>>;
}

export type AuditTaskType = 'ON_DEMAND_AUDIT_TASK' | 'SCHEDULED_AUDIT_TASK';
export type AuditTaskStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELED';
export type AuditCheckRunStatus = 'IN_PROGRESS' | 'WAITING_FOR_DATA_COLLECTION' | 'CANCELED' | 'COMPLETED_COMPLIANT' | 'COMPLETED_NON_COMPLIANT' | 'FAILED';

export interface AuditCheckDetail {
  readonly checkRunStatus: AuditCheckRunStatus;
  readonly checkCompliant?: boolean;
  readonly totalResourcesCount?: number;
  readonly nonCompliantResourcesCount?: number;
  readonly suppressedNonCompliantResourcesCount?: number;
  readonly errorCode?: 'INSUFFICIENT_PERMISSIONS' | 'AUDIT_CHECK_DISABLED';
  readonly message?: string;
}

export interface AuditTask {
  readonly taskId: string;
  readonly taskType: AuditTaskType;
  readonly taskStatus: AuditTaskStatus;
  readonly taskStartTime: number;
  readonly taskEndTime: number | undefined;
  readonly scheduledAuditName: string | undefined;
  readonly checkNames: readonly string[];
  readonly details: Readonly<Record<string, AuditCheckDetail>>;
}

export type AuditFrequency = 'DAILY' | 'WEEKLY' | 'BIWEEKLY' | 'MONTHLY';
export type DayOfWeek = 'SUN' | 'MON' | 'TUE' | 'WED' | 'THU' | 'FRI' | 'SAT';

export interface ScheduledAudit {
  readonly name: string;
  readonly frequency: AuditFrequency;
  readonly dayOfWeek: DayOfWeek | undefined;
  /** "1".."31" or "LAST". */
  readonly dayOfMonth: string | undefined;
  readonly targetCheckNames: readonly string[];
  readonly tags: readonly Tag[];
  readonly createdAt: number;
  /** Start of the last task it started (the look-back of connection checks starts there). */
  readonly lastRunAt: number | undefined;
}

export interface AuditSuppression {
  readonly checkName: string;
  readonly resourceIdentifier: AuditResourceIdentifier;
  readonly resourceKey: string;
  /** Epoch ms; undefined with `suppressIndefinitely`. */
  readonly expirationDate: number | undefined;
  readonly suppressIndefinitely: boolean;
  readonly description: string | undefined;
  readonly createdAt: number;
}

export type AuditMitigationTaskStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELED';
export type AuditMitigationExecutionStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELED' | 'SKIPPED' | 'PENDING';

export interface AuditMitigationTarget {
  readonly auditTaskId?: string;
  readonly findingIds?: readonly string[];
  readonly auditCheckToReasonCodeFilter?: Readonly<Record<string, readonly string[]>>;
}

export interface AuditMitigationTask {
  readonly taskId: string;
  readonly taskStatus: AuditMitigationTaskStatus;
  readonly startTime: number;
  readonly endTime: number | undefined;
  readonly target: AuditMitigationTarget;
  readonly auditCheckToActionsMapping: Readonly<Record<string, readonly string[]>>;
  readonly actions: readonly MitigationAction[];
  readonly clientRequestToken: string;
  /** The audit task whose findings are mitigated, when one is (filters of ListAuditMitigationActionsTasks). */
  readonly auditTaskId: string | undefined;
}

/** One action on one finding. */
export interface AuditMitigationExecution {
  readonly taskId: string;
  readonly findingId: string;
  readonly checkName: string;
  readonly actionName: string;
  readonly actionId: string;
  /** Position of the action in the check's mapping (executions of a finding run in this order). */
  readonly order: number;
  readonly status: AuditMitigationExecutionStatus;
  readonly startTime: number | undefined;
  readonly endTime: number | undefined;
  readonly errorCode: string | undefined;
  readonly message: string | undefined;
}

export interface AuditFindingQuery extends PageRequest {
  readonly taskId?: string | undefined;
  /** Finding time in `[from, to]`. */
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  readonly checkName?: string | undefined;
  readonly resourceKey?: string | undefined;
  /** True: only suppressed; false: only unsuppressed; undefined: both. */
  readonly suppressed?: boolean | undefined;
}

/** Storage port for the audit: configuration, tasks, findings, schedules, suppressions, mitigation tasks. */
export interface AuditStore {
  getConfiguration(): Promise<AuditConfiguration | undefined>;
  putConfiguration(configuration: AuditConfiguration): Promise<void>;
  deleteConfiguration(): Promise<void>;
  getLogging(): Promise<AuditLoggingOptions | undefined>;
  putLogging(options: AuditLoggingOptions): Promise<void>;

  createTask(task: AuditTask): Promise<void>;
  getTask(taskId: string): Promise<AuditTask | undefined>;
  updateTask(task: AuditTask): Promise<void>;
  /** Started in `[from, to]`, newest first. */
  listTasks(query: PageRequest & { readonly from: number; readonly to: number; readonly taskType?: AuditTaskType | undefined; readonly taskStatus?: AuditTaskStatus | undefined }): Promise<Page<AuditTask>>;

  addFindings(findings: readonly AuditFinding[]): Promise<void>;
  getFinding(findingId: string): Promise<AuditFinding | undefined>;
  /** Oldest first (finding time, then id). */
  listFindings(query: AuditFindingQuery): Promise<Page<AuditFinding>>;
  /** Deletes findings whose task started before `before`; returns how many. */
  deleteFindingsBefore(before: number): Promise<number>;

  createScheduled(audit: ScheduledAudit): Promise<boolean>;
  getScheduled(name: string): Promise<ScheduledAudit | undefined>;
  updateScheduled(audit: ScheduledAudit): Promise<boolean>;
  deleteScheduled(name: string): Promise<boolean>;
  /** By name. */
  listScheduled(): Promise<ScheduledAudit[]>;

  createSuppression(suppression: AuditSuppression): Promise<boolean>;
  getSuppression(checkName: string, resourceKey: string): Promise<AuditSuppression | undefined>;
  updateSuppression(suppression: AuditSuppression): Promise<boolean>;
  deleteSuppression(checkName: string, resourceKey: string): Promise<boolean>;
  /** By check name then resource key (descending when `ascending` is false). */
  listSuppressions(query: PageRequest & { readonly checkName?: string | undefined; readonly resourceKey?: string | undefined; readonly ascending?: boolean | undefined }): Promise<Page<AuditSuppression>>;

  createMitigationTask(task: AuditMitigationTask): Promise<boolean>;
  getMitigationTask(taskId: string): Promise<AuditMitigationTask | undefined>;
  updateMitigationTask(task: AuditMitigationTask): Promise<void>;
  /** Started in `[from, to]`, newest first; `findingId` keeps tasks with an execution for it. */
  listMitigationTasks(query: PageRequest & { readonly from: number; readonly to: number; readonly auditTaskId?: string | undefined; readonly findingId?: string | undefined; readonly taskStatus?: AuditMitigationTaskStatus | undefined }): Promise<Page<AuditMitigationTask>>;
  /** Inserts or replaces (key: task, finding, action). */
  putExecutions(executions: readonly AuditMitigationExecution[]): Promise<void>;
  /** By finding, then order. */
  listExecutions(query: PageRequest & { readonly taskId: string; readonly findingId?: string | undefined; readonly status?: AuditMitigationExecutionStatus | undefined }): Promise<Page<AuditMitigationExecution>>;
}

/** One MQTT connection as the broker recorded it. Times are epoch ms. */
export interface ConnectionRecord {
  readonly clientId: string;
  readonly certificateId: string;
  readonly sourceIp?: string | undefined;
  readonly connectedAt: number;
  /** Undefined while connected. */
  readonly disconnectedAt?: number | undefined;
  /** `DUPLICATE_CLIENTID` when a newer connection with the same client id took over. */
  readonly disconnectReason?: string | undefined;
}

/** The audit's view of the broker's connection history. */
export interface ConnectionHistoryReader {
  /** Connections that were open at any time in `[from, to]`. */
  listConnections(from: number, to: number): Promise<readonly ConnectionRecord[]>;
}

/** What audit mitigation actions do to the registry (app implements it with the registry's services, so its change events fire). */
export interface AuditRegistryActions {
  /** Each change fails with the registry's code (`certificate.not_found`, `policy.versions_limit_exceeded`, …). */
  deactivateCertificate(certificateId: string): Promise<Result<void>>;
  deactivateCaCertificate(caCertificateId: string): Promise<Result<void>>;
  /** Things the certificate is attached to. */
  thingsOfCertificate(certificateId: string): Promise<string[]>;
  addThingToGroup(groupName: string, thingName: string): Promise<Result<void>>;
  /** Creates a version that allows nothing and makes it the default. */
  replaceDefaultPolicyVersionWithBlank(policyName: string): Promise<Result<void>>;
}

/** Reads mitigation action definitions (the detect module owns their CRUD). */
export interface MitigationActionReader {
  getAction(name: string): Promise<MitigationAction | undefined>;
}
