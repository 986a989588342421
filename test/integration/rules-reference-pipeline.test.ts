import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VigilError } from '../../src/core/index.js';
import { ROLE, encode, startHarness, type Harness } from './rules-support.js';

const exportPayload = (thing: string, count: number) => ({
  version: '1.0',
  metrics: [
    { name: 'aws:num-listening-tcp-ports', thing, value: { count }, version: 1, timestamp: 1_767_225_600_000 },
    { name: 'aws:listening-tcp-ports', thing, value: { ports: [21, 22, 443].slice(0, count) }, version: 1, timestamp: 1_767_225_600_000 },
  ],
});

// device-defender.md §6.7 example shape.
const auditNotification = {
  accountId: '000000000000',
  taskId: '4e2bcd1ccbc2a5dd15292a82ab80c380',
  taskStatus: 'COMPLETED',
  taskType: 'ON_DEMAND_AUDIT_TASK',
  failedChecksCount: 0,
  canceledChecksCount: 0,
  nonCompliantChecksCount: 1,
  compliantChecksCount: 1,
  totalChecksCount: 2,
  taskStartTime: 1_767_225_600_000,
  auditDetails: [
    { checkName: 'DEVICE_CERTIFICATE_EXPIRING_CHECK', checkRunStatus: 'COMPLETED_NON_COMPLIANT', nonCompliantResourcesCount: 2, totalResourcesCount: 10, suppressedNonCompliantResourceCount: 0 },
    { checkName: 'LOGGING_DISABLED_CHECK', checkRunStatus: 'COMPLETED_COMPLIANT', nonCompliantResourcesCount: 0, totalResourcesCount: 1, suppressedNonCompliantResourceCount: 0 },
  ],
};

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

