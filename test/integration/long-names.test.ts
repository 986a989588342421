import { AttachSecurityProfileCommand, CreateSecurityProfileCommand, CreateThingCommand, DescribeThingCommand, ListMetricValuesCommand } from '@aws-sdk/client-iot';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliFor } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { ARN, startDetectVigil, until, type DetectVigil } from './detect-support.js';

// AWS IoT thing names: 1–128 characters of [a-zA-Z0-9:_-] (CreateThing API reference).
function nameOf(prefix: string, length: number): string {
  return `${prefix}${'0123456789abcdefghijklmnopqrstuvwxyz:_-'.repeat(8)}`.slice(0, length);
}
const API_THING = nameOf('api-thing-', 128);
const CLI_THING = nameOf('cli-thing-', 128);

let fixture: DetectVigil;
let cli: ReturnType<typeof cliFor>;
let api: string;
const home = tempDir('vigil-long-names-');

beforeAll(async () => {
  fixture = await startDetectVigil();
  cli = cliFor(fixture.vigil, { HOME: home.path });
  api = fixture.vigil.running.endpoints['api'] as string;
});
afterAll(async () => {
  await fixture.close();
  home.remove();
});

async function call(method: string, path: string): Promise<{ status: number; type: string | null; json: any }> {
  const response = await fetch(`${api}${path}`, { method, headers: { authorization: `Bearer ${fixture.vigil.adminToken}` } });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('x-amzn-errortype'), json: text === '' ? undefined : JSON.parse(text) };
}

describe('names as long as AWS allows, on the API, the CLI and the broker', () => {
  it('CreateThing with a 128-character name succeeds through the AWS SDK (POST /things/<128>)', async () => {
    expect(API_THING).toHaveLength(128);
    const created = await fixture.iot.send(new CreateThingCommand({ thingName: API_THING }));
    expect(created.thingName).toBe(API_THING);
    expect((await fixture.iot.send(new DescribeThingCommand({ thingName: API_THING }))).thingName).toBe(API_THING);
  });

  it('vigil thing create with 128 characters succeeds; that device gets a certificate, connects over TLS MQTT and reports', async () => {
    expect(CLI_THING).toHaveLength(128);
    const created = await cli('thing', 'create', CLI_THING);
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    const out = join(home.path, 'device');
    const issued = await cli('cert', 'issue', '--thing', CLI_THING, '--out', out);
    expect(issued.err).toBe('');
    expect(issued.code).toBe(0);
    // Retaining the metric for every thing makes the report's value readable through ListMetricValues.
    await fixture.iot.send(new CreateSecurityProfileCommand({ securityProfileName: 'retain', additionalMetricsToRetainV2: [{ metric: 'aws:num-established-tcp-connections' }] }));
    await fixture.iot.send(new AttachSecurityProfileCommand({ securityProfileName: 'retain', securityProfileTargetArn: `${ARN}:all/things` }));
    const before = Date.now();

    const client = await mqtt.connectAsync(fixture.vigil.running.endpoints['mqtt'] as string, {
      clientId: CLI_THING,
      protocolVersion: 4,
      key: readFileSync(join(out, 'private.key')),
      cert: readFileSync(join(out, 'cert.pem')),
      ca: readFileSync(join(out, 'ca.pem')),
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    try {
      await client.subscribeAsync(`$aws/things/${CLI_THING}/defender/metrics/json/+`, { qos: 1 });
      await fixture.report(client, CLI_THING, 1, { tcp_connections: { established_connections: { total: 3 } } });
    } finally {
      await client.endAsync(true);
    }
    const values = await until(async () => {
      const listed = await fixture.iot.send(new ListMetricValuesCommand({ thingName: CLI_THING, metricName: 'aws:num-established-tcp-connections', startTime: new Date(before - 1000), endTime: new Date(Date.now() + 1000) }));
      return (listed.metricDatumList ?? []).length > 0 ? listed.metricDatumList : undefined;
    }, 'the reported value');
    expect(values?.map((d) => d.value)).toEqual([{ count: 3 }]);
  });

  it('a name one past the AWS maximum is a 400 naming the parameter, in each family\'s shape', async () => {
    const thing = await call('POST', `/things/${nameOf('x', 129)}`);
    expect(thing.status).toBe(400);
    expect(thing.type).toBe('InvalidRequestException');
    expect(thing.json).toEqual({ message: 'params/thingName must NOT have more than 128 characters' });
    const printed = await cli('thing', 'create', nameOf('y', 129));
    expect(printed.code).toBe(1);
    expect(printed.err).toContain('params/thingName must NOT have more than 128 characters');
    // Delivery stream names: 1–64 (Firehose DeliveryStreamName).
    expect((await call('GET', `/api/v1/streams/${'s'.repeat(64)}`)).status).toBe(404);
    const stream = await call('GET', `/api/v1/streams/${'s'.repeat(65)}`);
    expect(stream.status).toBe(400);
    expect(stream.json).toMatchObject({ code: 'api.invalid_request', message: 'params/name must NOT have more than 64 characters' });
  });

  it('a path segment past the router limit (1024 characters) is a 400 in the family\'s shape, never fastify\'s 414 body', async () => {
    const aws = await call('GET', `/things/${'z'.repeat(1025)}`);
    expect(aws.status).toBe(400);
    expect(aws.type).toBe('InvalidRequestException');
    expect(aws.json).toEqual({ message: 'a path segment is longer than 1024 characters' });
    const vigil = await call('GET', `/api/v1/streams/${'z'.repeat(1025)}/status`);
    expect(vigil.status).toBe(400);
    expect(vigil.json).toEqual({ code: 'api.invalid_path_parameter', message: 'a path segment is longer than 1024 characters', hint: 'names are at most 128 characters (delivery streams 64); check the URL' });
    const badUrl = await call('GET', '/api/v1/streams/%E0%A4%A');
    expect(badUrl.status).toBe(400);
    expect(badUrl.json.code).toBe('api.invalid_url');
  });
});
