import { Type, type Static, type TProperties } from 'typebox';
import { awsErrors, contract, Empty, EpochSeconds, List, Open, OpenObject, Stored, Tags, NAME_MAX, PathName } from './common.js';

// Device Defender audit (AWS IoT rest-json). Resource identifiers pass through to the audit engine,
// which parses them (AWS's messages); check names, settings and frequencies are the engine's rules too.
const strict = { additionalProperties: false } as const;
const ok = <P extends TProperties>(properties: P) => ({ 200: Type.Object(properties, strict), ...awsErrors });
const done = { 200: Empty, ...awsErrors };
const NextToken = { nextToken: Type.Optional(Type.String()) };
const MaxResults = Type.Optional(Type.Integer({ minimum: 1, maximum: 250 }));
/** Query timestamps: ISO-8601 or epoch seconds; body timestamps: epoch seconds (or ISO-8601). */
const QueryTime = Type.String({ description: 'ISO-8601 time or epoch seconds' });
const BodyTime = Type.Union([Type.Number(), Type.String()], { description: 'epoch seconds or ISO-8601' });
const ResourceIdentifier = OpenObject('AWS ResourceIdentifier: deviceCertificateId, caCertificateId, clientId, policyVersionIdentifier, …');
const StringList = List(Type.String());
const StringListMap = Type.Record(Type.String(), StringList);
const TaskId = Type.Object({ taskId: Type.String() });
const ScheduleName = Type.Object({ name: PathName(NAME_MAX.scheduledAudit) });

const AuditResource = Type.Object({ resourceType: Type.String(), resourceIdentifier: Stored('AWS ResourceIdentifier'), additionalInfo: Type.Optional(Type.Record(Type.String(), Type.String())) }, strict);
export const AuditFindingView = Type.Object(
  {
    findingId: Type.String(),
    taskId: Type.String(),
    checkName: Type.String(),
    taskStartTime: EpochSeconds,
    findingTime: EpochSeconds,
    severity: Type.String(),
    nonCompliantResource: AuditResource,
    relatedResources: Type.Optional(List(AuditResource)),
    reasonForNonCompliance: Type.String(),
    reasonForNonComplianceCode: Type.String(),
    isSuppressed: Type.Boolean(),
  },
  strict,
);
const CheckDetail = Type.Object(
  { checkRunStatus: Type.String(), checkCompliant: Type.Optional(Type.Boolean()), totalResourcesCount: Type.Optional(Type.Integer()), nonCompliantResourcesCount: Type.Optional(Type.Integer()), suppressedNonCompliantResourcesCount: Type.Optional(Type.Integer()), errorCode: Type.Optional(Type.String()), message: Type.Optional(Type.String()) },
  strict,
);
export const AuditTaskView = Type.Object(
  {
    taskStatus: Type.String(),
    taskType: Type.String(),
    taskStartTime: EpochSeconds,
    taskStatistics: Type.Record(Type.String(), Type.Integer()),
    scheduledAuditName: Type.Optional(Type.String()),
    auditDetails: Type.Record(Type.String(), CheckDetail),
  },
  strict,
);
const ScheduleBody = Open({ frequency: Type.Optional(Type.String()), dayOfWeek: Type.Optional(Type.String()), dayOfMonth: Type.Optional(Type.String()), targetCheckNames: Type.Optional(StringList), tags: Type.Optional(Tags) });
export const ScheduledAuditView = Type.Object(
  { frequency: Type.String(), dayOfMonth: Type.Optional(Type.String()), dayOfWeek: Type.Optional(Type.String()), targetCheckNames: StringList, scheduledAuditName: Type.String(), scheduledAuditArn: Type.String() },
  strict,
);
const SuppressionKey = { checkName: Type.Optional(Type.String()), resourceIdentifier: Type.Optional(ResourceIdentifier) };
const SuppressionBody = Open({ ...SuppressionKey, expirationDate: Type.Optional(BodyTime), suppressIndefinitely: Type.Optional(Type.Boolean()), description: Type.Optional(Type.String()), clientRequestToken: Type.Optional(Type.String()) });
export const SuppressionView = Type.Object(
  { checkName: Type.String(), resourceIdentifier: Stored('AWS ResourceIdentifier'), expirationDate: Type.Optional(EpochSeconds), suppressIndefinitely: Type.Boolean(), description: Type.Optional(Type.String()) },
  strict,
);
export const AuditConfigurationBody = Open({
  roleArn: Type.Optional(Type.String()),
  auditNotificationTargetConfigurations: Type.Optional(Type.Record(Type.String(), Open({ targetArn: Type.Optional(Type.String()), roleArn: Type.Optional(Type.String()), enabled: Type.Optional(Type.Boolean()) }))),
  auditCheckConfigurations: Type.Optional(Type.Record(Type.String(), Open({ enabled: Type.Optional(Type.Boolean()), configuration: Type.Optional(Type.Record(Type.String(), Type.String())) }))),
});
export const AuditConfigurationView = Type.Object(
  {
    roleArn: Type.Optional(Type.String()),
    auditNotificationTargetConfigurations: Type.Object({ SNS: Type.Optional(Type.Object({ targetArn: Type.String(), roleArn: Type.Optional(Type.String()), enabled: Type.Boolean() }, strict)) }, strict),
    auditCheckConfigurations: Type.Record(Type.String(), Type.Object({ enabled: Type.Boolean(), configuration: Type.Optional(Type.Record(Type.String(), Type.String())) }, strict)),
  },
  strict,
);
const ActionDefinition = Type.Object({ name: Type.String(), id: Type.String(), roleArn: Type.String(), actionParams: Stored('AWS MitigationActionParams') }, strict);

