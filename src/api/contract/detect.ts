import { Type, type Static, type TProperties } from 'typebox';
import { awsErrors, contract, Empty, EpochSeconds, List, Open, OpenObject, Stored, Tags, NAME_MAX, PathName } from './common.js';

// Device Defender Detect (AWS IoT rest-json). Behaviors, criteria and metric values pass through as
// AWS shapes them: the detect engine checks them and answers AWS's validation messages.
const strict = { additionalProperties: false } as const;
const ok = <P extends TProperties>(properties: P) => ({ 200: Type.Object(properties, strict), ...awsErrors });
const done = { 200: Empty, ...awsErrors };
const Page = { nextToken: Type.Optional(Type.String()), maxResults: Type.Optional(Type.Integer()) };
const NextToken = { nextToken: Type.Optional(Type.String()) };
/** rest-json query timestamps: ISO-8601 (the SDK's default) or epoch seconds. */
const QueryTime = Type.String({ description: 'ISO-8601 time or epoch seconds' });
const BodyTime = Type.Union([Type.Number(), Type.String()], { description: 'epoch seconds or ISO-8601' });
// Security profiles and dimensions share the {name} path parameter and the 128 maximum.
const Name = Type.Object({ name: PathName(NAME_MAX.securityProfile) });
const MetricName = Type.Object({ metricName: PathName(NAME_MAX.customMetric) });
const ActionName = Type.Object({ actionName: PathName(NAME_MAX.mitigationAction) });
const TaskId = Type.Object({ taskId: Type.String() });
const TargetArn = Type.String({ minLength: 1, description: 'a thing group ARN, or arn:…:all/things, all/registered-things, all/unregistered-things' });

