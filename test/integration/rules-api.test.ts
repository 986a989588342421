import { CreateTopicRuleCommand, DeleteTopicRuleCommand, DisableTopicRuleCommand, GetTopicRuleCommand, IoTClient, ListTopicRulesCommand, ReplaceTopicRuleCommand } from '@aws-sdk/client-iot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyClient } from '../../src/api/index.js';
import { runCli } from '../support/cli.js';
import { iotClientFor } from '../support/aws-sdk.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

let vigil: TestVigil;
let iot: IoTClient;

beforeAll(async () => {
  vigil = await startTestVigil();
  iot = await iotClientFor(vigil, 'rules test');
});
afterAll(async () => {
  iot.destroy();
  await vigil.stop();
});

const ROLE = 'arn:aws:iam::000000000000:role/vigil';

describe('topic rules through @aws-sdk/client-iot', () => {
  it('CreateTopicRule then GetTopicRule round-trips the AWS shape', async () => {
    const payload = {
      sql: "SELECT * FROM '$aws/rules/DefenderExport'",
      description: 'Device Defender export to the SIEM stream',
      actions: [{ firehose: { roleArn: ROLE, deliveryStreamName: 'siem', separator: '\n', batchMode: false } }],
      errorAction: { republish: { roleArn: ROLE, topic: 'errors/rules', qos: 1 } },
      ruleDisabled: false,
      awsIotSqlVersion: '2016-03-23',
    };
    await iot.send(new CreateTopicRuleCommand({ ruleName: 'DefenderExport', topicRulePayload: payload, tags: 'team=soc' }));
    const got = await iot.send(new GetTopicRuleCommand({ ruleName: 'DefenderExport' }));
    expect(got.ruleArn).toBe('arn:aws:iot:local:000000000000:rule/DefenderExport');
    expect(got.rule).toMatchObject({ ruleName: 'DefenderExport', ...payload });
    expect(got.rule?.createdAt).toBeInstanceOf(Date);
    expect(Math.abs((got.rule?.createdAt?.getTime() ?? 0) - Date.now())).toBeLessThan(10 * 60_000);
  });

  it('lists, replaces, disables and deletes rules; errors come back as AWS exceptions', async () => {
    await iot.send(new CreateTopicRuleCommand({ ruleName: 'Other', topicRulePayload: { sql: "SELECT a FROM 'sensors/#'", actions: [] } }));
    const listed = await iot.send(new ListTopicRulesCommand({ topic: 'sensors/#' }));
    expect(listed.rules?.map((r) => [r.ruleName, r.topicPattern, r.ruleDisabled])).toEqual([['Other', 'sensors/#', false]]);

    await iot.send(new ReplaceTopicRuleCommand({ ruleName: 'Other', topicRulePayload: { sql: "SELECT b FROM 'x'", actions: [{ sns: { roleArn: ROLE, targetArn: 'arn:aws:sns:local:000000000000:alerts' } }] } }));
    await iot.send(new DisableTopicRuleCommand({ ruleName: 'Other' }));
    const replaced = await iot.send(new GetTopicRuleCommand({ ruleName: 'Other' }));
    expect(replaced.rule).toMatchObject({ sql: "SELECT b FROM 'x'", ruleDisabled: true });

    await expect(iot.send(new CreateTopicRuleCommand({ ruleName: 'Other', topicRulePayload: { sql: "SELECT * FROM 'x'", actions: [] } }))).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
    const bad = iot.send(new CreateTopicRuleCommand({ ruleName: 'Bad', topicRulePayload: { sql: "SELECT * FROM 'x' WHERE", actions: [] } }));
    await expect(bad).rejects.toMatchObject({ name: 'InvalidRequestException', message: expect.stringContaining('position 24') as unknown });

    await iot.send(new DeleteTopicRuleCommand({ ruleName: 'Other' }));
    await expect(iot.send(new GetTopicRuleCommand({ ruleName: 'Other' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('rule SQL limits at CreateTopicRule', () => {
  it('refuses a 10,000-term OR WHERE (about 90 KB) with 400 naming rules.max_sql_terms, and SQL nested 1,000-2,000 deep naming rules.max_sql_depth', async () => {
    const sql = `SELECT * FROM 'sensors/#' WHERE ${Array.from({ length: 10_000 }, (_v, i) => `temp = ${i}`).join(' OR ')}`;
    expect(sql.length).toBeGreaterThan(90_000);
    const huge = iot.send(new CreateTopicRuleCommand({ ruleName: 'Huge', topicRulePayload: { sql, actions: [] } }));
    await expect(huge).rejects.toMatchObject({ name: 'InvalidRequestException', $metadata: { httpStatusCode: 400 }, message: expect.stringContaining('rules.max_sql_terms') as unknown });
    for (const depth of [1000, 1500, 2000]) {
      const nested = iot.send(new CreateTopicRuleCommand({ ruleName: `Deep${depth}`, topicRulePayload: { sql: `SELECT * FROM 'x' WHERE ${'('.repeat(depth)}a${')'.repeat(depth)} = 1`, actions: [] } }));
      await expect(nested).rejects.toMatchObject({ name: 'InvalidRequestException', $metadata: { httpStatusCode: 400 }, message: expect.stringContaining('rules.max_sql_depth') as unknown });
    }
    await expect(iot.send(new GetTopicRuleCommand({ ruleName: 'Huge' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    // Each refusal is counted under the limit's config key.
    expect(vigil.running.telemetry.counter('limit_hit', { component: 'rules', limit: 'rules.max_sql_terms' })).toBe(1);
    expect(vigil.running.telemetry.counter('limit_hit', { component: 'rules', limit: 'rules.max_sql_depth' })).toBe(3);
  });
});

describe('notify topics over /api/v1 and the CLI', () => {
  it('creates a topic, subscribes a stream, publishes, lists and deletes through the typed client', async () => {
    const topics = notifyClient(vigil.client);
    const topic = await topics.create('audit');
    expect(topic.arn).toBe('arn:aws:sns:local:000000000000:audit');
    const subscription = await topics.subscribe(topic.arn, { protocol: 'stream', endpoint: 'siem' });
    expect(subscription).toMatchObject({ protocol: 'stream', endpoint: 'siem', rawMessageDelivery: false });
    expect(subscription.subscriptionArn.startsWith(`${topic.arn}:`)).toBe(true);
    const hook = await topics.subscribe('audit', { protocol: 'https', endpoint: 'https://hooks.example/soc' });
    expect(hook.signingSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const { messageId } = await topics.publish('audit', '{"taskStatus":"COMPLETED"}');
    expect(messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await topics.get('audit')).subscriptions.map((s) => s.protocol)).toEqual(['stream', 'https']);
    await topics.unsubscribe(hook.subscriptionArn);
    await expect(topics.subscribe('audit', { protocol: 'mqtt', endpoint: 'a/#' })).rejects.toMatchObject({ code: 'notify.invalid_endpoint' });
    await expect(topics.publish('missing', 'x')).rejects.toMatchObject({ code: 'notify.not_found' });
    await topics.delete('audit');
    expect((await topics.list()).topics).toEqual([]);
  });

  it('vigil topic create | subscribe | publish | list talk to the running server', async () => {
    const server = ['--server', vigil.running.endpoints['api'] as string, '--token', vigil.adminToken];
    const cli = (args: string[]) => runCli([...args, ...server]);
    const created = await cli(['topic', 'create', 'alerts']);
    if (created.code !== 0) throw new Error(created.stderr);
    expect(created).toMatchObject({ code: 0, stdout: 'arn:aws:sns:local:000000000000:alerts\n' });
    const subscribed = await cli(['topic', 'subscribe', 'alerts', 'mqtt', 'alerts/out', '--raw']);
    expect(subscribed.code).toBe(0);
    expect(subscribed.stdout).toMatch(/^arn:aws:sns:local:000000000000:alerts:[0-9a-f-]{36}\n$/);
    const published = await cli(['topic', 'publish', 'alerts', 'hello', '--subject', 'hi']);
    expect(published.code).toBe(0);
    expect(published.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    const listed = await cli(['topic', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toMatchObject({ topics: [{ name: 'alerts' }] });
    const subs = await cli(['topic', 'list', 'alerts']);
    expect(subs.stdout).toContain('alerts/out');
    const wrong = await cli(['topic', 'subscribe', 'alerts', 'sqs', 'x']);
    expect(wrong.code).toBe(2);
  });
});
