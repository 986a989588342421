import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IoTClient } from '@aws-sdk/client-iot';
import mqtt, { type MqttClient } from 'mqtt';
import { notifyClient } from '../../src/api/index.js';
import { iotClientFor } from '../support/aws-sdk.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

export const ARN = 'arn:aws:iot:local:000000000000';

/** A Vigil with its broker on an ephemeral port (report throttling off), an SDK client, and helpers. */
export interface DetectVigil {
  readonly vigil: TestVigil;
  readonly iot: IoTClient;
  /** A registered thing with an ACTIVE certificate and the built-in device policy, connected over MQTT. */
  device(thingName: string): Promise<MqttClient>;
  /** Publishes a JSON report and waits for its /accepted answer. */
  report(client: MqttClient, thingName: string, reportId: number, metrics: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export async function startDetectVigil(config: Record<string, unknown> = {}, options: Parameters<typeof startTestVigil>[1] = {}): Promise<DetectVigil> {
  const vigil = await startTestVigil({ mqtt: { listen: '127.0.0.1:0', reports: { min_report_interval_secs: 0 } }, ...config }, options);
  const iot = await iotClientFor(vigil, 'detect test');
  const clients: MqttClient[] = [];
  const registry = vigil.running.registry;
  return {
    vigil,
    iot,
    async device(thingName) {
      await registry.things.createThing({ thingName });
      const issued = await registry.certificates.createKeysAndCertificate(true, thingName);
      const arn = registry.arns.cert(issued.certificate.certificateId);
      await registry.certificates.attachThingPrincipal(thingName, arn, undefined);
      await registry.policies.attachPolicy(registry.defaultPolicyName, arn);
      const client = await mqtt.connectAsync(vigil.running.endpoints['mqtt'] as string, { clientId: thingName, protocolVersion: 4, key: issued.privateKeyPem, cert: issued.certificate.certificatePem, ca: registry.server.caPem, reconnectPeriod: 0, connectTimeout: 5000 });
      clients.push(client);
      await client.subscribeAsync(`$aws/things/${thingName}/defender/metrics/json/+`, { qos: 1 });
      return client;
    },
    async report(client, thingName, reportId, metrics) {
      const accepted = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`report ${reportId} was not accepted`)), 5000);
        const onMessage = (topic: string, payload: Buffer): void => {
          const answer = JSON.parse(payload.toString('utf8')) as { reportId?: number; status?: string };
          if (answer.reportId !== reportId) return;
          clearTimeout(timer);
          client.off('message', onMessage);
          if (topic.endsWith('/accepted')) resolve();
          else reject(new Error(`report rejected: ${payload.toString('utf8')}`));
        };
        client.on('message', onMessage);
      });
      await client.publishAsync(`$aws/things/${thingName}/defender/metrics/json`, JSON.stringify({ header: { report_id: reportId, version: '1.0' }, metrics }), { qos: 1 });
      await accepted;
    },
    async close() {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
      iot.destroy();
      await vigil.stop();
    },
  };
}

/** A local HTTP endpoint subscribed (raw delivery) to a new notify topic: what an SNS alert target receives. */
export async function alertTarget(vigil: TestVigil, topic: string): Promise<{ arn: string; received: Array<Record<string, unknown>>; close(): Promise<void> }> {
  const received: Array<Record<string, unknown>> = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const notify = notifyClient(vigil.client);
  const created = await notify.create(topic);
  await notify.subscribe(topic, { protocol: 'http', endpoint: `http://127.0.0.1:${port}/alerts`, rawMessageDelivery: true });
  return { arn: created.arn, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Waits (real time, bounded) for something another party does; never used to measure speed. */
export async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
