import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import {
  CreateAuditSuppressionCommand,
  CreateMitigationActionCommand,
  CreatePolicyCommand,
  DescribeAccountAuditConfigurationCommand,
  DescribeAuditMitigationActionsTaskCommand,
  DescribeAuditTaskCommand,
  GetPolicyCommand,
  GetV2LoggingOptionsCommand,
  IoTClient,
  ListAuditFindingsCommand,
  ListAuditMitigationActionsExecutionsCommand,
  ListAuditMitigationActionsTasksCommand,
  ListAuditSuppressionsCommand,
  ListAuditTasksCommand,
  StartAuditMitigationActionsTaskCommand,
  StartOnDemandAuditTaskCommand,
  UpdateAccountAuditConfigurationCommand,
} from '@aws-sdk/client-iot';
import { notifyClient } from '../../src/api/index.js';
import { iotClientFor } from '../support/aws-sdk.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

const ROLE = 'arn:aws:iam::000000000000:role/audit';

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not reached');
}

describe('audit through @aws-sdk/client-iot', () => {
  let vigil: TestVigil;
  let iot: IoTClient;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    // Logging off (log.level: silent): LOGGING_DISABLED_CHECK has a finding to suppress and mitigate.
    vigil = await startTestVigil({ log: { level: 'silent' }, audit: { connection_data_lag_secs: 0 } });
    iot = await iotClientFor(vigil, 'audit sdk');
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    iot?.destroy();
    await vigil?.stop();
  });

  it('configure → start task → list findings → suppress → mitigate', async () => {
    const topic = await notifyClient(vigil.client).create('audit-notes');
    await iot.send(new UpdateAccountAuditConfigurationCommand({
      roleArn: ROLE,
      auditNotificationTargetConfigurations: { SNS: { targetArn: topic.arn, roleArn: ROLE, enabled: true } },
      auditCheckConfigurations: { LOGGING_DISABLED_CHECK: { enabled: true }, IOT_POLICY_OVERLY_PERMISSIVE_CHECK: { enabled: true } },
    }));
    const described = await iot.send(new DescribeAccountAuditConfigurationCommand({}));
    expect(described.auditCheckConfigurations?.['LOGGING_DISABLED_CHECK']?.enabled).toBe(true);
    expect(described.auditCheckConfigurations?.['CA_CERTIFICATE_EXPIRING_CHECK']?.enabled).toBe(false);
    expect(described.auditNotificationTargetConfigurations?.['SNS']?.targetArn).toBe(topic.arn);
    await expect(iot.send(new StartOnDemandAuditTaskCommand({ targetCheckNames: ['CA_CERTIFICATE_EXPIRING_CHECK'] }))).rejects.toMatchObject({ name: 'InvalidRequestException' });

    await iot.send(new CreatePolicyCommand({ policyName: 'everything', policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }] }) }));
    const { taskId } = await iot.send(new StartOnDemandAuditTaskCommand({ targetCheckNames: ['LOGGING_DISABLED_CHECK', 'IOT_POLICY_OVERLY_PERMISSIVE_CHECK'] }));
    const task = await until(() => iot.send(new DescribeAuditTaskCommand({ taskId })), (t) => t.taskStatus === 'COMPLETED');
    expect(task.taskStatistics).toMatchObject({ totalChecks: 2, nonCompliantChecks: 2, compliantChecks: 0 });
    expect(task.auditDetails?.['IOT_POLICY_OVERLY_PERMISSIVE_CHECK']).toMatchObject({ checkRunStatus: 'COMPLETED_NON_COMPLIANT', nonCompliantResourcesCount: 1, totalResourcesCount: 2 });
    const listed = await iot.send(new ListAuditTasksCommand({ startTime: new Date(Date.now() - 60_000), endTime: new Date(Date.now() + 60_000) }));
    expect(listed.tasks?.map((t) => t.taskId)).toEqual([taskId]);

    const findings = (await iot.send(new ListAuditFindingsCommand({ taskId }))).findings ?? [];
    expect(findings.map((f) => [f.checkName, f.reasonForNonComplianceCode, f.isSuppressed]).sort()).toEqual([
      ['IOT_POLICY_OVERLY_PERMISSIVE_CHECK', 'ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS', false],
      ['LOGGING_DISABLED_CHECK', 'LOGGING_DISABLED', false],
    ]);
    expect(findings.find((f) => f.checkName === 'IOT_POLICY_OVERLY_PERMISSIVE_CHECK')?.nonCompliantResource?.resourceIdentifier?.policyVersionIdentifier).toEqual({ policyName: 'everything', policyVersionId: '1' });
    expect(findings[0]?.taskStartTime).toBeInstanceOf(Date);

    await iot.send(new CreateAuditSuppressionCommand({ checkName: 'LOGGING_DISABLED_CHECK', resourceIdentifier: { account: '000000000000' }, suppressIndefinitely: true, description: 'accepted risk', clientRequestToken: 'sup-1' }));
    expect((await iot.send(new ListAuditSuppressionsCommand({}))).suppressions?.map((s) => [s.checkName, s.suppressIndefinitely, s.description])).toEqual([['LOGGING_DISABLED_CHECK', true, 'accepted risk']]);
    const second = (await iot.send(new StartOnDemandAuditTaskCommand({ targetCheckNames: ['LOGGING_DISABLED_CHECK', 'IOT_POLICY_OVERLY_PERMISSIVE_CHECK'] }))).taskId as string;
    const secondTask = await until(() => iot.send(new DescribeAuditTaskCommand({ taskId: second })), (t) => t.taskStatus === 'COMPLETED');
    // §6.6: a suppressed finding is still produced, counted as suppressed, and the check counts as compliant.
    expect(secondTask.auditDetails?.['LOGGING_DISABLED_CHECK']).toMatchObject({ checkRunStatus: 'COMPLETED_COMPLIANT', checkCompliant: true, nonCompliantResourcesCount: 1, suppressedNonCompliantResourcesCount: 1 });
    expect((await iot.send(new ListAuditFindingsCommand({ taskId: second, listSuppressedFindings: true }))).findings?.map((f) => f.checkName)).toEqual(['LOGGING_DISABLED_CHECK']);
    expect((await iot.send(new ListAuditFindingsCommand({ taskId: second, listSuppressedFindings: false }))).findings?.map((f) => f.checkName)).toEqual(['IOT_POLICY_OVERLY_PERMISSIVE_CHECK']);
    expect((await iot.send(new ListAuditFindingsCommand({ startTime: new Date(Date.now() - 60_000), endTime: new Date(Date.now() + 60_000), checkName: 'LOGGING_DISABLED_CHECK' }))).findings).toHaveLength(2);

    await iot.send(new CreateMitigationActionCommand({ actionName: 'blank-policy', roleArn: ROLE, actionParams: { replaceDefaultPolicyVersionParams: { templateName: 'BLANK_POLICY' } } }));
    await iot.send(new CreateMitigationActionCommand({ actionName: 'turn-logging-on', roleArn: ROLE, actionParams: { enableIoTLoggingParams: { roleArnForLogging: ROLE, logLevel: 'INFO' } } }));
    await iot.send(new CreateMitigationActionCommand({ actionName: 'deactivate-ca', roleArn: ROLE, actionParams: { updateCACertificateParams: { action: 'DEACTIVATE' } } }));
    // The §6.2 allow-list: a CA action cannot be mapped to a policy check.
    await expect(iot.send(new StartAuditMitigationActionsTaskCommand({ taskId: 'not-allowed', target: { auditTaskId: second }, auditCheckToActionsMapping: { IOT_POLICY_OVERLY_PERMISSIVE_CHECK: ['deactivate-ca'] }, clientRequestToken: 'x' }))).rejects.toMatchObject({ name: 'InvalidRequestException' });
    await iot.send(new StartAuditMitigationActionsTaskCommand({ taskId: 'fix-1', target: { auditTaskId: second }, auditCheckToActionsMapping: { IOT_POLICY_OVERLY_PERMISSIVE_CHECK: ['blank-policy'], LOGGING_DISABLED_CHECK: ['turn-logging-on'] }, clientRequestToken: 'fix-1' }));
    const mitigated = await until(() => iot.send(new DescribeAuditMitigationActionsTaskCommand({ taskId: 'fix-1' })), (t) => t.taskStatus !== 'IN_PROGRESS');
    expect(mitigated.taskStatus).toBe('COMPLETED');
    // Only the unsuppressed policy finding was mitigated; the suppressed logging finding was left alone.
    expect(mitigated.taskStatistics).toEqual({ IOT_POLICY_OVERLY_PERMISSIVE_CHECK: { totalFindingsCount: 1, failedFindingsCount: 0, succeededFindingsCount: 1, skippedFindingsCount: 0, canceledFindingsCount: 0 } });
    expect(mitigated.actionsDefinition?.map((a) => a.name).sort()).toEqual(['blank-policy', 'turn-logging-on']);
    const policyFinding = (await iot.send(new ListAuditFindingsCommand({ taskId: second, checkName: 'IOT_POLICY_OVERLY_PERMISSIVE_CHECK' }))).findings?.[0];
    const executions = await iot.send(new ListAuditMitigationActionsExecutionsCommand({ taskId: 'fix-1', findingId: policyFinding?.findingId }));
    expect(executions.actionsExecutions?.map((e) => [e.actionName, e.status])).toEqual([['blank-policy', 'COMPLETED']]);
    expect((await iot.send(new ListAuditMitigationActionsTasksCommand({ startTime: new Date(Date.now() - 60_000), endTime: new Date(Date.now() + 60_000), auditTaskId: second }))).tasks?.map((t) => [t.taskId, t.taskStatus])).toEqual([['fix-1', 'COMPLETED']]);
    const policy = await iot.send(new GetPolicyCommand({ policyName: 'everything' }));
    expect(policy.defaultVersionId).toBe('2');
    expect(JSON.parse(policy.policyDocument as string).Statement).toEqual([{ Effect: 'Deny', Action: 'iot:*', Resource: '*' }]);
    // The logging finding is suppressed, so logging stays off until mitigated directly.
    expect((await iot.send(new GetV2LoggingOptionsCommand({}))).disableAllLogs).toBe(true);
  });

  it('two clients with one certificate → DEVICE_CERTIFICATE_SHARED_CHECK lists both; UPDATE_DEVICE_CERTIFICATE disconnects them and reconnecting fails', async () => {
    const registry = vigil.running.registry;
    const issued = await registry.certificates.createKeysAndCertificate(true, 'shared');
    const arn = registry.arns.cert(issued.certificate.certificateId);
    for (const thingName of ['pump-a', 'pump-b']) {
      await registry.things.createThing({ thingName });
      await registry.certificates.attachThingPrincipal(thingName, arn, 'NON_EXCLUSIVE_THING');
    }
    await registry.policies.attachPolicy(registry.defaultPolicyName, arn);
    const connect = (clientId: string) => mqtt.connectAsync(vigil.running.endpoints['mqtt'] as string, { clientId, protocolVersion: 4, key: issued.privateKeyPem, cert: issued.certificate.certificatePem, ca: registry.server.caPem, reconnectPeriod: 0, connectTimeout: 5000 });
    const a = await connect('pump-a');
    const b = await connect('pump-b');
    clients.push(a, b);

    await iot.send(new UpdateAccountAuditConfigurationCommand({ auditCheckConfigurations: { DEVICE_CERTIFICATE_SHARED_CHECK: { enabled: true } } }));
    const findings = await until(async () => {
      const { taskId } = await iot.send(new StartOnDemandAuditTaskCommand({ targetCheckNames: ['DEVICE_CERTIFICATE_SHARED_CHECK'] }));
      await until(() => iot.send(new DescribeAuditTaskCommand({ taskId })), (t) => t.taskStatus === 'COMPLETED');
      return (await iot.send(new ListAuditFindingsCommand({ taskId }))).findings ?? [];
    }, (f) => f.length > 0);
    expect(findings.map((f) => f.nonCompliantResource?.resourceIdentifier?.deviceCertificateId)).toEqual([issued.certificate.certificateId]);
    expect(findings[0]?.relatedResources?.map((r) => r.resourceIdentifier?.clientId).sort()).toEqual(['pump-a', 'pump-b']);

    await iot.send(new CreateMitigationActionCommand({ actionName: 'deactivate-cert', roleArn: ROLE, actionParams: { updateDeviceCertificateParams: { action: 'DEACTIVATE' } } }));
    const closed = Promise.all([a, b].map((c) => new Promise<void>((resolve) => (c.connected ? c.once('close', () => resolve()) : resolve()))));
    await iot.send(new StartAuditMitigationActionsTaskCommand({ taskId: 'stop-sharing', target: { findingIds: [findings[0]?.findingId as string] }, auditCheckToActionsMapping: { DEVICE_CERTIFICATE_SHARED_CHECK: ['deactivate-cert'] }, clientRequestToken: 'stop' }));
    await closed;
    expect([a.connected, b.connected]).toEqual([false, false]);
    const done = await until(() => iot.send(new DescribeAuditMitigationActionsTaskCommand({ taskId: 'stop-sharing' })), (t) => t.taskStatus !== 'IN_PROGRESS');
    expect(done.taskStatus).toBe('COMPLETED');
    expect((await registry.certificates.requireCertificate(issued.certificate.certificateId)).status).toBe('INACTIVE');
    await expect(connect('pump-a')).rejects.toThrow();
  });
});
