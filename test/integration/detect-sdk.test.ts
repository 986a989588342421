import {
  AttachSecurityProfileCommand,
  CreateCustomMetricCommand,
  CreateDimensionCommand,
  CreateSecurityProfileCommand,
  CreateThingGroupCommand,
  DeleteCustomMetricCommand,
  DeleteDimensionCommand,
  DeleteSecurityProfileCommand,
  DescribeCustomMetricCommand,
  DescribeDimensionCommand,
  DescribeSecurityProfileCommand,
  DetachSecurityProfileCommand,
  InvalidRequestException,
  LimitExceededException,
  ListCustomMetricsCommand,
  ListDimensionsCommand,
  ListSecurityProfilesCommand,
  ListSecurityProfilesForTargetCommand,
  ListTargetsForSecurityProfileCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateCustomMetricCommand,
  UpdateDimensionCommand,
  UpdateSecurityProfileCommand,
  ValidateSecurityProfileBehaviorsCommand,
  VersionConflictException,
  type Behavior,
} from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARN, startDetectVigil, type DetectVigil } from './detect-support.js';

let fixture: DetectVigil;

beforeAll(async () => {
  fixture = await startDetectVigil();
});

afterAll(async () => {
  await fixture?.close();
});

const tcp: Behavior = { name: 'tcp', metric: 'aws:num-listening-tcp-ports', criteria: { comparisonOperator: 'less-than-equals', value: { count: 3 }, consecutiveDatapointsToAlarm: 2, consecutiveDatapointsToClear: 2 }, suppressAlerts: false };

