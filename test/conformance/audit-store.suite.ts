import { afterEach, describe, expect, it } from 'vitest';
import type { AuditFinding, AuditMitigationExecution, AuditMitigationTask, AuditSuppression, AuditTask, ScheduledAudit } from '../../src/model/index.js';
import { auditRepository, type RegistryDb } from '../../src/store/index.js';
import type { OpenRegistry } from './registry-suites.js';

const T = 1_700_000_000_000;

function task(id: string, start: number, overrides: Partial<AuditTask> = {}): AuditTask {
  return { taskId: id, taskType: 'ON_DEMAND_AUDIT_TASK', taskStatus: 'COMPLETED', taskStartTime: start, taskEndTime: start + 10, scheduledAuditName: undefined, checkNames: ['LOGGING_DISABLED_CHECK'], details: { LOGGING_DISABLED_CHECK: { checkRunStatus: 'COMPLETED_COMPLIANT', checkCompliant: true, totalResourcesCount: 1, nonCompliantResourcesCount: 0, suppressedNonCompliantResourcesCount: 0 } }, ...overrides };
}

function finding(id: string, taskId: string, time: number, overrides: Partial<AuditFinding> = {}): AuditFinding {
  return { findingId: id, taskId, checkName: 'DEVICE_CERTIFICATE_EXPIRING_CHECK', taskStartTime: time, findingTime: time, severity: 'MEDIUM', nonCompliantResource: { resourceType: 'DEVICE_CERTIFICATE', resourceIdentifier: { deviceCertificateId: id }, additionalInfo: { EXPIRATION_TIME: '1' } }, relatedResources: [], reasonForNonCompliance: 'r', reasonForNonComplianceCode: 'CERTIFICATE_PAST_EXPIRATION', isSuppressed: false, resourceKey: `deviceCertificateId=${id}`, ...overrides };
}

