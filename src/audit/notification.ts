import type { AuditTask } from '../model/index.js';

/**
 * The message published to the audit notification target when a task ends (device-defender.md §6.7,
 * schema arn:aws:iot:::schema:auditnotification/1.0). `taskStartTime` is epoch milliseconds.
 * Open question §11.7: the suppressed count is `suppressedNonCompliantResourceCount`, as in the
 * documented notification example (the REST API's name has "Resources").
 */
export function auditNotification(task: AuditTask, accountId: string): Record<string, unknown> {
  const auditDetails = task.checkNames.map((checkName) => {
    const d = task.details[checkName];
    // A check still running when its task ended was canceled with it.
    const status = d === undefined || d.checkRunStatus === 'IN_PROGRESS' || d.checkRunStatus === 'WAITING_FOR_DATA_COLLECTION' ? 'CANCELED' : d.checkRunStatus;
    const completed = status === 'COMPLETED_COMPLIANT' || status === 'COMPLETED_NON_COMPLIANT';
    return {
      checkName,
      checkRunStatus: status,
      nonCompliantResourcesCount: d?.nonCompliantResourcesCount ?? 0,
      totalResourcesCount: d?.totalResourcesCount ?? 0,
      ...(completed ? { suppressedNonCompliantResourceCount: d?.suppressedNonCompliantResourcesCount ?? 0 } : {}),
      ...(d?.errorCode === undefined ? {} : { errorCode: d.errorCode }),
      ...(d?.message === undefined ? {} : { message: d.message }),
    };
  });
  const count = (status: string) => auditDetails.filter((d) => d.checkRunStatus === status).length;
  return {
    accountId,
    taskId: task.taskId,
    taskStatus: task.taskStatus,
    taskType: task.taskType,
    ...(task.scheduledAuditName === undefined ? {} : { scheduledAuditName: task.scheduledAuditName }),
    failedChecksCount: count('FAILED'),
    canceledChecksCount: count('CANCELED'),
    nonCompliantChecksCount: count('COMPLETED_NON_COMPLIANT'),
    compliantChecksCount: count('COMPLETED_COMPLIANT'),
    totalChecksCount: task.checkNames.length,
    taskStartTime: task.taskStartTime,
    auditDetails,
  };
}
