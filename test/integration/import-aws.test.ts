import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeCertificateCommand, DescribeScheduledAuditCommand, DescribeSecurityProfileCommand, GetPolicyCommand, GetTopicRuleCommand, ListTargetsForPolicyCommand, ListThingPrincipalsCommand, ListThingsCommand, ListThingsInThingGroupCommand, DescribeThingGroupCommand } from '@aws-sdk/client-iot';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVigilConfig } from '../../src/app/index.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { iotClientFor } from '../support/aws-sdk.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

const FIXTURE = new URL('../fixtures/aws-import/', import.meta.url).pathname;
const EXPORT = join(FIXTURE, 'export');
const KEYS = join(FIXTURE, 'test-only-device-keys');
const ARN = 'arn:aws:iot:eu-west-1:123456789012';
const certIdOf = (thing: string): string => {
  const pem = readFileSync(join(KEYS, `${thing}.cert.pem`), 'utf8');
  return JSON.parse(readFileSync(join(EXPORT, 'certificates.json'), 'utf8')).certificates.map((c: { certificateId: string }) => c.certificateId).find((id: string) => readFileSync(join(EXPORT, 'certificates', `${id}.json`), 'utf8').includes(pem.split('\n')[1] as string)) as string;
};
const AMAZON_CERT = (JSON.parse(readFileSync(join(EXPORT, 'things', 'acme-legacy-gateway.principals.json'), 'utf8')).principals[0] as string).split('/')[1] as string;

/** AWS routes that read with POST (ListTargetsForPolicy): not writes. */
const POST_READS = ['route="/policy-targets/:policyName"'];

