import { AttachSecurityProfileCommand, CreateSecurityProfileCommand, CreateThingGroupCommand, AddThingToThingGroupCommand, CreateTopicRuleCommand, ListMetricValuesCommand } from '@aws-sdk/client-iot';
import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARN, alertTarget, startDetectVigil, until, type DetectVigil } from './detect-support.js';

/** device-defender.md §5: the metrics export payload, as a JSON Schema. */
const metricValue = Type.Object(
  {
    count: Type.Optional(Type.Integer({ minimum: 0 })),
    cidrs: Type.Optional(Type.Array(Type.String())),
    ports: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 65535 }))),
    number: Type.Optional(Type.Number()),
    numbers: Type.Optional(Type.Array(Type.Number())),
    strings: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false, minProperties: 1 },
);
const EXPORT_SCHEMA = Type.Object(
  {
    version: Type.Literal('1.0'),
    metrics: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1 }),
          thing: Type.String({ minLength: 1 }),
          value: metricValue,
          version: Type.Integer({ minimum: 1 }),
          timestamp: Type.Integer({ minimum: 1_000_000_000_000 }),
          dimension: Type.Optional(Type.Object({ name: Type.String(), operator: Type.Union([Type.Literal('IN'), Type.Literal('NOT_IN')]) }, { additionalProperties: false })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);

const REFERENCE_METRICS = ['aws:all-bytes-out', 'aws:all-packets-out', 'aws:destination-ip-addresses', 'aws:num-authorization-failures', 'aws:source-ip-address', 'aws:num-listening-tcp-ports', 'aws:num-listening-udp-ports', 'aws:listening-tcp-ports', 'aws:listening-udp-ports'];

let fixture: DetectVigil;
let sink: Awaited<ReturnType<typeof alertTarget>>;

beforeAll(async () => {
  fixture = await startDetectVigil({ detect: { export_interval_secs: 1 } });
  sink = await alertTarget(fixture.vigil, 'export-sink');
});

afterAll(async () => {
  await sink?.close();
  await fixture?.close();
});

describe('detect metrics export (reference pipeline §2)', () => {
  it('the reference profile exports its 9 metrics to $aws/rules/<rule>; the rule receives §5 payloads; retained values answer ListMetricValues', async () => {
    const { iot } = fixture;
    await iot.send(new CreateTopicRuleCommand({ ruleName: 'defender_export', topicRulePayload: { sql: "SELECT * FROM 'unused'", actions: [{ sns: { targetArn: sink.arn, roleArn: 'arn:aws:iam::000000000000:role/rule', messageFormat: 'RAW' } }] } }));
    await iot.send(new CreateThingGroupCommand({ thingGroupName: 'pis' }));
    await iot.send(new CreateSecurityProfileCommand({
      securityProfileName: 'reference',
      additionalMetricsToRetainV2: REFERENCE_METRICS.map((metric) => ({ metric, exportMetric: true })),
      metricsExportConfig: { mqttTopic: '$aws/rules/defender_export', roleArn: 'arn:aws:iam::000000000000:role/export' },
    }));
    await iot.send(new AttachSecurityProfileCommand({ securityProfileName: 'reference', securityProfileTargetArn: `${ARN}:thinggroup/pis` }));
    const before = Date.now();
    await fixture.vigil.running.registry.things.createThing({ thingName: 'pi-1' });
    await iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'pis', thingName: 'pi-1' }));
    const client = await fixture.device('pi-1');
    // A denied subscription is an authorization failure (cloud-side counter).
    await client.subscribeAsync('#', { qos: 0 }).catch(() => undefined);
    await fixture.report(client, 'pi-1', 1, {
      listening_tcp_ports: { ports: [{ port: 22 }, { port: 21 }], total: 2 },
      listening_udp_ports: { ports: [{ port: 5353 }], total: 1 },
      network_stats: { bytes_in: 10, bytes_out: 2048, packets_in: 1, packets_out: 7 },
      tcp_connections: { established_connections: { connections: [{ remote_addr: '192.168.0.1:8000', local_port: 80 }], total: 1 } },
    });

    const seen = new Map<string, Record<string, unknown>>();
    await until(() => {
      for (const payload of sink.received) {
        expect(Value.Check(EXPORT_SCHEMA, payload), JSON.stringify([...Value.Errors(EXPORT_SCHEMA, payload)].slice(0, 3))).toBe(true);
        for (const m of payload['metrics'] as Array<Record<string, unknown>>) seen.set(m['name'] as string, m);
      }
      return REFERENCE_METRICS.every((name) => seen.has(name)) || undefined;
    }, 'all nine exported metrics');
    expect(seen.get('aws:num-listening-tcp-ports')).toMatchObject({ thing: 'pi-1', value: { count: 2 }, version: 1 });
    expect(seen.get('aws:listening-tcp-ports')).toMatchObject({ value: { ports: [22, 21] } });
    expect(seen.get('aws:listening-udp-ports')).toMatchObject({ value: { ports: [5353] } });
    expect(seen.get('aws:all-bytes-out')).toMatchObject({ value: { count: 2048 } });
    expect(seen.get('aws:all-packets-out')).toMatchObject({ value: { count: 7 } });
    expect(seen.get('aws:destination-ip-addresses')).toMatchObject({ value: { cidrs: ['192.168.0.1'] } });
    expect(seen.get('aws:source-ip-address')).toMatchObject({ value: { cidrs: ['127.0.0.1'] } });
    expect((seen.get('aws:num-authorization-failures')?.['value'] as { count: number }).count).toBeGreaterThanOrEqual(1);

    const values = await iot.send(new ListMetricValuesCommand({ thingName: 'pi-1', metricName: 'aws:num-listening-tcp-ports', startTime: new Date(before - 1000), endTime: new Date(Date.now() + 1000) }));
    expect(values.metricDatumList?.map((d) => d.value)).toEqual([{ count: 2 }]);
    expect(values.metricDatumList?.[0]?.timestamp).toBeInstanceOf(Date);
  });
});
