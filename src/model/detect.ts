import type { Result } from '../core/index.js';
import type { Page, PageRequest } from './registry.js';

/** AWS `MetricValue`: exactly the member that fits the metric's type is set. */
export interface MetricValue {
  readonly count?: number;
  readonly cidrs?: readonly string[];
  readonly ports?: readonly number[];
  readonly number?: number;
  readonly numbers?: readonly number[];
  readonly strings?: readonly string[];
}

export type ComparisonOperator =
  | 'less-than' | 'less-than-equals' | 'greater-than' | 'greater-than-equals'
  | 'in-cidr-set' | 'not-in-cidr-set' | 'in-port-set' | 'not-in-port-set' | 'in-set' | 'not-in-set';

export type ConfidenceLevel = 'LOW' | 'MEDIUM' | 'HIGH';

export interface MetricDimension {
  readonly dimensionName: string;
  /** Default `IN`. */
  readonly operator?: 'IN' | 'NOT_IN';
}

export interface BehaviorCriteria {
  readonly comparisonOperator?: ComparisonOperator;
  readonly value?: MetricValue;
  readonly durationSeconds?: number;
  readonly consecutiveDatapointsToAlarm?: number;
  readonly consecutiveDatapointsToClear?: number;
  readonly statisticalThreshold?: { readonly statistic?: string };
  readonly mlDetectionConfig?: { readonly confidenceLevel: ConfidenceLevel };
}

/** A behavior as configured (AWS shape, echoed back unchanged by Describe and the violation APIs). */
export interface Behavior {
  readonly name: string;
  readonly metric?: string;
  readonly metricDimension?: MetricDimension;
  readonly criteria?: BehaviorCriteria;
  readonly suppressAlerts?: boolean;
  readonly exportMetric?: boolean;
}

export interface MetricToRetain {
  readonly metric: string;
  readonly metricDimension?: MetricDimension;
  readonly exportMetric?: boolean;
}

export interface AlertTarget {
  readonly alertTargetArn: string;
  readonly roleArn: string;
}

export interface MetricsExportConfig {
  readonly mqttTopic: string;
  readonly roleArn: string;
}

export interface Tag {
  readonly Key: string;
  readonly Value?: string;
}

