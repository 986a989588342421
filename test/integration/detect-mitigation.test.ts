import {
  AttachPolicyCommand,
  AttachSecurityProfileCommand,
  CreateMitigationActionCommand,
  CreatePolicyCommand,
  CreateSecurityProfileCommand,
  CreateThingGroupCommand,
  DescribeDetectMitigationActionsTaskCommand,
  DescribeMitigationActionCommand,
  InvalidRequestException,
  ListActiveViolationsCommand,
  ListDetectMitigationActionsExecutionsCommand,
  ListDetectMitigationActionsTasksCommand,
  ListMitigationActionsCommand,
  ListThingGroupsForThingCommand,
  StartDetectMitigationActionsTaskCommand,
  TaskAlreadyExistsException,
} from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARN, startDetectVigil, until, type DetectVigil } from './detect-support.js';

let fixture: DetectVigil;

beforeAll(async () => {
  fixture = await startDetectVigil();
});

afterAll(async () => {
  await fixture?.close();
});

const QUARANTINE_POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iot:Publish', Resource: '*' }] });

describe('detect mitigation', () => {
  it('a detect mitigation task moves the violating thing into a quarantine group whose policy denies Publish, which cuts the device off', async () => {
    const { iot } = fixture;
    await iot.send(new CreateThingGroupCommand({ thingGroupName: 'quarantine' }));
    await iot.send(new CreatePolicyCommand({ policyName: 'deny-publish', policyDocument: QUARANTINE_POLICY }));
    await iot.send(new AttachPolicyCommand({ policyName: 'deny-publish', target: `${ARN}:thinggroup/quarantine` }));
    await iot.send(new CreateSecurityProfileCommand({ securityProfileName: 'ports', behaviors: [{ name: 'tcp', metric: 'aws:num-listening-tcp-ports', criteria: { comparisonOperator: 'less-than-equals', value: { count: 3 } } }] }));
    await iot.send(new AttachSecurityProfileCommand({ securityProfileName: 'ports', securityProfileTargetArn: `${ARN}:all/registered-things` }));
    const created = await iot.send(new CreateMitigationActionCommand({ actionName: 'quarantine-thing', roleArn: 'arn:aws:iam::000000000000:role/mitigation', actionParams: { addThingsToThingGroupParams: { thingGroupNames: ['quarantine'] } } }));
    expect(created.actionId).toMatch(/^[0-9a-f]{32}$/);
    expect(created.actionArn).toBe(`${ARN}:mitigationaction/quarantine-thing`);
    expect((await iot.send(new DescribeMitigationActionCommand({ actionName: 'quarantine-thing' }))).actionType).toBe('ADD_THINGS_TO_THING_GROUP');
    expect((await iot.send(new ListMitigationActionsCommand({ actionType: 'ADD_THINGS_TO_THING_GROUP' }))).actionIdentifiers?.map((a) => a.actionName)).toEqual(['quarantine-thing']);

    const client = await fixture.device('cam-1');
    await fixture.report(client, 'cam-1', 1, { listening_tcp_ports: { total: 9 } });
    const violation = await until(async () => (await iot.send(new ListActiveViolationsCommand({ thingName: 'cam-1' }))).activeViolations?.[0], 'the violation');

    await iot.send(new StartDetectMitigationActionsTaskCommand({ taskId: 'quarantine-cam-1', target: { violationIds: [violation.violationId as string] }, actions: ['quarantine-thing'], clientRequestToken: 'token-1' }));
    // Same id and token: idempotent; another token: TaskAlreadyExists.
    await iot.send(new StartDetectMitigationActionsTaskCommand({ taskId: 'quarantine-cam-1', target: { violationIds: [violation.violationId as string] }, actions: ['quarantine-thing'], clientRequestToken: 'token-1' }));
    await expect(iot.send(new StartDetectMitigationActionsTaskCommand({ taskId: 'quarantine-cam-1', target: { violationIds: [violation.violationId as string] }, actions: ['quarantine-thing'], clientRequestToken: 'token-2' }))).rejects.toBeInstanceOf(TaskAlreadyExistsException);
    const summary = await until(async () => {
      const task = (await iot.send(new DescribeDetectMitigationActionsTaskCommand({ taskId: 'quarantine-cam-1' }))).taskSummary;
      return task?.taskStatus === 'IN_PROGRESS' ? undefined : task;
    }, 'the task to finish');
    expect(summary).toMatchObject({ taskStatus: 'SUCCESSFUL', taskStatistics: { actionsExecuted: 1, actionsSkipped: 0, actionsFailed: 0 }, target: { violationIds: [violation.violationId] } });
    expect(summary.actionsDefinition?.[0]?.name).toBe('quarantine-thing');
    const groups = await iot.send(new ListThingGroupsForThingCommand({ thingName: 'cam-1' }));
    expect(groups.thingGroups?.map((g) => g.groupName)).toEqual(['quarantine']);
    const executions = await iot.send(new ListDetectMitigationActionsExecutionsCommand({ taskId: 'quarantine-cam-1' }));
    expect(executions.actionsExecutions).toHaveLength(1);
    expect(executions.actionsExecutions?.[0]).toMatchObject({ taskId: 'quarantine-cam-1', violationId: violation.violationId, actionName: 'quarantine-thing', thingName: 'cam-1', status: 'SUCCESSFUL' });
    const tasks = await iot.send(new ListDetectMitigationActionsTasksCommand({ startTime: new Date(Date.now() - 60_000), endTime: new Date(Date.now() + 60_000) }));
    expect(tasks.tasks?.map((t) => t.taskId)).toEqual(['quarantine-cam-1']);

    // The device is cut off: a publish from it is refused and its connection closed.
    await client.publishAsync('$aws/things/cam-1/defender/metrics/json', JSON.stringify({ header: { report_id: 2, version: '1.0' }, metrics: { listening_tcp_ports: { total: 1 } } }), { qos: 0 }).catch(() => undefined);
    await until(() => (client.connected ? undefined : true), 'the quarantined device to be disconnected');
    expect(client.connected).toBe(false);
    expect((await iot.send(new ListActiveViolationsCommand({ thingName: 'cam-1' }))).activeViolations?.[0]?.lastViolationValue).toEqual({ count: 9 });
  });

  it('refuses a task whose action is not ADD_THINGS_TO_THING_GROUP and a target naming neither violations nor a profile', async () => {
    const { iot } = fixture;
    await iot.send(new CreateMitigationActionCommand({ actionName: 'deactivate-cert', roleArn: 'arn:aws:iam::000000000000:role/mitigation', actionParams: { updateDeviceCertificateParams: { action: 'DEACTIVATE' } } }));
    await expect(iot.send(new StartDetectMitigationActionsTaskCommand({ taskId: 't-bad-action', target: { securityProfileName: 'ports' }, actions: ['deactivate-cert'], clientRequestToken: 'x' }))).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(iot.send(new StartDetectMitigationActionsTaskCommand({ taskId: 't-bad-target', target: {}, actions: ['quarantine-thing'], clientRequestToken: 'x' }))).rejects.toBeInstanceOf(InvalidRequestException);
  });
});