export function auditStoreConformance(open: OpenRegistry): void {
  describe('audit repository', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('keeps configuration, logging options and tasks; lists tasks newest first with filters and pages', async () => {
      registry = await open();
      const store = auditRepository(registry);
      expect(await store.getConfiguration()).toBeUndefined();
      const configuration = { roleArn: 'arn:role', notificationTarget: { targetArn: 'arn:aws:sns:local:000000000000:t', roleArn: undefined, enabled: true }, checks: { LOGGING_DISABLED_CHECK: { enabled: true } } };
      await store.putConfiguration(configuration);
      await store.putConfiguration({ ...configuration, roleArn: 'arn:role2' });
      expect(await store.getConfiguration()).toEqual({ ...configuration, roleArn: 'arn:role2' });
      await store.deleteConfiguration();
      expect(await store.getConfiguration()).toBeUndefined();
      await store.putLogging({ roleArn: 'r', defaultLogLevel: 'INFO', disableAllLogs: false });
      expect(await store.getLogging()).toEqual({ roleArn: 'r', defaultLogLevel: 'INFO', disableAllLogs: false });

      await store.createTask(task('a', T));
      await store.createTask(task('b', T + 1, { taskType: 'SCHEDULED_AUDIT_TASK', scheduledAuditName: 's' }));
      await store.createTask(task('c', T + 2, { taskStatus: 'IN_PROGRESS' }));
      await store.updateTask(task('c', T + 2, { taskStatus: 'CANCELED' }));
      expect(await store.getTask('b')).toEqual(task('b', T + 1, { taskType: 'SCHEDULED_AUDIT_TASK', scheduledAuditName: 's' }));
      const first = await store.listTasks({ from: T, to: T + 2, limit: 2 });
      expect(first.items.map((t) => t.taskId)).toEqual(['c', 'b']);
      expect((await store.listTasks({ from: T, to: T + 2, limit: 2, cursor: first.next })).items.map((t) => t.taskId)).toEqual(['a']);
      expect((await store.listTasks({ from: T, to: T + 2, limit: 10, taskStatus: 'CANCELED' })).items.map((t) => t.taskId)).toEqual(['c']);
      expect((await store.listTasks({ from: T, to: T + 2, limit: 10, taskType: 'SCHEDULED_AUDIT_TASK' })).items.map((t) => t.taskId)).toEqual(['b']);
    });

    it('stores findings with every filter, pages them oldest first, and expires old ones', async () => {
      registry = await open();
      const store = auditRepository(registry);
      await store.addFindings([finding('f1', 't1', T), finding('f2', 't1', T + 1, { isSuppressed: true }), finding('f3', 't2', T + 2, { checkName: 'LOGGING_DISABLED_CHECK', resourceKey: 'account=0' })]);
      expect(await store.getFinding('f1')).toEqual(finding('f1', 't1', T));
      expect((await store.listFindings({ taskId: 't1', limit: 10 })).items.map((f) => f.findingId)).toEqual(['f1', 'f2']);
      expect((await store.listFindings({ from: T + 1, to: T + 2, limit: 10 })).items.map((f) => f.findingId)).toEqual(['f2', 'f3']);
      expect((await store.listFindings({ checkName: 'LOGGING_DISABLED_CHECK', limit: 10 })).items.map((f) => f.findingId)).toEqual(['f3']);
      expect((await store.listFindings({ resourceKey: 'deviceCertificateId=f2', limit: 10 })).items.map((f) => f.findingId)).toEqual(['f2']);
      expect((await store.listFindings({ suppressed: true, limit: 10 })).items.map((f) => f.findingId)).toEqual(['f2']);
      expect((await store.listFindings({ suppressed: false, limit: 10 })).items.map((f) => f.findingId)).toEqual(['f1', 'f3']);
      const page = await store.listFindings({ limit: 2 });
      expect((await store.listFindings({ limit: 2, cursor: page.next })).items.map((f) => f.findingId)).toEqual(['f3']);
      expect(await store.deleteFindingsBefore(T + 2)).toBe(2);
      expect((await store.listFindings({ limit: 10 })).items.map((f) => f.findingId)).toEqual(['f3']);
    });

    it('keeps scheduled audits and suppressions (create refuses duplicates, update, delete, list order)', async () => {
      registry = await open();
      const store = auditRepository(registry);
      const audit: ScheduledAudit = { name: 'weekly', frequency: 'WEEKLY', dayOfWeek: 'MON', dayOfMonth: undefined, targetCheckNames: ['LOGGING_DISABLED_CHECK'], tags: [], createdAt: T, lastRunAt: undefined };
      expect(await store.createScheduled(audit)).toBe(true);
      expect(await store.createScheduled(audit)).toBe(false);
      expect(await store.updateScheduled({ ...audit, lastRunAt: T + 5 })).toBe(true);
      expect(await store.getScheduled('weekly')).toEqual({ ...audit, lastRunAt: T + 5 });
      expect((await store.listScheduled()).map((a) => a.name)).toEqual(['weekly']);
      expect(await store.deleteScheduled('weekly')).toBe(true);
      expect(await store.deleteScheduled('weekly')).toBe(false);

      const s = (check: string, key: string): AuditSuppression => ({ checkName: check, resourceIdentifier: { clientId: key }, resourceKey: `clientId=${key}`, expirationDate: T + 100, suppressIndefinitely: false, description: 'd', createdAt: T });
      expect(await store.createSuppression(s('B_CHECK', 'x'))).toBe(true);
      expect(await store.createSuppression(s('A_CHECK', 'y'))).toBe(true);
      expect(await store.createSuppression(s('A_CHECK', 'y'))).toBe(false);
      expect(await store.updateSuppression({ ...s('A_CHECK', 'y'), expirationDate: undefined, suppressIndefinitely: true })).toBe(true);
      expect(await store.getSuppression('A_CHECK', 'clientId=y')).toEqual({ ...s('A_CHECK', 'y'), expirationDate: undefined, suppressIndefinitely: true });
      expect((await store.listSuppressions({ limit: 10 })).items.map((x) => x.checkName)).toEqual(['A_CHECK', 'B_CHECK']);
      expect((await store.listSuppressions({ limit: 10, ascending: false })).items.map((x) => x.checkName)).toEqual(['B_CHECK', 'A_CHECK']);
      expect((await store.listSuppressions({ limit: 10, checkName: 'B_CHECK' })).items).toHaveLength(1);
      expect(await store.deleteSuppression('B_CHECK', 'clientId=x')).toBe(true);
      expect(await store.getSuppression('B_CHECK', 'clientId=x')).toBeUndefined();
    });

    it('keeps mitigation tasks and executions; lists tasks by audit task and finding, executions by finding and order', async () => {
      registry = await open();
      const store = auditRepository(registry);
      const mt = (id: string, start: number, auditTaskId: string): AuditMitigationTask => ({ taskId: id, taskStatus: 'IN_PROGRESS', startTime: start, endTime: undefined, target: { auditTaskId }, auditCheckToActionsMapping: { X: ['a'] }, actions: [], clientRequestToken: id, auditTaskId });
      expect(await store.createMitigationTask(mt('m1', T, 't1'))).toBe(true);
      expect(await store.createMitigationTask(mt('m1', T, 't1'))).toBe(false);
      expect(await store.createMitigationTask(mt('m2', T + 1, 't2'))).toBe(true);
      await store.updateMitigationTask({ ...mt('m1', T, 't1'), taskStatus: 'FAILED', endTime: T + 9 });
      expect(await store.getMitigationTask('m1')).toEqual({ ...mt('m1', T, 't1'), taskStatus: 'FAILED', endTime: T + 9 });
      const e = (finding: string, action: string, order: number, status: AuditMitigationExecution['status']): AuditMitigationExecution => ({ taskId: 'm1', findingId: finding, checkName: 'X', actionName: action, actionId: 'id', order, status, startTime: undefined, endTime: undefined, errorCode: undefined, message: undefined });
      await store.putExecutions([e('f1', 'b', 1, 'PENDING'), e('f1', 'a', 0, 'PENDING'), e('f2', 'a', 0, 'PENDING')]);
      await store.putExecutions([{ ...e('f1', 'a', 0, 'FAILED'), errorCode: 'x.y', message: 'm', startTime: T, endTime: T + 1 }]);
      expect((await store.listExecutions({ taskId: 'm1', findingId: 'f1', limit: 10 })).items).toEqual([{ ...e('f1', 'a', 0, 'FAILED'), errorCode: 'x.y', message: 'm', startTime: T, endTime: T + 1 }, e('f1', 'b', 1, 'PENDING')]);
      expect((await store.listExecutions({ taskId: 'm1', status: 'PENDING', limit: 10 })).items.map((x) => `${x.findingId}/${x.actionName}`)).toEqual(['f1/b', 'f2/a']);
      expect((await store.listMitigationTasks({ from: T, to: T + 1, limit: 10 })).items.map((t) => t.taskId)).toEqual(['m2', 'm1']);
      expect((await store.listMitigationTasks({ from: T, to: T + 1, limit: 10, auditTaskId: 't2' })).items.map((t) => t.taskId)).toEqual(['m2']);
      expect((await store.listMitigationTasks({ from: T, to: T + 1, limit: 10, findingId: 'f2' })).items.map((t) => t.taskId)).toEqual(['m1']);
      expect((await store.listMitigationTasks({ from: T, to: T + 1, limit: 10, taskStatus: 'FAILED' })).items.map((t) => t.taskId)).toEqual(['m1']);
    });
  });
}
