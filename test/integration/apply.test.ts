import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { notifyClient, siemClient, registryClient } from '../../src/api/index.js';
import { streamClient } from '../../src/api/stream-client.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

const REFERENCE = new URL('../../examples/reference-pipeline/resources.yaml', import.meta.url).pathname;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(): Promise<{ vigil: TestVigil; config: string }> {
  // plain_listen on an ephemeral port: two servers run at once here, and the ingress currently fills its 1883 default.
  const vigil = await startTestVigil({ mqtt: { plain_listen: '127.0.0.1:0' } });
  cleanups.push(() => vigil.stop());
  const config = join(vigil.dataDir, '..', `vigil-${Math.random().toString(16).slice(2)}.yaml`);
  writeFileSync(config, `data_dir: ${vigil.dataDir}\n`);
  cleanups.push(() => undefined);
  return { vigil, config };
}

function planLine(stdout: string): string {
  return stdout.split('\n').find((l) => l.startsWith('Plan:')) ?? '';
}

describe('vigil apply / vigil export', () => {
  it('applying the reference file creates the pipeline; applying it again plans everything "unchanged"', async () => {
    const { vigil, config } = await server();
    const first = await runCli(['apply', '-f', REFERENCE, '--config', config]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('create    stream/siem');
    expect(first.stdout).toContain('create    topic rule/DeviceDefenderMetricsExport');

    const stream = await streamClient(vigil.client).describe('siem');
    expect(stream.sink['type']).toBe('splunk-hec');
    expect(stream.sink['endpoint']).toBe(vigil.running.endpoints['hec']);
    expect(stream.processors[0]?.type).toBe('split-device-defender');
    expect(stream.processors[0]?.parameters['auditTopicArn']).toBe('arn:aws:sns:local:000000000000:device-defender-audit');
    const token = (await siemClient(vigil.client).tokens.list()).tokens.find((t) => t.name === 'siem');
    expect(token).toMatchObject({ index: 'aws_hfb', sourcetype: 'aws-iot-device-defender', useAck: true });
    const topic = await notifyClient(vigil.client).get('device-defender-audit');
    expect(topic.subscriptions.map((s) => [s.protocol, s.endpoint])).toEqual([['stream', 'siem']]);
    const policy = await vigil.client.request<{ policyDocument: string }>('GET', '/policies/DeviceDefenderAgentPolicy');
    expect(policy.policyDocument).toContain('client/${iot:Connection.Thing.ThingName}');
    expect((await registryClient(vigil.client).listThingGroups()).thingGroups.map((g) => g.groupName)).toContain('DeviceDefenderFleet');

    const second = await runCli(['apply', '-f', REFERENCE, '--config', config, '--verbose']);
    expect(second.code).toBe(0);
    expect(planLine(second.stdout)).toMatch(/^Plan: 0 to create, 0 to update, 0 to delete, \d+ unchanged\.$/);
    for (const line of second.stdout.split('\n').filter((l) => /^ {2}[a-z]/.test(l) && !l.includes('skipped'))) expect(line.trim()).toMatch(/^unchanged /);
  });

  it('export then apply on a fresh data dir reproduces the same resources (the second export equals the first)', async () => {
    const a = await server();
    expect((await runCli(['apply', '-f', REFERENCE, '--config', a.config])).code).toBe(0);
    const exported = await runCli(['export', '--config', a.config]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('token: ${hec_token:siem}');
    expect(exported.stdout).toContain('endpoint: ${hec_url}');
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const file = join(dir.path, 'exported.yaml');
    writeFileSync(file, exported.stdout);

    const b = await server();
    const applied = await runCli(['apply', '-f', file, '--config', b.config]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const again = await runCli(['export', '--config', b.config]);
    expect(again.stdout).toBe(exported.stdout);
    const twice = await runCli(['apply', '-f', file, '--config', b.config]);
    expect(planLine(twice.stdout)).toMatch(/^Plan: 0 to create, 0 to update, 0 to delete/);
  });

  it('an update is planned with the fields that differ and applied in place', async () => {
    const { vigil, config } = await server();
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const file = join(dir.path, 'r.yaml');
    const rule = (sql: string) => `topic_rules:\n  - ruleName: r1\n    sql: "${sql}"\n    actions: [{ republish: { topic: out, roleArn: arn:aws:iam::0:role/x } }]\n`;
    writeFileSync(file, rule("SELECT * FROM 'a'"));
    expect((await runCli(['apply', '-f', file, '--config', config])).code).toBe(0);
    writeFileSync(file, rule("SELECT * FROM 'b'"));
    const dry = await runCli(['apply', '-f', file, '--config', config, '--dry-run']);
    expect(dry.stdout).toContain('update    topic rule/r1  (sql)');
    expect((await vigil.client.request<{ rule: { sql: string } }>('GET', '/rules/r1')).rule.sql).toBe("SELECT * FROM 'a'");
    expect((await runCli(['apply', '-f', file, '--config', config])).code).toBe(0);
    expect((await vigil.client.request<{ rule: { sql: string } }>('GET', '/rules/r1')).rule.sql).toBe("SELECT * FROM 'b'");
  });

  it('validates everything before changing anything: one bad item and nothing is created', async () => {
    const { vigil, config } = await server();
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    mkdirSync(dir.path, { recursive: true });
    const file = join(dir.path, 'bad.yaml');
    writeFileSync(file, [
      'policies:',
      '  - policyName: fine-policy',
      '    policyDocument: { Version: "2012-10-17", Statement: [] }',
      'streams:',
      '  - name: s1',
      '    sink: { type: splunk-hec, endpoint: "http://127.0.0.1:1", token: "${hec_token:nope}" }',
      'gadgets:',
      '  - name: x',
      'indexes:',
      '  - name: Bad Name',
      '',
    ].join('\n'));
    const result = await runCli(['apply', '-f', file, '--config', config]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('gadgets: unknown kind');
    expect(result.stderr).toContain('indexes[0].name');
    await expect(vigil.client.request('GET', '/policies/fine-policy')).rejects.toThrow();

    writeFileSync(file, readFileSync(file, 'utf8').split('gadgets:')[0] as string);
    const unresolved = await runCli(['apply', '-f', file, '--config', config]);
    expect(unresolved.code).not.toBe(0);
    expect(unresolved.stderr).toContain('${hec_token:nope} names no HEC token');
    await expect(vigil.client.request('GET', '/policies/fine-policy')).rejects.toThrow();
  });
});
