import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsClient, notifyClient } from '../../src/api/index.js';
import { verifyWebhook } from '../../src/notify/index.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';
import { metric, sendEvents } from './alerts-support.js';

/**
 * An alert's notify-topic action through the real notify engine: the topic's webhook subscription
 * receives the alert payload in a signed SNS envelope.
 */
let vigil: TestVigil;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.statusCode = 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/soc`;
  vigil = await startTestVigil();
}, 60_000);

afterAll(async () => {
  await vigil.stop();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('alert actions: notify topic', () => {
  it('a fired alert publishes its payload to the topic, whose http subscriber gets it signed; the history records the topic action', async () => {
    const topics = notifyClient(vigil.client);
    await topics.create('soc-alerts');
    const subscription = await topics.subscribe('soc-alerts', { protocol: 'http', endpoint: receiverUrl });
    const now = Date.now();
    await sendEvents(vigil, [metric('pump-1', 'aws:num-authorization-failures', { count: 7 }, now - 60_000)]);

    const alerts = alertsClient(vigil.client);
    await alerts.create({ name: 'auth-failures', search: 'sourcetype=aws-iot-device-defender name="aws:num-authorization-failures" | stats sum(value.count) as failures by thing', earliest: '-15m', alert: { trigger: 'results>0', actions: [{ type: 'topic', topic: 'soc-alerts' }] } });
    const run = await alerts.dispatch('auth-failures');
    expect(run).toMatchObject({ status: 'fired', resultCount: 1, actions: [{ type: 'topic', target: 'soc-alerts', ok: true }] });

    for (let i = 0; i < 400 && received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(received).toHaveLength(1);
    const delivery = received[0] as (typeof received)[number];
    expect(verifyWebhook(subscription.signingSecret as string, delivery.headers['x-vigil-timestamp'] as string | undefined, delivery.headers['x-vigil-signature'] as string | undefined, delivery.body)).toBe(true);
    const envelope = JSON.parse(delivery.body) as { Subject?: string; Message: string };
    expect(envelope.Subject).toBe('Vigil alert: auth-failures');
    expect(JSON.parse(envelope.Message)).toMatchObject({ search_name: 'auth-failures', trigger: 'results>0', result_count: 1, results: [{ thing: 'pump-1', failures: '7' }] });
  });
});
