import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamClient } from '../../src/api/index.js';
import type { Clock } from '../../src/core/index.js';
import { encodeReport } from '../../src/protocol/index.js';
import { FaultHec } from '../support/fault-hec.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';
import { until } from '../support/vigil-process.js';

const HOUR = 3_600_000;
const THING = 'clock-device';

describe('a wall-clock step, back and forward, on a running Vigil', () => {
  let offset = 0;
  // The wall clock steps (as an NTP step does); timers keep real, monotonic time.
  const clock: Clock = { now: () => Date.now() + offset };
  let vigil: TestVigil;
  let hec: FaultHec;
  let device: MqttClient;
  const answers: string[] = [];

  beforeAll(async () => {
    hec = new FaultHec({ ackDelayMs: 10 });
    await hec.start();
    vigil = await startTestVigil({ log: { level: 'error' }, mqtt: { reports: { min_report_interval_secs: 60 } } }, { clock });
    await streamClient(vigil.client).create({ name: 'jump', sink: { type: 'splunk-hec', endpoint: hec.url, token: hec.token, ackPollIntervalMs: 20 }, buffering: { intervalSecs: 2, sizeBytes: 1024 * 1024 }, retryDurationSecs: 60 });
    const registry = vigil.running.registry;
    await registry.things.createThing({ thingName: THING });
    const issued = await registry.certificates.createKeysAndCertificate(true, THING);
    const arn = registry.arns.cert(issued.certificate.certificateId);
    await registry.certificates.attachThingPrincipal(THING, arn, undefined);
    await registry.policies.attachPolicy(registry.defaultPolicyName, arn);
    device = await mqtt.connectAsync(vigil.running.endpoints['mqtt'] as string, { clientId: THING, protocolVersion: 4, key: issued.privateKeyPem, cert: issued.certificate.certificatePem, ca: registry.server.caPem, reconnectPeriod: 0 });
    await device.subscribeAsync(`$aws/things/${THING}/defender/metrics/json/+`, { qos: 1 });
    device.on('message', (topic) => answers.push(topic.split('/').at(-1) as string));
  }, 60_000);
  afterAll(async () => {
    await device?.endAsync();
    await vigil?.stop();
    await hec?.stop();
  });

  async function report(reportId: number): Promise<string> {
    const before = answers.length;
    await device.publishAsync(`$aws/things/${THING}/defender/metrics/json`, Buffer.from(encodeReport({ header: { reportId, version: '1.0' }, metrics: { listeningTcpPorts: { ports: [{ port: 22 }], total: 1 } } }, { format: 'json', keys: 'long' })), { qos: 1 });
    await until(() => answers.length > before, 'a report answer', 10_000, 20);
    return answers[answers.length - 1] as string;
  }

  async function delivered(ids: number[]): Promise<number> {
    const started = Date.now();
    await streamClient(vigil.client).put('jump', ids.map((id) => JSON.stringify({ event: { id } })));
    await until(() => ids.every((id) => hec.ids().includes(id)), `records ${ids.join(',')} delivered`, 30_000, 50);
    return Date.now() - started;
  }

  it('keeps accepting reports, delivering streams on their buffering interval, and indexing events through a step back of 1 h and forward of 2 days', async () => {
    expect(await report(1)).toBe('accepted');
    expect(await report(2)).toBe('rejected'); // 60 s minimum interval, as configured

    offset = -HOUR;
    expect(await report(3)).toBe('accepted'); // not throttled for the hour the clock went back
    const afterBack = await delivered([1, 2]);

    offset = 2 * 24 * HOUR;
    expect(await report(4)).toBe('accepted');
    const afterForward = await delivered([3, 4]);

    offset = 0;
    const afterReturn = await delivered([5]);
    const hecToken = (await vigil.running.siem.createToken({ name: 'jump', index: 'main' })).token;
    const ingest = await fetch(`${vigil.running.endpoints['hec']}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${hecToken}` }, body: JSON.stringify({ event: { jump: 'done' } }) });
    expect(await ingest.json()).toEqual({ text: 'Success', code: 0 });
    const found = await vigil.running.siem.search({ query: 'index=main jump=done | stats count', earliest: '-1h' });
    process.stdout.write(`chaos clock jump: stream delivery took ${afterBack} ms after a 1 h step back, ${afterForward} ms after a 2-day step forward, ${afterReturn} ms after the return (buffering interval 2 s)\n`);
    expect(found.rows).toEqual([{ count: '1' }]);
    // The buffering interval (2 s) holds, not the size of the step.
    for (const ms of [afterBack, afterForward, afterReturn]) expect(ms).toBeLessThan(15_000);
    expect((await fetch(`${vigil.running.endpoints['api']}/health`)).status).toBe(200);
  });
});