describe('detect control plane through @aws-sdk/client-iot', () => {
  it('creates, describes, updates with expectedVersion, lists and deletes security profiles', async () => {
    const { iot } = fixture;
    const created = await iot.send(new CreateSecurityProfileCommand({ securityProfileName: 'sp-crud', securityProfileDescription: 'ports', behaviors: [tcp], tags: [{ Key: 'team', Value: 'soc' }] }));
    expect(created.securityProfileArn).toBe(`${ARN}:securityprofile/sp-crud`);
    await expect(iot.send(new CreateSecurityProfileCommand({ securityProfileName: 'sp-crud', behaviors: [tcp] }))).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
    const described = await iot.send(new DescribeSecurityProfileCommand({ securityProfileName: 'sp-crud' }));
    expect(described).toMatchObject({ securityProfileName: 'sp-crud', securityProfileDescription: 'ports', behaviors: [tcp], version: 1 });
    expect(described.creationDate).toBeInstanceOf(Date);
    await expect(iot.send(new UpdateSecurityProfileCommand({ securityProfileName: 'sp-crud', expectedVersion: 7, securityProfileDescription: 'x' }))).rejects.toBeInstanceOf(VersionConflictException);
    const updated = await iot.send(new UpdateSecurityProfileCommand({ securityProfileName: 'sp-crud', expectedVersion: 1, additionalMetricsToRetainV2: [{ metric: 'aws:all-bytes-out' }] }));
    expect(updated).toMatchObject({ version: 2, behaviors: [tcp], additionalMetricsToRetainV2: [{ metric: 'aws:all-bytes-out' }] });
    const cleared = await iot.send(new UpdateSecurityProfileCommand({ securityProfileName: 'sp-crud', deleteBehaviors: true }));
    expect(cleared.behaviors ?? []).toEqual([]);
    const byMetric = await iot.send(new ListSecurityProfilesCommand({ metricName: 'aws:all-bytes-out' }));
    expect(byMetric.securityProfileIdentifiers).toEqual([{ name: 'sp-crud', arn: `${ARN}:securityprofile/sp-crud` }]);
    await expect(iot.send(new DeleteSecurityProfileCommand({ securityProfileName: 'sp-crud', expectedVersion: 1 }))).rejects.toBeInstanceOf(VersionConflictException);
    await iot.send(new DeleteSecurityProfileCommand({ securityProfileName: 'sp-crud' }));
    await expect(iot.send(new DescribeSecurityProfileCommand({ securityProfileName: 'sp-crud' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('validates behaviors with one message per broken §3.1 rule, and refuses an invalid profile', async () => {
    const { iot } = fixture;
    const ok = await iot.send(new ValidateSecurityProfileBehaviorsCommand({ behaviors: [tcp] }));
    expect(ok).toMatchObject({ valid: true, validationErrors: [] });
    const bad = await iot.send(new ValidateSecurityProfileBehaviorsCommand({
      behaviors: [
        { name: 'a', metric: 'aws:listening-tcp-ports', criteria: { comparisonOperator: 'less-than', value: { count: 1 } } },
        { name: 'b', metric: 'aws:listening-tcp-ports', criteria: { comparisonOperator: 'in-port-set', value: { ports: [22] }, durationSeconds: 300 } },
        { name: 'c', metric: 'aws:all-bytes-out', criteria: { comparisonOperator: 'less-than', value: { count: 1 }, statisticalThreshold: { statistic: 'p90' } } },
        { name: 'd', metric: 'aws:all-bytes-out', criteria: { comparisonOperator: 'less-than', value: { count: 1 }, durationSeconds: 301 } },
        { name: 'e', metric: 'aws:num-messages-sent', metricDimension: { dimensionName: 'missing' }, criteria: { comparisonOperator: 'less-than', value: { count: 1 } } },
        { name: 'f', metric: 'no-such-custom', criteria: { comparisonOperator: 'less-than', value: { number: 1 } } },
        { name: 'g', metric: 'aws:num-disconnects', criteria: { mlDetectionConfig: { confidenceLevel: 'HIGH' }, comparisonOperator: 'less-than' } },
        { name: 'a', metric: 'aws:num-listening-tcp-ports', criteria: { comparisonOperator: 'less-than', value: { count: 1 }, consecutiveDatapointsToAlarm: 11 } },
        { name: 'h', metric: 'aws:listening-udp-ports', criteria: { comparisonOperator: 'in-port-set', statisticalThreshold: { statistic: 'p50' } } },
      ],
    }));
    expect(bad.valid).toBe(false);
    const messages = (bad.validationErrors ?? []).map((e) => e.errorMessage ?? '');
    for (const fragment of ['(a): operator less-than does not fit', '(b): durationSeconds is not allowed', '(c): criteria needs exactly one of value and statisticalThreshold', '(d): durationSeconds must be one of', '(e): dimension missing does not exist', '(f): custom metric no-such-custom does not exist', '(g): an ML behavior', 'behavior name a is used twice', 'consecutiveDatapointsToAlarm must be an integer in 1..10', '(h): statisticalThreshold is not available']) {
      expect(messages.some((m) => m.includes(fragment)), `${fragment} in ${JSON.stringify(messages)}`).toBe(true);
    }
    await expect(iot.send(new CreateSecurityProfileCommand({ securityProfileName: 'sp-bad', behaviors: [{ name: 'x', metric: 'aws:nope', criteria: { comparisonOperator: 'less-than', value: { count: 1 } } }] }))).rejects.toBeInstanceOf(InvalidRequestException);
  });

  it('attaches targets (at most 5 profiles per target), lists them both ways (recursive includes child groups) and detaches', async () => {
    const { iot } = fixture;
    await iot.send(new CreateThingGroupCommand({ thingGroupName: 'plant' }));
    await iot.send(new CreateThingGroupCommand({ thingGroupName: 'line-1', parentGroupName: 'plant' }));
    for (let i = 1; i <= 6; i++) await iot.send(new CreateSecurityProfileCommand({ securityProfileName: `sp-t${i}`, behaviors: [tcp] }));
    for (let i = 1; i <= 5; i++) await iot.send(new AttachSecurityProfileCommand({ securityProfileName: `sp-t${i}`, securityProfileTargetArn: `${ARN}:thinggroup/plant` }));
    await expect(iot.send(new AttachSecurityProfileCommand({ securityProfileName: 'sp-t6', securityProfileTargetArn: `${ARN}:thinggroup/plant` }))).rejects.toBeInstanceOf(LimitExceededException);
    await iot.send(new AttachSecurityProfileCommand({ securityProfileName: 'sp-t6', securityProfileTargetArn: `${ARN}:thinggroup/line-1` }));
    await iot.send(new AttachSecurityProfileCommand({ securityProfileName: 'sp-t6', securityProfileTargetArn: `${ARN}:all/things` }));
    await expect(iot.send(new AttachSecurityProfileCommand({ securityProfileName: 'sp-t6', securityProfileTargetArn: `${ARN}:thinggroup/nowhere` }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    const targets = await iot.send(new ListTargetsForSecurityProfileCommand({ securityProfileName: 'sp-t6' }));
    expect(targets.securityProfileTargets?.map((t) => t.arn)).toEqual([`${ARN}:all/things`, `${ARN}:thinggroup/line-1`]);
    const flat = await iot.send(new ListSecurityProfilesForTargetCommand({ securityProfileTargetArn: `${ARN}:thinggroup/plant` }));
    expect(flat.securityProfileTargetMappings).toHaveLength(5);
    const recursive = await iot.send(new ListSecurityProfilesForTargetCommand({ securityProfileTargetArn: `${ARN}:thinggroup/plant`, recursive: true }));
    expect(recursive.securityProfileTargetMappings?.map((m) => m.securityProfileIdentifier?.name).sort()).toEqual(['sp-t1', 'sp-t2', 'sp-t3', 'sp-t4', 'sp-t5', 'sp-t6']);
    await iot.send(new DetachSecurityProfileCommand({ securityProfileName: 'sp-t1', securityProfileTargetArn: `${ARN}:thinggroup/plant` }));
    await iot.send(new AttachSecurityProfileCommand({ securityProfileName: 'sp-t6', securityProfileTargetArn: `${ARN}:thinggroup/plant` }));
  });

  it('custom metrics and TOPIC_FILTER dimensions: CRUD, list, and no delete while a profile uses them', async () => {
    const { iot } = fixture;
    const metric = await iot.send(new CreateCustomMetricCommand({ metricName: 'battery', metricType: 'number', displayName: 'Battery %', clientRequestToken: 'c1' }));
    expect(metric.metricArn).toBe(`${ARN}:custommetric/battery`);
    await expect(iot.send(new CreateCustomMetricCommand({ metricName: 'aws:mine', metricType: 'number', clientRequestToken: 'c2' }))).rejects.toBeInstanceOf(InvalidRequestException);
    await iot.send(new UpdateCustomMetricCommand({ metricName: 'battery', displayName: 'Battery level' }));
    expect(await iot.send(new DescribeCustomMetricCommand({ metricName: 'battery' }))).toMatchObject({ metricName: 'battery', metricType: 'number', displayName: 'Battery level' });
    expect((await iot.send(new ListCustomMetricsCommand({}))).metricNames).toEqual(['battery']);
    const dimension = await iot.send(new CreateDimensionCommand({ name: 'auth-topics', type: 'TOPIC_FILTER', stringValues: ['device/+/auth'], clientRequestToken: 'd1' }));
    expect(dimension.arn).toBe(`${ARN}:dimension/auth-topics`);
    await iot.send(new UpdateDimensionCommand({ name: 'auth-topics', stringValues: ['device/+/auth', 'own/#'] }));
    expect((await iot.send(new DescribeDimensionCommand({ name: 'auth-topics' }))).stringValues).toEqual(['device/+/auth', 'own/#']);
    expect((await iot.send(new ListDimensionsCommand({}))).dimensionNames).toEqual(['auth-topics']);
    await iot.send(new CreateSecurityProfileCommand({
      securityProfileName: 'sp-custom',
      behaviors: [
        { name: 'battery-ok', metric: 'battery', criteria: { comparisonOperator: 'greater-than', value: { number: 10 } } },
        { name: 'auth', metric: 'aws:num-messages-sent', metricDimension: { dimensionName: 'auth-topics', operator: 'NOT_IN' }, criteria: { comparisonOperator: 'less-than', value: { count: 100 }, durationSeconds: 300 } },
      ],
    }));
    expect((await iot.send(new ListSecurityProfilesCommand({ dimensionName: 'auth-topics' }))).securityProfileIdentifiers?.map((p) => p.name)).toEqual(['sp-custom']);
    await expect(iot.send(new DeleteCustomMetricCommand({ metricName: 'battery' }))).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(iot.send(new DeleteDimensionCommand({ name: 'auth-topics' }))).rejects.toBeInstanceOf(InvalidRequestException);
    await iot.send(new DeleteSecurityProfileCommand({ securityProfileName: 'sp-custom' }));
    await iot.send(new DeleteCustomMetricCommand({ metricName: 'battery' }));
    await iot.send(new DeleteDimensionCommand({ name: 'auth-topics' }));
    await expect(iot.send(new DescribeCustomMetricCommand({ metricName: 'battery' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
