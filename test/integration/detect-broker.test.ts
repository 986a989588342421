import { AddThingToThingGroupCommand, AttachSecurityProfileCommand, CreateSecurityProfileCommand, CreateThingGroupCommand, ListActiveViolationsCommand, ListViolationEventsCommand, PutVerificationStateOnViolationCommand } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARN, alertTarget, startDetectVigil, until, type DetectVigil } from './detect-support.js';

let fixture: DetectVigil;
let alerts: Awaited<ReturnType<typeof alertTarget>>;

beforeAll(async () => {
  fixture = await startDetectVigil();
  alerts = await alertTarget(fixture.vigil, 'detect-alerts');
});

afterAll(async () => {
  await alerts?.close();
  await fixture?.close();
});

describe('detect end to end through the broker', () => {
  it('a thing reporting 4 listening TCP ports against "less-than-equals 3" is in alarm (ListActiveViolations, alert target); reporting 3 clears it', async () => {
    const { iot } = fixture;
    await iot.send(new CreateThingGroupCommand({ thingGroupName: 'gateways' }));
    await iot.send(new CreateSecurityProfileCommand({
      securityProfileName: 'tcp-ports',
      behaviors: [{ name: 'max-listening-tcp', metric: 'aws:num-listening-tcp-ports', criteria: { comparisonOperator: 'less-than-equals', value: { count: 3 } } }],
      alertTargets: { SNS: { alertTargetArn: alerts.arn, roleArn: 'arn:aws:iam::000000000000:role/detect-alerts' } },
    }));
    await iot.send(new AttachSecurityProfileCommand({ securityProfileName: 'tcp-ports', securityProfileTargetArn: `${ARN}:thinggroup/gateways` }));
    const client = await fixture.device('gw-1');
    await iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'gateways', thingName: 'gw-1' }));

    await fixture.report(client, 'gw-1', 1, { listening_tcp_ports: { ports: [{ port: 22 }, { port: 80 }, { port: 443 }, { port: 21 }], total: 4 } });
    const active = await until(async () => {
      const listed = await iot.send(new ListActiveViolationsCommand({ thingName: 'gw-1' }));
      return (listed.activeViolations ?? []).length > 0 ? listed.activeViolations : undefined;
    }, 'an active violation');
    expect(active).toHaveLength(1);
    const violation = active[0];
    expect(violation?.securityProfileName).toBe('tcp-ports');
    expect(violation?.behavior?.name).toBe('max-listening-tcp');
    expect(violation?.lastViolationValue).toEqual({ count: 4 });
    expect(violation?.violationId).toMatch(/^[0-9a-f]{32}$/);
    expect(violation?.violationStartTime).toBeInstanceOf(Date);
    const inAlarm = await until(() => alerts.received.find((m) => m['violationEventType'] === 'in-alarm'), 'the in-alarm alert');
    expect(inAlarm).toMatchObject({ thingName: 'gw-1', securityProfileName: 'tcp-ports', violationId: violation?.violationId, metricValue: { count: 4 }, verificationState: 'UNKNOWN', behavior: { name: 'max-listening-tcp', metric: 'aws:num-listening-tcp-ports' } });
    expect(typeof inAlarm['violationEventTime']).toBe('number');

    await iot.send(new PutVerificationStateOnViolationCommand({ violationId: violation?.violationId, verificationState: 'TRUE_POSITIVE', verificationStateDescription: 'ftp server installed' }));
    await fixture.report(client, 'gw-1', 2, { listening_tcp_ports: { ports: [{ port: 22 }, { port: 80 }, { port: 443 }], total: 3 } });
    await until(async () => ((await iot.send(new ListActiveViolationsCommand({ thingName: 'gw-1' }))).activeViolations ?? []).length === 0 || undefined, 'the violation to clear');
    const cleared = await until(() => alerts.received.find((m) => m['violationEventType'] === 'alarm-cleared'), 'the alarm-cleared alert');
    expect(cleared).toMatchObject({ thingName: 'gw-1', violationId: violation?.violationId, metricValue: { count: 3 }, verificationState: 'TRUE_POSITIVE' });

    const events = await iot.send(new ListViolationEventsCommand({ startTime: new Date(Date.now() - 3_600_000), endTime: new Date(Date.now() + 60_000), thingName: 'gw-1' }));
    expect(events.violationEvents?.map((e) => e.violationEventType)).toEqual(['alarm-cleared', 'in-alarm']);
    expect(events.violationEvents?.[0]).toMatchObject({ verificationState: 'TRUE_POSITIVE', verificationStateDescription: 'ftp server installed', metricValue: { count: 3 } });
  });

  it('a durationSeconds behavior on aws:all-bytes-out sums the reports of its window: 600 + 600 bytes pass "less-than 1000", the same reports against a behavior without a window do not', async () => {
    const { iot } = fixture;
    await iot.send(new CreateThingGroupCommand({ thingGroupName: 'uplinks' }));
    await iot.send(new CreateSecurityProfileCommand({
      securityProfileName: 'bytes-out',
      behaviors: [
        { name: 'bytes-out-5min', metric: 'aws:all-bytes-out', criteria: { comparisonOperator: 'less-than', value: { count: 1000 }, durationSeconds: 300 } },
        { name: 'bytes-out-report', metric: 'aws:all-bytes-out', criteria: { comparisonOperator: 'less-than', value: { count: 1000 } } },
      ],
    }));
    await iot.send(new AttachSecurityProfileCommand({ securityProfileName: 'bytes-out', securityProfileTargetArn: `${ARN}:thinggroup/uplinks` }));
    const client = await fixture.device('up-1');
    await iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'uplinks', thingName: 'up-1' }));
    const stats = { network_stats: { bytes_in: 10, bytes_out: 600, packets_in: 1, packets_out: 2 } };
    await fixture.report(client, 'up-1', 1, stats);
    await fixture.report(client, 'up-1', 2, stats);
    const active = await until(async () => {
      const listed = await iot.send(new ListActiveViolationsCommand({ thingName: 'up-1' }));
      return (listed.activeViolations ?? []).length > 0 ? listed.activeViolations : undefined;
    }, 'an active violation of the windowed behavior');
    expect(active.map((v) => v.behavior?.name)).toEqual(['bytes-out-5min']);
    expect(active[0]?.lastViolationValue).toEqual({ count: 1200 });
  });
});