const Behavior = OpenObject('AWS Behavior: name, metric, metricDimension, criteria, suppressAlerts, exportMetric');
const StoredBehavior = Type.Unsafe<{ readonly name: string }>(OpenObject('AWS Behavior'));
const AlertTarget = Type.Object({ alertTargetArn: Type.String(), roleArn: Type.String() }, { additionalProperties: true });
const MetricsExportConfig = Type.Object({ mqttTopic: Type.String(), roleArn: Type.String() }, { additionalProperties: true });
const ProfileFields = {
  securityProfileDescription: Type.Optional(Type.String()),
  behaviors: Type.Optional(List(Behavior)),
  alertTargets: Type.Optional(Type.Record(Type.String(), AlertTarget)),
  additionalMetricsToRetain: Type.Optional(List(Type.String())),
  additionalMetricsToRetainV2: Type.Optional(List(OpenObject('AWS MetricToRetain: metric, metricDimension, exportMetric'))),
  tags: Type.Optional(Tags),
  metricsExportConfig: Type.Optional(MetricsExportConfig),
};
export const ProfileBody = Open(ProfileFields);
export const ProfileUpdateBody = Open({
  ...ProfileFields,
  deleteBehaviors: Type.Optional(Type.Boolean()),
  deleteAlertTargets: Type.Optional(Type.Boolean()),
  deleteAdditionalMetricsToRetain: Type.Optional(Type.Boolean()),
  deleteMetricsExportConfig: Type.Optional(Type.Boolean()),
});
export const ProfileDescription = Type.Object(
  {
    securityProfileName: Type.String(),
    securityProfileArn: Type.String(),
    securityProfileDescription: Type.Optional(Type.String()),
    behaviors: List(StoredBehavior),
    alertTargets: Type.Optional(Type.Record(Type.String(), Type.Object({ alertTargetArn: Type.String(), roleArn: Type.String() }, strict))),
    additionalMetricsToRetain: Type.Optional(List(Type.String())),
    additionalMetricsToRetainV2: Type.Optional(List(Stored('AWS MetricToRetain'))),
    version: Type.Integer(),
    creationDate: EpochSeconds,
    lastModifiedDate: EpochSeconds,
    metricsExportConfig: Type.Optional(Type.Object({ mqttTopic: Type.String(), roleArn: Type.String() }, strict)),
  },
  strict,
);
const ProfileIdentifier = Type.Object({ name: Type.String(), arn: Type.String() }, strict);
const CustomMetricDescription = Type.Object({ metricName: Type.String(), metricArn: Type.String(), metricType: Type.String(), displayName: Type.Optional(Type.String()), creationDate: EpochSeconds, lastModifiedDate: EpochSeconds }, strict);
const DimensionDescription = Type.Object({ name: Type.String(), arn: Type.String(), type: Type.String(), stringValues: List(Type.String()), creationDate: EpochSeconds, lastModifiedDate: EpochSeconds }, strict);
const AdditionalInfo = Type.Optional(Type.Object({ confidenceLevel: Type.String() }, strict));
export const ActiveViolation = Type.Object(
  {
    violationId: Type.String(),
    thingName: Type.String(),
    securityProfileName: Type.String(),
    behavior: StoredBehavior,
    lastViolationValue: Type.Optional(Stored('AWS MetricValue')),
    violationEventAdditionalInfo: AdditionalInfo,
    verificationState: Type.String(),
    verificationStateDescription: Type.Optional(Type.String()),
    lastViolationTime: EpochSeconds,
    violationStartTime: EpochSeconds,
  },
  strict,
);
export const ViolationEvent = Type.Object(
  {
    violationId: Type.String(),
    thingName: Type.String(),
    securityProfileName: Type.String(),
    behavior: StoredBehavior,
    metricValue: Type.Optional(Stored('AWS MetricValue')),
    violationEventAdditionalInfo: AdditionalInfo,
    violationEventType: Type.String(),
    verificationState: Type.String(),
    verificationStateDescription: Type.Optional(Type.String()),
    violationEventTime: EpochSeconds,
  },
  strict,
);
const ViolationFilter = {
  thingName: Type.Optional(Type.String()),
  securityProfileName: Type.Optional(Type.String()),
  behaviorCriteriaType: Type.Optional(Type.String()),
  listSuppressedAlerts: Type.Optional(Type.Boolean()),
  verificationState: Type.Optional(Type.String()),
  ...Page,
};
const ActionDefinition = Type.Object({ name: Type.String(), id: Type.String(), roleArn: Type.String(), actionParams: Stored('AWS MitigationActionParams') }, strict);
export const DetectMitigationTaskSummary = Type.Object(
  {
    taskId: Type.String(),
    taskStatus: Type.String(),
    taskStartTime: EpochSeconds,
    taskEndTime: Type.Optional(EpochSeconds),
    target: Type.Object({ violationIds: Type.Optional(List(Type.String())), securityProfileName: Type.Optional(Type.String()), behaviorName: Type.Optional(Type.String()) }, strict),
    violationEventOccurrenceRange: Type.Optional(Type.Object({ startTime: EpochSeconds, endTime: EpochSeconds }, strict)),
    onlyActiveViolationsIncluded: Type.Boolean(),
    suppressedAlertsIncluded: Type.Boolean(),
    actionsDefinition: List(ActionDefinition),
    taskStatistics: Type.Object({ actionsExecuted: Type.Integer(), actionsSkipped: Type.Integer(), actionsFailed: Type.Integer() }, strict),
  },
  strict,
);