/** Write requests the API answered so far (its own `vigil_api_request_total` counter, from /metrics). */
async function writes(vigil: TestVigil): Promise<number> {
  const response = await fetch(`${vigil.running.endpoints['api'] as string}/metrics`, { headers: { authorization: `Bearer ${vigil.adminToken}` } });
  const lines = (await response.text()).split('\n').filter((l) => l.startsWith('vigil_api_request_total{') && /method="(POST|PUT|PATCH|DELETE)"/.test(l) && !POST_READS.some((r) => l.includes(r)));
  return lines.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('vigil import aws (fixture: customer CA, 3 device certificates, an Amazon-issued one, 2 policies, ML + statistical profile, scheduled audit)', () => {
  const dir = tempDir('vigil-import-aws-');
  const dataDir = join(dir.path, 'data');
  const config = join(dir.path, 'vigil.yaml');
  let vigil: TestVigil | undefined;
  const server = (): TestVigil => vigil as TestVigil;
  const mqttConfig = { mqtt: { listen: '127.0.0.1:0', reports: { min_report_interval_secs: 0 } } };

  beforeAll(async () => {
    writeFileSync(config, `# the operator's own comment stays\ndata_dir: ${dataDir}\n`);
    vigil = await startTestVigil(mqttConfig, { dataDir });
  });
  afterAll(async () => {
    await vigil?.stop();
    dir.remove();
  });

  it('--dry-run prints the plan (creates, and what cannot carry over with why) and changes nothing, not the config file either', async () => {
    const before = readFileSync(config, 'utf8');
    const writesBefore = await writes(server());
    const result = await runCli(['import', 'aws', EXPORT, '--dry-run', '--config', config]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Import from');
    expect(result.stdout).toMatch(/create +CA certificate +[0-9a-f]{64}/);
    expect(result.stdout).toContain(`create    certificate`);
    expect(result.stdout).toMatch(/create +policy +AcmeDevicePolicy/);
    expect(result.stdout).toMatch(/create +security profile +AcmeBaseline/);
    expect(result.stdout).toMatch(/create +scheduled audit +AcmeDailyAudit/);
    expect(result.stdout).toContain(`certificate ${AMAZON_CERT}: Amazon-issued`);
    expect(result.stdout).toContain('issue a new certificate (vigil cert issue --thing');
    expect(result.stdout).toMatch(/topic rule AcmeArchiveToLambda: action lambda not supported by Vigil/);
    expect(result.stdout).toMatch(/Plan: 28 to create, 1 to update, 0 unchanged, 4 cannot carry over\./);
    expect(result.stdout).toContain('The running server writes ARNs for local/000000000000; the export is from eu-west-1/123456789012.');
    expect(result.stdout).toContain('then restart the server (vigil up) and run the import again');
    expect(result.stdout).toContain('(dry run: nothing was changed)');
    expect(readFileSync(config, 'utf8')).toBe(before);
    expect(await writes(server())).toBe(writesBefore);
    expect((await server().client.request<{ things: unknown[] }>('GET', '/things')).things).toEqual([]);

    const json = await runCli(['import', 'aws', EXPORT, '--dry-run', '--output', 'json', '--config', config]);
    const plan = JSON.parse(json.stdout) as { counts: { create: number }; notCarried: Array<{ kind: string; name: string; file: string }>; accountMismatch: boolean };
    expect(plan.accountMismatch).toBe(true);
    expect(plan.notCarried).toContainEqual(expect.objectContaining({ kind: 'certificate', name: AMAZON_CERT, file: `certificates/${AMAZON_CERT}.json` }));
  });

  it('a directory that does not exist is named as such, before the server is looked for', async () => {
    const nowhere = tempDir();
    writeFileSync(join(nowhere.path, 'vigil.yaml'), `data_dir: ${JSON.stringify(join(nowhere.path, 'data'))}\n`);
    try {
      const result = await runCli(['import', 'aws', join(nowhere.path, 'no-export'), '--dry-run', '--config', join(nowhere.path, 'vigil.yaml')]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('no-export: no such directory');
      expect(result.stderr).not.toMatch(/no running Vigil/i);
    } finally {
      nowhere.remove();
    }
  });

  it('a malformed export is refused before anything is sent, every problem named by file and field', async () => {
    const broken = join(dir.path, 'broken-export');
    cpSync(EXPORT, broken, { recursive: true });
    const policyFile = join(broken, 'policies', 'AcmeTelemetryPolicy.json');
    const { policyDocument: _dropped, ...policy } = JSON.parse(readFileSync(policyFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(policyFile, JSON.stringify(policy));
    writeFileSync(join(broken, 'dimensions', 'acme-telemetry-topics.json'), '{"name": "acme-telemetry-topics", ');
    writeFileSync(join(broken, 'topic-rules', 'AcmeRepublishAlarms.err'), 'An error occurred (AccessDeniedException) when calling the GetTopicRule operation\n');
    const writesBefore = await writes(server());
    const result = await runCli(['import', 'aws', broken, '--yes', '--config', config]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('2 problems');
    expect(result.stderr).toContain('policies/AcmeTelemetryPolicy.json: field policyDocument is missing');
    expect(result.stderr).toContain('dimensions/acme-telemetry-topics.json: not valid JSON');
    expect(await writes(server())).toBe(writesBefore);

    // Fixed, the failed export command is listed as not carried over and the plan goes on.
    rmSync(join(broken, 'dimensions', 'acme-telemetry-topics.json'));
    writeFileSync(policyFile, JSON.stringify({ ...policy, policyDocument: '{"Version":"2012-10-17","Statement":[]}' }));
    const planned = await runCli(['import', 'aws', broken, '--dry-run', '--config', config]);
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain('export topic-rules/AcmeRepublishAlarms: the export command failed: An error occurred (AccessDeniedException)');
  });

  it('against a server still on other ARN values: writes region/account_id to the config file, asks for a restart, makes no write call', async () => {
    const writesBefore = await writes(server());
    const result = await runCli(['import', 'aws', EXPORT, '--yes', '--config', config]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('restart the server (vigil up) with region and account_id from the export');
    expect(await writes(server())).toBe(writesBefore);
    const text = readFileSync(config, 'utf8');
    expect(text).toContain("# the operator's own comment stays");
    const loaded = loadVigilConfig(config, {});
    if (!loaded.ok) throw loaded.error;
    expect([loaded.value.config.region, loaded.value.config.account_id]).toEqual(['eu-west-1', '123456789012']);
  });

  it('after the restart: the import carries things, groups, policies and their targets, certificates, the profile and the scheduled audit (read back through the AWS SDK)', async () => {
    await server().stop();
    const loaded = loadVigilConfig(config, {});
    if (!loaded.ok) throw loaded.error;
    vigil = await startTestVigil({ ...mqttConfig, region: loaded.value.config.region, account_id: loaded.value.config.account_id }, { dataDir });

    const writesBefore = await writes(server());
    const result = await runCli(['import', 'aws', EXPORT, '--yes', '--config', config]);
    expect(result.stdout + result.stderr).not.toContain('Error');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Imported: \d+ created, 1 updated\./);
    const total = Number(/\[1\/(\d+)\]/.exec(result.stderr)?.[1]);
    expect(total).toBeGreaterThan(20);
    expect(result.stderr).toContain(`[${total}/${total}]`);
    expect(await writes(server()) - writesBefore).toBeGreaterThanOrEqual(total);

    const iot = await iotClientFor(server(), 'import test', 'eu-west-1');
    try {
      const things = await iot.send(new ListThingsCommand({}));
      expect(things.things?.map((t) => t.thingName).sort()).toEqual(['acme-legacy-gateway', 'acme-sensor-1', 'acme-sensor-2', 'acme-sensor-3']);
      expect(things.things?.find((t) => t.thingName === 'acme-sensor-1')).toMatchObject({ thingTypeName: 'acme-sensor', attributes: { model: 'S100', site: 'plant-a' }, thingArn: `${ARN}:thing/acme-sensor-1` });
      expect((await iot.send(new DescribeThingGroupCommand({ thingGroupName: 'acme-plant-a' }))).thingGroupMetadata?.parentGroupName).toBe('acme-fleet');
      expect((await iot.send(new ListThingsInThingGroupCommand({ thingGroupName: 'acme-plant-a' }))).things?.sort()).toEqual(['acme-sensor-1', 'acme-sensor-2']);

      const policy = await iot.send(new GetPolicyCommand({ policyName: 'AcmeDevicePolicy' }));
      expect(policy.policyDocument).toContain(`${ARN}:client/\${iot:Connection.Thing.ThingName}`);
      const sensorCert = certIdOf('acme-sensor-1');
      expect((await iot.send(new ListTargetsForPolicyCommand({ policyName: 'AcmeDevicePolicy' }))).targets?.sort()).toEqual(['acme-sensor-1', 'acme-sensor-2', 'acme-sensor-3'].map((t) => `${ARN}:cert/${certIdOf(t)}`).sort());
      expect((await iot.send(new ListTargetsForPolicyCommand({ policyName: 'AcmeTelemetryPolicy' }))).targets).toEqual([`${ARN}:thinggroup/acme-fleet`]);
      expect((await iot.send(new ListThingPrincipalsCommand({ thingName: 'acme-sensor-1' }))).principals).toEqual([`${ARN}:cert/${sensorCert}`]);
      const described = await iot.send(new DescribeCertificateCommand({ certificateId: sensorCert }));
      expect(described.certificateDescription).toMatchObject({ certificateId: sensorCert, status: 'ACTIVE' });
      expect(described.certificateDescription?.certificatePem?.trim()).toBe(readFileSync(join(KEYS, 'acme-sensor-1.cert.pem'), 'utf8').trim());
      expect(described.certificateDescription?.caCertificateId).toMatch(/^[0-9a-f]{64}$/);
      await expect(iot.send(new DescribeCertificateCommand({ certificateId: AMAZON_CERT }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

      const profile = await iot.send(new DescribeSecurityProfileCommand({ securityProfileName: 'AcmeBaseline' }));
      expect(profile.behaviors?.find((b) => b.name === 'AuthorizationFailuresML')?.criteria?.mlDetectionConfig).toEqual({ confidenceLevel: 'HIGH' });
      expect(profile.behaviors?.find((b) => b.name === 'MessagesSentP90')?.criteria?.statisticalThreshold).toEqual({ statistic: 'p90' });
      expect(profile.alertTargets?.['SNS']?.alertTargetArn).toBe('arn:aws:sns:eu-west-1:123456789012:acme-security-alerts');
      const audit = await iot.send(new DescribeScheduledAuditCommand({ scheduledAuditName: 'AcmeDailyAudit' }));
      expect(audit).toMatchObject({ frequency: 'DAILY', targetCheckNames: expect.arrayContaining(['DEVICE_CERTIFICATE_EXPIRING_CHECK', 'IOT_POLICY_OVERLY_PERMISSIVE_CHECK']) });
      expect((await iot.send(new GetTopicRuleCommand({ ruleName: 'AcmeRepublishAlarms' }))).rule?.actions?.[0]?.republish?.topic).toBe('acme/ops/hot');
      await expect(iot.send(new GetTopicRuleCommand({ ruleName: 'AcmeArchiveToLambda' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    } finally {
      iot.destroy();
    }
  });

  it('a device with its AWS certificate and key connects over mTLS MQTT and its Device Defender report is accepted', async () => {
    const thing = 'acme-sensor-2';
    const client = await mqtt.connectAsync(server().running.endpoints['mqtt'] as string, {
      clientId: thing,
      protocolVersion: 4,
      cert: readFileSync(join(KEYS, `${thing}.cert.pem`), 'utf8'),
      key: readFileSync(join(KEYS, `${thing}.key.pem`), 'utf8'),
      ca: server().running.registry.server.caPem,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    try {
      await client.subscribeAsync(`$aws/things/${thing}/defender/metrics/json/+`, { qos: 1 });
      const answer = new Promise<{ topic: string; body: Record<string, unknown> }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer to the report')), 5000);
        client.on('message', (topic, payload) => {
          clearTimeout(timer);
          resolve({ topic, body: JSON.parse(payload.toString('utf8')) as Record<string, unknown> });
        });
      });
      await client.publishAsync(`$aws/things/${thing}/defender/metrics/json`, JSON.stringify({ header: { report_id: 1767225601, version: '1.0' }, metrics: { listening_tcp_ports: { ports: [{ port: 443 }], total: 1 } } }), { qos: 1 });
      const { topic, body } = await answer;
      expect(topic).toBe(`$aws/things/${thing}/defender/metrics/json/accepted`);
      expect(body).toMatchObject({ thingName: thing, reportId: 1767225601, status: 'ACCEPTED' });
    } finally {
      await client.endAsync(true);
    }
  });

  it('a second import plans 0 changes and makes no write call', async () => {
    const writesBefore = await writes(server());
    const result = await runCli(['import', 'aws', EXPORT, '--yes', '--config', config]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Plan: 0 to create, 0 to update, \d+ unchanged, \d+ cannot carry over\./);
    expect(result.stdout).toContain('No changes.');
    expect(result.stderr).toBe('');
    expect(await writes(server())).toBe(writesBefore);
  });

  it('a later export with changes imports as updates (a group\'s description, a certificate set INACTIVE in AWS)', async () => {
    const later = join(dir.path, 'later-export');
    cpSync(EXPORT, later, { recursive: true });
    const groupFile = join(later, 'thing-groups', 'acme-plant-a.json');
    const group = JSON.parse(readFileSync(groupFile, 'utf8')) as { thingGroupProperties: { thingGroupDescription: string } };
    group.thingGroupProperties.thingGroupDescription = 'Plant A sensors (moved to Vigil)';
    writeFileSync(groupFile, JSON.stringify(group));
    const certId = certIdOf('acme-sensor-3');
    const certFile = join(later, 'certificates', `${certId}.json`);
    const cert = JSON.parse(readFileSync(certFile, 'utf8')) as { certificateDescription: { status: string } };
    cert.certificateDescription.status = 'INACTIVE';
    writeFileSync(certFile, JSON.stringify(cert));

    const result = await runCli(['import', 'aws', later, '--yes', '--config', config]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/update +thing group +acme-plant-a +\(description\)/);
    expect(result.stdout).toMatch(new RegExp(`update +certificate +${certId} +\\(status\\)`));
    expect(result.stdout).toContain('Imported: 0 created, 2 updated.');
    const described = await server().client.request<{ thingGroupProperties: { thingGroupDescription: string } }>('GET', '/thing-groups/acme-plant-a');
    expect(described.thingGroupProperties.thingGroupDescription).toBe('Plant A sensors (moved to Vigil)');
    expect((await server().client.request<{ certificateDescription: { status: string } }>('GET', `/certificates/${certId}`)).certificateDescription.status).toBe('INACTIVE');
  });
});