/** A Device Defender security profile. */
export interface SecurityProfile {
  readonly name: string;
  readonly description: string | undefined;
  readonly behaviors: readonly Behavior[];
  /** Keyed by `AlertTargetType` (only `SNS`). */
  readonly alertTargets: Readonly<Record<string, AlertTarget>>;
  readonly additionalMetricsToRetain: readonly string[];
  readonly additionalMetricsToRetainV2: readonly MetricToRetain[];
  readonly metricsExportConfig: MetricsExportConfig | undefined;
  readonly tags: readonly Tag[];
  readonly version: number;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type CustomMetricType = 'number' | 'number-list' | 'string-list' | 'ip-address-list';

export interface CustomMetric {
  readonly name: string;
  readonly displayName: string | undefined;
  readonly metricType: CustomMetricType;
  readonly tags: readonly Tag[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface Dimension {
  readonly name: string;
  readonly type: 'TOPIC_FILTER';
  readonly stringValues: readonly string[];
  readonly tags: readonly Tag[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Storage port for profiles, their targets (by ARN), custom metrics and dimensions. */
export interface ProfileStore {
  createProfile(profile: SecurityProfile): Promise<boolean>;
  getProfile(name: string): Promise<SecurityProfile | undefined>;
  /** Every profile, by name. */
  listProfiles(): Promise<SecurityProfile[]>;
  /** Replaces the profile when its stored version is `profile.version - 1`. */
  updateProfile(profile: SecurityProfile): Promise<boolean>;
  /** Deletes the profile and its targets. */
  deleteProfile(name: string): Promise<boolean>;
  attachTarget(profileName: string, targetArn: string, now: number): Promise<boolean>;
  detachTarget(profileName: string, targetArn: string): Promise<boolean>;
  /** Every (profile, target) pair, by profile then target. */
  listTargets(): Promise<Array<{ profileName: string; targetArn: string }>>;

  createCustomMetric(metric: CustomMetric): Promise<boolean>;
  getCustomMetric(name: string): Promise<CustomMetric | undefined>;
  listCustomMetrics(page: PageRequest): Promise<Page<CustomMetric>>;
  updateCustomMetric(metric: CustomMetric): Promise<boolean>;
  deleteCustomMetric(name: string): Promise<boolean>;

  createDimension(dimension: Dimension): Promise<boolean>;
  getDimension(name: string): Promise<Dimension | undefined>;
  listDimensions(page: PageRequest): Promise<Page<Dimension>>;
  updateDimension(dimension: Dimension): Promise<boolean>;
  deleteDimension(name: string): Promise<boolean>;
}

export type ViolationEventType = 'in-alarm' | 'alarm-cleared' | 'alarm-invalidated';
export type VerificationState = 'FALSE_POSITIVE' | 'BENIGN_POSITIVE' | 'TRUE_POSITIVE' | 'UNKNOWN';
export type BehaviorCriteriaType = 'STATIC' | 'STATISTICAL' | 'MACHINE_LEARNING';

/** A violation: from `in-alarm` until cleared or invalidated (then `endTime` is set). */
export interface Violation {
  readonly violationId: string;
  readonly thingName: string;
  readonly profileName: string;
  readonly behavior: Behavior;
  readonly criteriaType: BehaviorCriteriaType;
  readonly suppressed: boolean;
  readonly startTime: number;
  readonly lastValue: MetricValue | undefined;
  readonly lastTime: number;
  readonly verificationState: VerificationState | undefined;
  readonly verificationDescription: string | undefined;
  readonly endTime: number | undefined;
}

export interface ViolationEvent {
  readonly violationId: string;
  readonly thingName: string;
  readonly profileName: string;
  readonly behavior: Behavior;
  readonly criteriaType: BehaviorCriteriaType;
  readonly suppressed: boolean;
  readonly eventType: ViolationEventType;
  readonly metricValue: MetricValue | undefined;
  readonly time: number;
}

export interface ViolationQuery extends PageRequest {
  readonly thingName?: string | undefined;
  readonly profileName?: string | undefined;
  readonly criteriaType?: BehaviorCriteriaType | undefined;
  /** true → only suppressed, false → only unsuppressed, undefined → both. */
  readonly suppressed?: boolean | undefined;
  readonly verificationState?: VerificationState | undefined;
}

/** Persisted alarm counters of one (thing, profile, behavior, dimension). */
export interface AlarmRecord {
  readonly thingName: string;
  readonly profileName: string;
  readonly behaviorName: string;
  readonly dimension: string;
  readonly violating: number;
  readonly compliant: number;
  readonly violationId: string | undefined;
  readonly lastDatapointTime: number;
}

/** Storage port for violations, their events and the alarm counters. */
export interface ViolationStore {
  /** Writes a new or changed violation and, when given, one event, in one transaction. */
  record(violation: Violation, event: ViolationEvent | undefined): Promise<void>;
  getViolation(violationId: string): Promise<Violation | undefined>;
  /** Active (no end time), newest first. */
  listActive(query: ViolationQuery): Promise<Page<Violation>>;
  /** Events with `from <= time < to`, newest first; each with its violation's verification state. */
  listEvents(query: ViolationQuery & { readonly from: number; readonly to: number }): Promise<Page<ViolationEvent & { readonly verificationState: VerificationState | undefined; readonly verificationDescription: string | undefined }>>;
  setVerification(violationId: string, state: VerificationState, description: string | undefined): Promise<boolean>;
  /** Deletes events older than `before` and ended violations that ended before it; returns rows removed. */
  expire(before: number): Promise<number>;
  saveAlarms(records: readonly AlarmRecord[]): Promise<void>;
  deleteAlarms(keys: ReadonlyArray<Pick<AlarmRecord, 'thingName' | 'profileName' | 'behaviorName' | 'dimension'>>): Promise<void>;
  loadAlarms(): Promise<AlarmRecord[]>;
}

export type MitigationActionType = 'UPDATE_DEVICE_CERTIFICATE' | 'UPDATE_CA_CERTIFICATE' | 'ADD_THINGS_TO_THING_GROUP' | 'REPLACE_DEFAULT_POLICY_VERSION' | 'ENABLE_IOT_LOGGING' | 'PUBLISH_FINDING_TO_SNS';

export interface MitigationAction {
  readonly name: string;
  readonly id: string;
  readonly actionType: MitigationActionType;
  readonly roleArn: string;
  /** AWS `MitigationActionParams` with exactly one member. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly tags: readonly Tag[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type DetectTaskStatus = 'IN_PROGRESS' | 'SUCCESSFUL' | 'FAILED' | 'CANCELED';
export type DetectExecutionStatus = 'IN_PROGRESS' | 'SUCCESSFUL' | 'FAILED' | 'SKIPPED';

export interface DetectMitigationTask {
  readonly taskId: string;
  readonly status: DetectTaskStatus;
  readonly startTime: number;
  readonly endTime: number | undefined;
  readonly target: { readonly violationIds?: readonly string[]; readonly securityProfileName?: string; readonly behaviorName?: string };
  readonly actions: readonly MitigationAction[];
  readonly range: { readonly startTime: number; readonly endTime: number } | undefined;
  readonly onlyActive: boolean;
  readonly includeSuppressed: boolean;
  readonly statistics: { readonly actionsExecuted: number; readonly actionsSkipped: number; readonly actionsFailed: number };
  readonly clientRequestToken: string;
}

export interface DetectMitigationExecution {
  readonly taskId: string;
  readonly violationId: string;
  readonly actionName: string;
  readonly thingName: string;
  readonly startTime: number;
  readonly endTime: number | undefined;
  readonly status: DetectExecutionStatus;
  readonly errorCode: string | undefined;
  readonly message: string | undefined;
}

/** Storage port for mitigation action definitions (shared with audit) and detect mitigation tasks. */
export interface MitigationStore {
  createAction(action: MitigationAction): Promise<boolean>;
  getAction(name: string): Promise<MitigationAction | undefined>;
  listActions(query: PageRequest & { readonly actionType?: MitigationActionType | undefined }): Promise<Page<MitigationAction>>;
  updateAction(action: MitigationAction): Promise<boolean>;
  deleteAction(name: string): Promise<boolean>;

  createTask(task: DetectMitigationTask): Promise<boolean>;
  getTask(taskId: string): Promise<DetectMitigationTask | undefined>;
  updateTask(task: DetectMitigationTask): Promise<void>;
  /** Tasks started in `[from, to)`, newest first. */
  listTasks(query: PageRequest & { readonly from: number; readonly to: number }): Promise<Page<DetectMitigationTask>>;
  addExecution(execution: DetectMitigationExecution): Promise<void>;
  listExecutions(query: PageRequest & { readonly taskId?: string | undefined; readonly violationId?: string | undefined; readonly thingName?: string | undefined; readonly from?: number | undefined; readonly to?: number | undefined }): Promise<Page<DetectMitigationExecution>>;
}

/** One retained metric value (ListMetricValues). */
export interface MetricDatum {
  readonly thingName: string;
  readonly metric: string;
  readonly dimensionName: string | undefined;
  readonly dimensionOperator: 'IN' | 'NOT_IN' | undefined;
  readonly time: number;
  readonly value: MetricValue;
}

/** The datapoint history (DuckDB). */
export interface MetricHistory {
  append(data: readonly MetricDatum[]): Promise<void>;
  /** Oldest first within `[from, to)`. */
  query(query: PageRequest & { readonly thingName: string; readonly metric: string; readonly dimensionName?: string | undefined; readonly dimensionOperator?: 'IN' | 'NOT_IN' | undefined; readonly from: number; readonly to: number }): Promise<Page<MetricDatum>>;
  expire(before: number): Promise<void>;
  /** Every retained value with `from <= time < to`, oldest first (detect rebuilds its windows and fleet populations after a restart). */
  range(query: PageRequest & { readonly from: number; readonly to: number }): Promise<Page<MetricDatum>>;
}

/**
 * What detect needs from the registry: whether a thing is registered and its effective groups
 * (direct groups and their ancestors), and the one write detect mitigation makes.
 */
export interface ThingDirectory {
  /** Undefined for an unregistered thing. */
  groupsOf(thingName: string): Promise<readonly string[] | undefined>;
  /** Fails with the registry's code (`thing_group.not_found`, `thing.invalid_group_count`, …). */
  addThingToGroup(groupName: string, thingName: string): Promise<Result<void>>;
  groupExists(groupName: string): Promise<boolean>;
  /** Every group below `groupName`. */
  descendantsOf(groupName: string): Promise<readonly string[]>;
}