/** Security profiles, targets, behavior validation, custom metrics, dimensions, violations, metric values, ML summaries, mitigation. */
export const detectContract = contract({
  validateBehaviors: { body: Open({ behaviors: Type.Optional(List(Behavior)) }), response: ok({ valid: Type.Boolean(), validationErrors: List(Type.Object({ errorMessage: Type.String() }, strict)) }) },
  createProfile: { params: Name, body: ProfileBody, response: ok({ securityProfileName: Type.String(), securityProfileArn: Type.String() }) },
  describeProfile: { params: Name, response: { 200: ProfileDescription, ...awsErrors } },
  updateProfile: { params: Name, querystring: Type.Object({ expectedVersion: Type.Optional(Type.Integer()) }), body: ProfileUpdateBody, response: { 200: ProfileDescription, ...awsErrors } },
  deleteProfile: { params: Name, querystring: Type.Object({ expectedVersion: Type.Optional(Type.Integer()) }), response: done },
  listProfiles: { querystring: Type.Object({ dimensionName: Type.Optional(Type.String()), metricName: Type.Optional(Type.String()), ...Page }), response: ok({ securityProfileIdentifiers: List(ProfileIdentifier), ...NextToken }) },
  attachProfile: { params: Name, querystring: Type.Object({ securityProfileTargetArn: TargetArn }), response: done },
  detachProfile: { params: Name, querystring: Type.Object({ securityProfileTargetArn: TargetArn }), response: done },
  listTargets: { params: Name, querystring: Type.Object(Page), response: ok({ securityProfileTargets: List(Type.Object({ arn: Type.String() }, strict)), ...NextToken }) },
  listProfilesForTarget: {
    querystring: Type.Object({ securityProfileTargetArn: TargetArn, recursive: Type.Optional(Type.Boolean()), ...Page }),
    response: ok({ securityProfileTargetMappings: List(Type.Object({ securityProfileIdentifier: ProfileIdentifier, target: Type.Object({ arn: Type.String() }, strict) }, strict)), ...NextToken }),
  },
  createCustomMetric: { params: MetricName, body: Open({ metricType: Type.Optional(Type.String()), displayName: Type.Optional(Type.String()), tags: Type.Optional(Tags), clientRequestToken: Type.Optional(Type.String()) }), response: ok({ metricName: Type.String(), metricArn: Type.String() }) },
  describeCustomMetric: { params: MetricName, response: { 200: CustomMetricDescription, ...awsErrors } },
  updateCustomMetric: { params: MetricName, body: Open({ displayName: Type.String({ minLength: 1 }) }), response: { 200: CustomMetricDescription, ...awsErrors } },
  deleteCustomMetric: { params: MetricName, response: done },
  listCustomMetrics: { querystring: Type.Object(Page), response: ok({ metricNames: List(Type.String()), ...NextToken }) },
  createDimension: { params: Name, body: Open({ type: Type.Optional(Type.String()), stringValues: Type.Optional(List(Type.String())), tags: Type.Optional(Tags), clientRequestToken: Type.Optional(Type.String()) }), response: ok({ name: Type.String(), arn: Type.String() }) },
  describeDimension: { params: Name, response: { 200: DimensionDescription, ...awsErrors } },
  updateDimension: { params: Name, body: Open({ stringValues: Type.Optional(List(Type.String())) }), response: { 200: DimensionDescription, ...awsErrors } },
  deleteDimension: { params: Name, response: done },
  listDimensions: { querystring: Type.Object(Page), response: ok({ dimensionNames: List(Type.String()), ...NextToken }) },

  listActiveViolations: { querystring: Type.Object(ViolationFilter), response: ok({ activeViolations: List(ActiveViolation), ...NextToken }) },
  listViolationEvents: { querystring: Type.Object({ ...ViolationFilter, startTime: Type.Optional(QueryTime), endTime: Type.Optional(QueryTime) }), response: ok({ violationEvents: List(ViolationEvent), ...NextToken }) },
  putVerificationState: { params: Type.Object({ violationId: Type.String() }), body: Open({ verificationState: Type.Optional(Type.String()), verificationStateDescription: Type.Optional(Type.String()) }), response: done },
  listMetricValues: {
    querystring: Type.Object({ thingName: Type.Optional(Type.String()), metricName: Type.Optional(Type.String()), dimensionName: Type.Optional(Type.String()), dimensionValueOperator: Type.Optional(Type.String()), startTime: Type.Optional(QueryTime), endTime: Type.Optional(QueryTime), ...Page }),
    response: ok({ metricDatumList: List(Type.Object({ timestamp: EpochSeconds, value: Stored('AWS MetricValue') }, strict)), ...NextToken }),
  },
  trainingSummaries: {
    querystring: Type.Object({ securityProfileName: Type.Optional(Type.String()), maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })), nextToken: Type.Optional(Type.String()) }),
    response: ok({
      summaries: List(Type.Object({ securityProfileName: Type.String(), behaviorName: Type.String(), trainingDataCollectionStartDate: EpochSeconds, modelStatus: Type.String(), datapointsCollectionPercentage: Type.Optional(Type.Number()), lastModelRefreshDate: Type.Optional(EpochSeconds) }, strict)),
      ...NextToken,
    }),
  },

  createMitigationAction: { params: ActionName, body: Open({ roleArn: Type.Optional(Type.String()), actionParams: Type.Optional(Type.Unknown()), tags: Type.Optional(Tags) }), response: ok({ actionArn: Type.String(), actionId: Type.String() }) },
  describeMitigationAction: {
    params: ActionName,
    response: ok({ actionName: Type.String(), actionType: Type.String(), actionArn: Type.String(), actionId: Type.String(), roleArn: Type.String(), actionParams: Stored('AWS MitigationActionParams'), creationDate: EpochSeconds, lastModifiedDate: EpochSeconds }),
  },
  updateMitigationAction: { params: ActionName, body: Open({ roleArn: Type.Optional(Type.String()), actionParams: Type.Optional(Type.Unknown()) }), response: ok({ actionArn: Type.String(), actionId: Type.String() }) },
  deleteMitigationAction: { params: ActionName, response: done },
  listMitigationActions: { querystring: Type.Object({ actionType: Type.Optional(Type.String()), ...Page }), response: ok({ actionIdentifiers: List(Type.Object({ actionName: Type.String(), actionArn: Type.String(), creationDate: EpochSeconds }, strict)), ...NextToken }) },
  startDetectMitigationTask: {
    params: TaskId,
    body: Open({
      target: Type.Optional(OpenObject('violationIds, securityProfileName, behaviorName')),
      actions: Type.Optional(List(Type.String())),
      violationEventOccurrenceRange: Type.Optional(Open({ startTime: Type.Optional(BodyTime), endTime: Type.Optional(BodyTime) })),
      includeOnlyActiveViolations: Type.Optional(Type.Boolean()),
      includeSuppressedAlerts: Type.Optional(Type.Boolean()),
      clientRequestToken: Type.Optional(Type.String()),
    }),
    response: ok({ taskId: Type.String() }),
  },
  describeDetectMitigationTask: { params: TaskId, response: ok({ taskSummary: DetectMitigationTaskSummary }) },
  cancelDetectMitigationTask: { params: TaskId, response: done },
  listDetectMitigationTasks: { querystring: Type.Object({ startTime: Type.Optional(QueryTime), endTime: Type.Optional(QueryTime), ...Page }), response: ok({ tasks: List(DetectMitigationTaskSummary), ...NextToken }) },
  listDetectMitigationExecutions: {
    querystring: Type.Object({ taskId: Type.Optional(Type.String()), violationId: Type.Optional(Type.String()), thingName: Type.Optional(Type.String()), startTime: Type.Optional(QueryTime), endTime: Type.Optional(QueryTime), ...Page }),
    response: ok({
      actionsExecutions: List(Type.Object({ taskId: Type.String(), violationId: Type.String(), actionName: Type.String(), thingName: Type.String(), executionStartDate: EpochSeconds, executionEndDate: Type.Optional(EpochSeconds), status: Type.String(), errorCode: Type.Optional(Type.String()), message: Type.Optional(Type.String()) }, strict)),
      ...NextToken,
    }),
  },
});

export type ProfileBody = Static<typeof ProfileBody>;
export type ProfileUpdateBody = Static<typeof ProfileUpdateBody>;
export type ProfileDescription = Static<typeof ProfileDescription>;
export type ActiveViolation = Static<typeof ActiveViolation>;
export type ViolationEvent = Static<typeof ViolationEvent>;
