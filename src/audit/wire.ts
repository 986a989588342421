import type { AuditFinding, AuditResource, AuditTask } from '../model/index.js';

/** Epoch ms → AWS rest-json timestamp (epoch seconds, fractional). */
export function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}

function resourceJson(r: AuditResource): Record<string, unknown> {
  return { resourceType: r.resourceType, resourceIdentifier: r.resourceIdentifier, ...(r.additionalInfo === undefined ? {} : { additionalInfo: r.additionalInfo }) };
}

/** AWS `AuditFinding` (DescribeAuditFinding keeps at most 10 related resources). */
export function findingJson(f: AuditFinding, maxRelated = 10): Record<string, unknown> {
  return {
    findingId: f.findingId,
    taskId: f.taskId,
    checkName: f.checkName,
    taskStartTime: seconds(f.taskStartTime),
    findingTime: seconds(f.findingTime),
    severity: f.severity,
    nonCompliantResource: resourceJson(f.nonCompliantResource),
    ...(f.relatedResources.length === 0 ? {} : { relatedResources: f.relatedResources.slice(0, maxRelated).map(resourceJson) }),
    reasonForNonCompliance: f.reasonForNonCompliance,
    reasonForNonComplianceCode: f.reasonForNonComplianceCode,
    isSuppressed: f.isSuppressed,
  };
}

export function relatedJson(r: AuditResource): Record<string, unknown> {
  return resourceJson(r);
}

/** AWS `DescribeAuditTask` output. */
export function taskJson(task: AuditTask): Record<string, unknown> {
  const details = task.checkNames.map((name) => task.details[name]);
  const count = (status: string) => details.filter((d) => d?.checkRunStatus === status).length;
  return {
    taskStatus: task.taskStatus,
    taskType: task.taskType,
    taskStartTime: seconds(task.taskStartTime),
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
