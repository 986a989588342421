import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/notify/index.js';
import { startHarness, type Harness } from './rules-support.js';

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly status: number;
}

/** A real local HTTP subscriber: `/flaky` answers 500 to its first `failures` requests, everything else 200. */
async function startSubscriber(failures: number): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  let flakyCalls = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const path = request.url ?? '';
      const status = path === '/flaky' && ++flakyCalls <= failures ? 500 : 200;
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Waits (real time, bounded) for something another party does; never used to measure speed. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let h: Harness;
let subscriber: Awaited<ReturnType<typeof startSubscriber>>;
beforeEach(async () => {
  h = await startHarness({ delivery_attempts: 8, min_delay_ms: 1000, max_delay_ms: 60_000 });
  subscriber = await startSubscriber(3);
});
afterEach(async () => {
  await h.close();
  await subscriber.close();
});

describe('notify webhook delivery', () => {
  it('a webhook that fails 3 times then succeeds gets the message delivered once, while the other subscribers are not delayed', async () => {
    await h.notify.createTopic('alerts');
    const flaky = await h.notify.subscribe('alerts', { protocol: 'http', endpoint: `${subscriber.url}/flaky` });
    const fine = await h.notify.subscribe('alerts', { protocol: 'http', endpoint: `${subscriber.url}/fine` });
    await h.notify.subscribe('alerts', { protocol: 'stream', endpoint: 'siem' });
    if (!flaky.ok || !fine.ok) throw new Error('subscribe failed');

    const published = await h.notify.publish('alerts', '{"violationEventType":"in-alarm"}', 'alarm');
    if (!published.ok) throw published.error;

    // Before any fake time passes: the healthy webhook and the stream already have the message,
    // while the flaky one has failed once and waits on its backoff timer.
    await until(() => subscriber.received.some((r) => r.path === '/fine') && h.putter.texts('siem').length === 1 && h.time.pending() > 0, 'first deliveries');
    expect(subscriber.received.filter((r) => r.path === '/flaky').map((r) => r.status)).toEqual([500]);

    while (!subscriber.received.some((r) => r.path === '/flaky' && r.status === 200)) {
      await until(() => h.time.pending() > 0 || subscriber.received.some((r) => r.path === '/flaky' && r.status === 200), 'a retry to be scheduled');
      await h.time.advance(60_000);
    }
    await h.notify.idle();

    const flakyCalls = subscriber.received.filter((r) => r.path === '/flaky');
    expect(flakyCalls.map((r) => r.status)).toEqual([500, 500, 500, 200]);
    expect(subscriber.received.filter((r) => r.path === '/fine')).toHaveLength(1);
    expect(new Set(flakyCalls.map((r) => r.body)).size).toBe(1);
    const delivered = flakyCalls[3] as Received;
    expect(delivered.headers['x-amz-sns-message-id']).toBe(published.value);
    expect(delivered.headers['x-amz-sns-subscription-arn']).toBe(flaky.value.arn);
    expect(JSON.parse(delivered.body)).toMatchObject({ Type: 'Notification', MessageId: published.value, Subject: 'alarm', Message: '{"violationEventType":"in-alarm"}' });
    expect(verifyWebhook(flaky.value.signingSecret, delivered.headers['x-vigil-timestamp'] as string, delivered.headers['x-vigil-signature'] as string, delivered.body)).toBe(true);
    expect(verifyWebhook(fine.value.signingSecret, delivered.headers['x-vigil-timestamp'] as string, delivered.headers['x-vigil-signature'] as string, delivered.body)).toBe(false);
    expect(h.telemetry.counter('notify_delivery_retried', { protocol: 'http' })).toBe(3);
    expect(h.telemetry.counter('notify_delivered', { protocol: 'http' })).toBe(2);
    expect(h.telemetry.counter('notify_delivery_failed')).toBe(0);
  });

  it('gives up after delivery_attempts when a webhook keeps answering 5xx, without blocking the other subscriber', async () => {
    const always = await startSubscriber(100);
    try {
      await h.notify.createTopic('t');
      await h.notify.subscribe('t', { protocol: 'http', endpoint: `${always.url}/flaky` });
      await h.notify.subscribe('t', { protocol: 'http', endpoint: `${subscriber.url}/missing-but-ok` });
      await h.notify.publish('t', 'hello');
      for (let i = 0; i < 20 && always.received.length < 8; i++) {
        await until(() => h.time.pending() > 0 || always.received.length >= 8, 'retry');
        await h.time.advance(60_000);
      }
      await h.notify.idle();
      expect(always.received).toHaveLength(8);
      expect(h.telemetry.counter('notify_delivery_failed', { protocol: 'http', reason: 'attempts_exhausted' })).toBe(1);
    } finally {
      await always.close();
    }
  });

  it('raw message delivery sends the bare message; a missing topic is notify.not_found', async () => {
    await h.notify.createTopic('raw');
    await h.notify.subscribe('raw', { protocol: 'http', endpoint: `${subscriber.url}/fine`, rawMessageDelivery: true });
    await h.notify.publish('arn:aws:sns:local:000000000000:raw', 'just text');
    await h.notify.idle();
    expect(subscriber.received.map((r) => [r.body, r.headers['x-amz-sns-rawdelivery']])).toEqual([['just text', 'true']]);
    const missing = await h.notify.publish('nope', 'x');
    expect(missing.ok || missing.error.code).toBe('notify.not_found');
  });
});
