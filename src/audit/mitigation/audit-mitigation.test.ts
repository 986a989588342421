import { afterEach, describe, expect, it } from 'vitest';
import { VigilError, err, ok, systemClock, unwrap } from '../../core/index.js';
import type { AuditFinding, MitigationAction } from '../../model/index.js';
import { auditRepository, migrateRegistry, openSqliteRegistry, type RegistryDb } from '../../store/index.js';
import { Telemetry, createLogger } from '../../telemetry/index.js';
import { tempDir } from '../../../test/support/temp.js';
import { AuditMitigation } from './audit-mitigation.js';

const action = (name: string, actionType: MitigationAction['actionType'], params: Record<string, unknown>): MitigationAction => ({ name, id: `${name}-id`, actionType, roleArn: 'r', params, tags: [], createdAt: 0, updatedAt: 0 });
const ACTIONS = [action('deactivate', 'UPDATE_DEVICE_CERTIFICATE', { updateDeviceCertificateParams: { action: 'DEACTIVATE' } }), action('quarantine', 'ADD_THINGS_TO_THING_GROUP', { addThingsToThingGroupParams: { thingGroupNames: ['quarantine'] } }), action('blank', 'REPLACE_DEFAULT_POLICY_VERSION', { replaceDefaultPolicyVersionParams: { templateName: 'BLANK_POLICY' } })];

function finding(id: string, cert: string, suppressed = false): AuditFinding {
  return { findingId: id, taskId: 'audit-1', checkName: 'DEVICE_CERTIFICATE_EXPIRING_CHECK', taskStartTime: 1, findingTime: 1, severity: 'MEDIUM', nonCompliantResource: { resourceType: 'DEVICE_CERTIFICATE', resourceIdentifier: { deviceCertificateId: cert } }, relatedResources: [], reasonForNonCompliance: 'r', reasonForNonComplianceCode: 'CERTIFICATE_PAST_EXPIRATION', isSuppressed: suppressed, resourceKey: `deviceCertificateId=${cert}` };
}

describe('audit mitigation tasks', () => {
  let db: RegistryDb | undefined;
  const dir = tempDir();
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it('a failed action skips the later actions of that finding only; the task FAILS; suppressed findings are left alone; the allow-list holds', async () => {
    db = openSqliteRegistry(`${dir.path}/m.sqlite`);
    expect((await migrateRegistry(db)).ok).toBe(true);
    const store = auditRepository(db);
    await store.addFindings([finding('f-bad', 'bad'), finding('f-good', 'good'), finding('f-quiet', 'quiet', true)]);
    const deactivated: string[] = [];
    const grouped: string[] = [];
    const mitigation = new AuditMitigation({
      store,
      actions: { getAction: async (name) => ACTIONS.find((a) => a.name === name) },
      registry: {
        // A deliberately broken peer for one certificate.
        deactivateCertificate: async (id) => {
          if (id === 'bad') return err(new VigilError('certificate.state_conflict', 'cannot deactivate'));
          deactivated.push(id);
          return ok(undefined);
        },
        deactivateCaCertificate: async () => ok(undefined),
        thingsOfCertificate: async (id) => [`thing-of-${id}`],
        addThingToGroup: async (group, thing) => {
          grouped.push(`${group}:${thing}`);
          return ok(undefined);
        },
        replaceDefaultPolicyVersionWithBlank: async () => ok(undefined),
      },
      notifier: undefined,
      clock: systemClock,
      telemetry: new Telemetry(createLogger({ level: 'silent', format: 'json' })),
      accountId: '000000000000',
    });
    expect(await mitigation.start('wrong', { target: { auditTaskId: 'audit-1' }, auditCheckToActionsMapping: { DEVICE_CERTIFICATE_EXPIRING_CHECK: ['blank'] }, clientRequestToken: 't' })).toMatchObject({ ok: false, error: { code: 'audit.invalid_request' } });
    unwrap(await mitigation.start('m1', { target: { auditTaskId: 'audit-1' }, auditCheckToActionsMapping: { DEVICE_CERTIFICATE_EXPIRING_CHECK: ['deactivate', 'quarantine'] }, clientRequestToken: 't' }));
    await mitigation.idle();
    const executions = (await mitigation.executions({ taskId: 'm1', limit: 50 })).items.map((e) => [e.findingId, e.actionName, e.status, e.errorCode]);
    expect(executions).toEqual([
      ['f-bad', 'deactivate', 'FAILED', 'certificate.state_conflict'],
      ['f-bad', 'quarantine', 'SKIPPED', undefined],
      ['f-good', 'deactivate', 'COMPLETED', undefined],
      ['f-good', 'quarantine', 'COMPLETED', undefined],
    ]);
    expect(deactivated).toEqual(['good']);
    expect(grouped).toEqual(['quarantine:thing-of-good']);
    const { task, statistics } = unwrap(await mitigation.describe('m1'));
    expect(task.taskStatus).toBe('FAILED');
    expect(statistics).toEqual({ DEVICE_CERTIFICATE_EXPIRING_CHECK: { totalFindingsCount: 2, failedFindingsCount: 1, succeededFindingsCount: 1, skippedFindingsCount: 0, canceledFindingsCount: 0 } });
    expect(await mitigation.cancel('m1')).toMatchObject({ ok: false, error: { code: 'audit.invalid_request' } });
  });
});