describe('reference pipeline (reference-pipeline.md §3-4) at the engine level', () => {
  it('a detect export published to $aws/rules/<rule> reaches the stream as one record per message', async () => {
    const created = await h.rules.createRule('DefenderExport', { sql: "SELECT * FROM 'vigil/defender/export'", actions: [{ firehose: { roleArn: ROLE, deliveryStreamName: 'siem', separator: '\n' } }] });
    expect(created.ok).toBe(true);
    const first = exportPayload('pi-1', 2);
    const second = exportPayload('pi-2', 3);
    await h.rules.onMessage({ topic: '$aws/rules/DefenderExport', payload: encode(first), receivedAt: h.time.now() });
    await h.rules.onMessage({ topic: '$aws/rules/DefenderExport', payload: encode(second), receivedAt: h.time.now() });
    const records = h.putter.texts('siem');
    expect(records).toHaveLength(2);
    expect(records.every((r) => r.endsWith('\n') && !r.slice(0, -1).includes('\n'))).toBe(true);
    expect(records.map((r) => JSON.parse(r) as unknown)).toEqual([first, second]);
  });

  it('a SELECT * rule without WHERE passes each message to the stream byte for byte without parsing it; a rule that reads a field parses it', async () => {
    expect((await h.rules.createRule('PassThrough', { sql: "SELECT * FROM 'vigil/defender/export'", actions: [{ firehose: { roleArn: ROLE, deliveryStreamName: 'siem' } }] })).ok).toBe(true);
    // Deeper than rules.max_payload_depth (512): a parse would count a limit hit and call it "not JSON".
    const deep = new TextEncoder().encode(`{"metrics":${'['.repeat(600)}1${']'.repeat(600)}}`);
    const tooDeep = () => h.telemetry.counter('limit_hit', { component: 'rules', limit: 'rules.max_payload_depth' });
    await h.rules.onMessage({ topic: '$aws/rules/PassThrough', payload: deep, receivedAt: h.time.now() });
    expect(h.putter.texts('siem')).toEqual([new TextDecoder().decode(deep)]);
    expect(tooDeep()).toBe(0);
    expect((await h.rules.createRule('Filtered', { sql: "SELECT * FROM 'vigil/defender/export' WHERE version = '1.0'", actions: [{ firehose: { roleArn: ROLE, deliveryStreamName: 'siem' } }] })).ok).toBe(true);
    await h.rules.onMessage({ topic: '$aws/rules/Filtered', payload: deep, receivedAt: h.time.now() });
    expect(tooDeep()).toBe(1);
    expect(h.putter.texts('siem')).toHaveLength(1);
  });

  it('an audit notification published to the audit topic reaches the same stream as one SNS envelope record', async () => {
    const topic = await h.notify.createTopic('AuditNotifications');
    if (!topic.ok) throw topic.error;
    expect(topic.value.arn).toBe('arn:aws:sns:local:000000000000:AuditNotifications');
    const subscribed = await h.notify.subscribe(topic.value.arn, { protocol: 'stream', endpoint: 'arn:aws:firehose:local:000000000000:deliverystream/siem' });
    if (!subscribed.ok) throw subscribed.error;
    expect(subscribed.value.endpoint).toBe('siem');

    const message = JSON.stringify(auditNotification);
    const published = await h.notify.publish(topic.value.arn, message);
    if (!published.ok) throw published.error;
    await h.notify.idle();

    const records = h.putter.texts('siem');
    expect(records).toHaveLength(1);
    const record = records[0] as string;
    expect(record.endsWith('\n')).toBe(true);
    const envelope = JSON.parse(record) as Record<string, unknown>;
    expect(Object.keys(envelope)).toEqual(['Type', 'MessageId', 'TopicArn', 'Message', 'Timestamp']);
    expect(envelope).toEqual({ Type: 'Notification', MessageId: published.value, TopicArn: topic.value.arn, Message: message, Timestamp: '2026-01-01T00:00:00.000Z' });
    expect(JSON.parse(envelope['Message'] as string)).toEqual(auditNotification);
  });

  it('both paths land in one stream, in the reference wiring, without touching other rules', async () => {
    await h.rules.createRule('DefenderExport', { sql: "SELECT * FROM 'unused/topic'", actions: [{ firehose: { roleArn: ROLE, deliveryStreamName: 'siem' } }] });
    await h.rules.createRule('Other', { sql: "SELECT * FROM '$aws/rules/#'", actions: [{ firehose: { roleArn: ROLE, deliveryStreamName: 'other' } }] });
    const topic = await h.notify.createTopic('audit');
    if (!topic.ok) throw topic.error;
    await h.notify.subscribe('audit', { protocol: 'stream', endpoint: 'siem' });
    await h.rules.onMessage({ topic: '$aws/rules/DefenderExport', payload: encode(exportPayload('pi-1', 1)), receivedAt: 0 });
    await h.notify.publish('audit', JSON.stringify(auditNotification), 'audit done');
    await h.notify.idle();
    const records = h.putter.texts('siem').map((r) => JSON.parse(r) as Record<string, unknown>);
    expect(records).toHaveLength(2);
    expect(records[0]).toHaveProperty('metrics');
    expect(records[1]).toMatchObject({ Type: 'Notification', Subject: 'audit done' });
    expect(h.putter.texts('other')).toEqual([]);
  });
});