/** Audit configuration, tasks, findings, schedules, suppressions, mitigation tasks and IoT logging options. */
export const auditContract = contract({
  updateConfiguration: { body: AuditConfigurationBody, response: done },
  describeConfiguration: { response: { 200: AuditConfigurationView, ...awsErrors } },
  deleteConfiguration: { querystring: Type.Object({ deleteScheduledAudits: Type.Optional(Type.Boolean()) }), response: done },
  startOnDemandTask: { body: Open({ targetCheckNames: Type.Optional(StringList) }), response: ok({ taskId: Type.String() }) },
  listTasks: {
    querystring: Type.Object({ startTime: QueryTime, endTime: QueryTime, taskType: Type.Optional(Type.String()), taskStatus: Type.Optional(Type.String()), maxResults: MaxResults, ...NextToken }),
    response: ok({ tasks: List(Type.Object({ taskId: Type.String(), taskStatus: Type.String(), taskType: Type.String() }, strict)), ...NextToken }),
  },
  describeTask: { params: TaskId, response: { 200: AuditTaskView, ...awsErrors } },
  cancelTask: { params: TaskId, response: done },
  listFindings: {
    body: Open({ taskId: Type.Optional(Type.String()), checkName: Type.Optional(Type.String()), resourceIdentifier: Type.Optional(ResourceIdentifier), startTime: Type.Optional(BodyTime), endTime: Type.Optional(BodyTime), listSuppressedFindings: Type.Optional(Type.Boolean()), maxResults: MaxResults, ...NextToken }),
    response: ok({ findings: List(AuditFindingView), ...NextToken }),
  },
  describeFinding: { params: Type.Object({ findingId: Type.String() }), response: ok({ finding: AuditFindingView }) },
  listRelatedResources: { querystring: Type.Object({ findingId: Type.String({ minLength: 1 }), maxResults: MaxResults, ...NextToken }), response: ok({ relatedResources: List(AuditResource), ...NextToken }) },
  getLoggingOptions: { response: ok({ roleArn: Type.Optional(Type.String()), defaultLogLevel: Type.String(), disableAllLogs: Type.Boolean() }) },
  setLoggingOptions: {
    body: Open({ roleArn: Type.Optional(Type.String()), defaultLogLevel: Type.Optional(Type.Union([Type.Literal('DEBUG'), Type.Literal('INFO'), Type.Literal('ERROR'), Type.Literal('WARN'), Type.Literal('DISABLED')])), disableAllLogs: Type.Optional(Type.Boolean()) }),
    response: done,
  },

  createScheduledAudit: { params: ScheduleName, body: ScheduleBody, response: ok({ scheduledAuditArn: Type.String() }) },
  describeScheduledAudit: { params: ScheduleName, response: { 200: ScheduledAuditView, ...awsErrors } },
  updateScheduledAudit: { params: ScheduleName, body: ScheduleBody, response: ok({ scheduledAuditArn: Type.String() }) },
  deleteScheduledAudit: { params: ScheduleName, response: done },
  listScheduledAudits: {
    querystring: Type.Object({ maxResults: MaxResults, ...NextToken }),
    response: ok({ scheduledAudits: List(Type.Object({ scheduledAuditName: Type.String(), scheduledAuditArn: Type.String(), frequency: Type.String(), dayOfMonth: Type.Optional(Type.String()), dayOfWeek: Type.Optional(Type.String()) }, strict)), ...NextToken }),
  },
  createSuppression: { body: SuppressionBody, response: done },
  describeSuppression: { body: Open(SuppressionKey), response: { 200: SuppressionView, ...awsErrors } },
  updateSuppression: { body: SuppressionBody, response: done },
  deleteSuppression: { body: Open(SuppressionKey), response: done },
  listSuppressions: { body: Open({ ...SuppressionKey, ascendingOrder: Type.Optional(Type.Boolean()), maxResults: MaxResults, ...NextToken }), response: ok({ suppressions: List(SuppressionView), ...NextToken }) },

  startMitigationTask: {
    params: TaskId,
    body: Open({
      target: Type.Optional(Open({ auditTaskId: Type.Optional(Type.String()), findingIds: Type.Optional(StringList), auditCheckToReasonCodeFilter: Type.Optional(StringListMap) })),
      auditCheckToActionsMapping: Type.Optional(StringListMap),
      clientRequestToken: Type.Optional(Type.String()),
    }),
    response: ok({ taskId: Type.String() }),
  },
  describeMitigationTask: {
    params: TaskId,
    response: ok({
      taskStatus: Type.String(),
      startTime: EpochSeconds,
      endTime: Type.Optional(EpochSeconds),
      taskStatistics: Type.Record(Type.String(), Stored('AWS TaskStatisticsForAuditCheck')),
      target: Stored('auditTaskId, findingIds, auditCheckToReasonCodeFilter'),
      auditCheckToActionsMapping: StringListMap,
      actionsDefinition: List(ActionDefinition),
    }),
  },
  cancelMitigationTask: { params: TaskId, response: done },
  listMitigationTasks: {
    querystring: Type.Object({ startTime: QueryTime, endTime: QueryTime, auditTaskId: Type.Optional(Type.String()), findingId: Type.Optional(Type.String()), taskStatus: Type.Optional(Type.String()), maxResults: MaxResults, ...NextToken }),
    response: ok({ tasks: List(Type.Object({ taskId: Type.String(), startTime: EpochSeconds, taskStatus: Type.String() }, strict)), ...NextToken }),
  },
  listMitigationExecutions: {
    querystring: Type.Object({ taskId: Type.String(), findingId: Type.String(), actionStatus: Type.Optional(Type.String()), maxResults: MaxResults, ...NextToken }),
    response: ok({
      actionsExecutions: List(Type.Object({ taskId: Type.String(), findingId: Type.String(), actionName: Type.String(), actionId: Type.String(), status: Type.String(), startTime: Type.Optional(EpochSeconds), endTime: Type.Optional(EpochSeconds), errorCode: Type.Optional(Type.String()), message: Type.Optional(Type.String()) }, strict)),
      ...NextToken,
    }),
  },
});

export type AuditFindingView = Static<typeof AuditFindingView>;
export type AuditTaskView = Static<typeof AuditTaskView>;
export type AuditConfigurationBody = Static<typeof AuditConfigurationBody>;
export type AuditConfigurationView = Static<typeof AuditConfigurationView>;
export type ScheduledAuditView = Static<typeof ScheduledAuditView>;
export type SuppressionView = Static<typeof SuppressionView>;
