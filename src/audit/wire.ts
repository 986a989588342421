import type { AuditCheckDetail, AuditFinding, AuditResource, AuditTask } from '../model/index.js';

/** Epoch ms → AWS rest-json timestamp (epoch seconds, fractional). */
export function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}

/** AWS `NonCompliantResource` / `RelatedResource`. */
export type AuditResourceJson = AuditResource;

/** AWS `AuditFinding` as Vigil answers it. */
export interface AuditFindingJson {
  readonly findingId: string;
  readonly taskId: string;
  readonly checkName: string;
  readonly taskStartTime: number;
  readonly findingTime: number;
  readonly severity: string;
  readonly nonCompliantResource: AuditResourceJson;
  readonly relatedResources?: readonly AuditResourceJson[];
  readonly reasonForNonCompliance: string;
  readonly reasonForNonComplianceCode: string;
  readonly isSuppressed: boolean;
}

/** AWS `DescribeAuditTask` output as Vigil answers it. */
export interface AuditTaskJson {
  readonly taskStatus: string;
  readonly taskType: string;
  readonly taskStartTime: number;
  readonly taskStatistics: Readonly<Record<'totalChecks' | 'inProgressChecks' | 'waitingForDataCollectionChecks' | 'compliantChecks' | 'nonCompliantChecks' | 'failedChecks' | 'canceledChecks', number>>;
  readonly scheduledAuditName?: string;
  readonly auditDetails: Readonly<Record<string, AuditCheckDetail>>;
}

function resourceJson(r: AuditResource): AuditResourceJson {
  return { resourceType: r.resourceType, resourceIdentifier: r.resourceIdentifier, ...(r.additionalInfo === undefined ? {} : { additionalInfo: r.additionalInfo }) };
}

/** AWS `AuditFinding` (DescribeAuditFinding keeps at most 10 related resources). */
export function findingJson(f: AuditFinding, maxRelated = 10): AuditFindingJson {
  return {
    findingId: f.findingId,
    taskId: f.taskId,
    checkName: f.checkName,
    taskStartTime: f.taskStartTime / 1000,
    findingTime: f.findingTime / 1000,
    severity: f.severity,
    nonCompliantResource: resourceJson(f.nonCompliantResource),
    ...(f.relatedResources.length === 0 ? {} : { relatedResources: f.relatedResources.slice(0, maxRelated).map(resourceJson) }),
    reasonForNonCompliance: f.reasonForNonCompliance,
    reasonForNonComplianceCode: f.reasonForNonComplianceCode,
    isSuppressed: f.isSuppressed,
  };
}

export function relatedJson(r: AuditResource): AuditResourceJson {
  return resourceJson(r);
}

/** AWS `DescribeAuditTask` output. */
export function taskJson(task: AuditTask): AuditTaskJson {
  const details = task.checkNames.map((name) => task.details[name]);
  const count = (status: string) => details.filter((d) => d?.checkRunStatus === status).length;
  return {
    taskStatus: task.taskStatus,
    taskType: task.taskType,
    taskStartTime: task.taskStartTime / 1000,
    taskStatistics: {
      totalChecks: task.checkNames.length,
      inProgressChecks: count('IN_PROGRESS'),
      waitingForDataCollectionChecks: count('WAITING_FOR_DATA_COLLECTION'),
      compliantChecks: count('COMPLETED_COMPLIANT'),
      nonCompliantChecks: count('COMPLETED_NON_COMPLIANT'),
      failedChecks: count('FAILED'),
      canceledChecks: count('CANCELED'),
    },
    ...(task.scheduledAuditName === undefined ? {} : { scheduledAuditName: task.scheduledAuditName }),
    auditDetails: Object.fromEntries(task.checkNames.map((name) => [name, task.details[name] ?? { checkRunStatus: 'IN_PROGRESS' }])),
  };
}
