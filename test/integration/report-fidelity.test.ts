import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDetectVigil, type DetectVigil } from './detect-support.js';

// What AWS's Python Device Defender agent publishes on a dual-stack host (device-defender.md §1.2):
// listeners name the bound address as `interface`, a connection on a dual-stack listener has
// `"local_interface": null`; long and short keys mixed; a float custom metric.
const agentReport = (reportId: number) => ({
  header: { report_id: reportId, version: '1.0' },
  metrics: {
    listening_tcp_ports: { ports: [{ interface: '::', port: 8883 }, { if: '0.0.0.0', pt: 22 }], total: 2 },
    tcp_connections: { established_connections: { connections: [{ local_interface: null, local_port: 8883, remote_addr: '[::ffff:127.0.0.1]:50124' }], t: 1 } },
  },
  custom_metrics: { cpu_temperature: [{ number: 48.5 }] },
});

let fixture: DetectVigil;
let client: MqttClient;

beforeAll(async () => {
  fixture = await startDetectVigil();
  client = await fixture.device('py-agent');
});
afterAll(() => fixture.close());

/** Publishes a JSON payload on the report topic and returns the raw answer (topic and JSON body). */
async function publish(payload: unknown): Promise<{ topic: string; body: Record<string, unknown> }> {
  const answered = new Promise<{ topic: string; body: Record<string, unknown> }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer')), 5000);
    client.once('message', (topic, body) => {
      clearTimeout(timer);
      resolve({ topic, body: JSON.parse(body.toString('utf8')) as Record<string, unknown> });
    });
  });
  await client.publishAsync('$aws/things/py-agent/defender/metrics/json', JSON.stringify(payload), { qos: 1 });
  return answered;
}

describe("reports of AWS's own agents over real mTLS MQTT", () => {
  it('a report with "local_interface": null and "interface": "::" is accepted', async () => {
    const answer = await publish(agentReport(1000));
    expect(answer.topic).toBe('$aws/things/py-agent/defender/metrics/json/accepted');
    expect(answer.body).toMatchObject({ thingName: 'py-agent', reportId: 1000, status: 'ACCEPTED' });
  });

  it('a rejection is exactly AWS\'s shape (InvalidPayload, no extra key); the detail is in the log line', async () => {
    const answer = await publish({ header: { report_id: 1001, version: '1.0' }, metrics: { listening_tcp_ports: { ports: [{ port: 'ssh' }] } } });
    expect(answer.topic).toBe('$aws/things/py-agent/defender/metrics/json/rejected');
    expect(Object.keys(answer.body).sort()).toEqual(['reportId', 'status', 'statusDetails', 'thingName', 'timestamp']);
    expect(answer.body['statusDetails']).toEqual({ ErrorCode: 'InvalidPayload', ErrorMessage: 'Malformed metrics report' });
    const logged = fixture.vigil.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['event'] === 'defender_report_rejected' && l['reportId'] === 1001);
    expect(logged).toMatchObject({ reason: 'invalid_payload', thingName: 'py-agent', detail: 'metrics.listening_tcp_ports.ports[0].port: must be 1..65535' });
  });

  it('a repeated report id is rejected with InvalidPayload too (AWS publishes no other code)', async () => {
    const answer = await publish(agentReport(1000));
    expect(answer.body['statusDetails']).toEqual({ ErrorCode: 'InvalidPayload', ErrorMessage: 'Report id is not greater than the last accepted report id' });
  });
});