describe('rules engine behaviour', () => {
  it('basic ingest feeds exactly the named rule, ignoring its FROM filter, with the prefix removed from topic()', async () => {
    await h.rules.createRule('a', { sql: "SELECT topic() AS t, topic(1) AS first FROM 'x'", actions: [{ firehose: { deliveryStreamName: 'a' } }] });
    await h.rules.createRule('b', { sql: "SELECT * FROM 'x'", actions: [{ firehose: { deliveryStreamName: 'b' } }] });
    await h.rules.onMessage({ topic: '$aws/rules/a/site/7', payload: encode({}), receivedAt: 0 });
    await h.rules.onMessage({ topic: '$aws/rules/missing', payload: encode({}), receivedAt: 0 });
    expect(h.putter.texts('a').map((r) => JSON.parse(r) as unknown)).toEqual([{ t: 'site/7', first: 'site' }]);
    expect(h.putter.texts('b')).toEqual([]);
    expect(h.telemetry.counter('rule_message_dropped', { reason: 'no_such_rule' })).toBe(1);
  });

  it('runs every matching enabled rule; a disabled rule does not fire until enabled', async () => {
    await h.rules.createRule('hot', { sql: "SELECT * FROM 'sensors/+/t' WHERE t > 50", actions: [{ firehose: { deliveryStreamName: 'hot' } }] });
    await h.rules.createRule('all', { sql: "SELECT t FROM 'sensors/#'", ruleDisabled: true, actions: [{ firehose: { deliveryStreamName: 'all' } }] });
    await h.rules.onMessage({ topic: 'sensors/s1/t', payload: encode({ t: 60 }), receivedAt: 0 });
    await h.rules.onMessage({ topic: 'sensors/s1/t', payload: encode({ t: 10 }), receivedAt: 0 });
    expect(h.putter.texts('hot')).toHaveLength(1);
    expect(h.putter.texts('all')).toHaveLength(0);
    expect((await h.rules.setEnabled('all', true)).ok).toBe(true);
    await h.rules.onMessage({ topic: 'sensors/s1/t', payload: encode({ t: 10 }), receivedAt: 0 });
    expect(h.putter.texts('all')).toEqual(['{"t":10}']);
  });

  it('batchMode puts each array element as one record of a single put', async () => {
    await h.rules.createRule('batch', { sql: "SELECT * FROM 'batch'", actions: [{ firehose: { deliveryStreamName: 's', batchMode: true, separator: ',' } }] });
    await h.rules.onMessage({ topic: 'batch', payload: encode([{ a: 1 }, { a: 2 }, { a: 3 }]), receivedAt: 0 });
    expect(h.putter.calls).toEqual([{ stream: 's', count: 3 }]);
    expect(h.putter.texts('s')).toEqual(['{"a":1},', '{"a":2},', '{"a":3},']);
  });

  it('a failed action sends the AWS error-action payload to errorAction; the other actions still run', async () => {
    h.putter.failing.set('broken', new VigilError('stream.not_found', 'no stream broken'));
    await h.rules.createRule('r1', {
      sql: "SELECT * FROM 'in/#'",
      actions: [{ firehose: { deliveryStreamName: 'broken' } }, { firehose: { deliveryStreamName: 'ok' } }],
      errorAction: { firehose: { deliveryStreamName: 'errors' } },
    });
    await h.rules.onMessage({ topic: 'in/1', payload: encode({ v: 1 }), clientId: 'dev-1', receivedAt: 0 });
    expect(h.putter.texts('ok')).toEqual(['{"v":1}']);
    const [error] = h.putter.texts('errors').map((r) => JSON.parse(r) as Record<string, unknown>);
    expect(error).toEqual({
      ruleName: 'r1',
      topic: 'in/1',
      cloudwatchTraceId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      clientId: 'dev-1',
      base64OriginalPayload: Buffer.from('{"v":1}').toString('base64'),
      failures: [{ failedAction: 'FirehoseAction', failedResource: 'broken', errorMessage: 'stream.not_found: no stream broken' }],
    });
    expect(h.telemetry.counter('rule_action_failed', { action: 'FirehoseAction' })).toBe(1);
  });

  it('republish substitutes templates and publishes through the MQTT port; sns publishes to a notify topic', async () => {
    await h.notify.createTopic('alerts');
    await h.notify.subscribe('alerts', { protocol: 'stream', endpoint: 'alerts-stream', rawMessageDelivery: true });
    await h.rules.createRule('fanout', {
      sql: "SELECT temp, clientid() AS device FROM 'things/+/telemetry' WHERE temp > 80",
      actions: [{ republish: { roleArn: ROLE, topic: 'alerts/${topic(2)}', qos: 1 } }, { sns: { roleArn: ROLE, targetArn: 'arn:aws:sns:local:000000000000:alerts' } }],
    });
    await h.rules.onMessage({ topic: 'things/boiler/telemetry', payload: encode({ temp: 90 }), clientId: 'boiler', receivedAt: 0 });
    await h.notify.idle();
    expect(h.publisher.published).toEqual([{ topic: 'alerts/boiler', payload: '{"temp":90,"device":"boiler"}', qos: 1 }]);
    expect(h.putter.texts('alerts-stream')).toEqual(['{"temp":90,"device":"boiler"}\n']);
  });

  it('refuses bad SQL at create time with the position, and unsupported actions, storing nothing', async () => {
    const bad = await h.rules.createRule('bad', { sql: "SELECT * FRM 'a'", actions: [] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('rules.invalid_sql');
      expect(bad.error.span?.offset).toBe(9);
      expect(bad.error.message).toContain('position 10');
    }
    const lambda = await h.rules.createRule('bad', { sql: "SELECT * FROM 'a'", actions: [{ lambda: { functionArn: 'x' } }] });
    expect(lambda.ok || lambda.error.code).toBe('rules.invalid_action');
    expect(await h.rules.listRules()).toEqual([]);
  });
});
