import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closed, connected, startIngressFixture, type Device, type IngressFixture } from './ingress-support.js';

describe('ingress hardening limits and the plain listener', () => {
  let fx: IngressFixture;
  let device: Device;

  beforeAll(async () => {
    fx = await startIngressFixture({ mqtt: { plain_listen: '127.0.0.1:0', max_payload_bytes: 1024, max_connects_per_ip: 4, connect_window_secs: 3600 } });
    await fx.registry.policies.createPolicy('open', JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }] }));
    device = await fx.device('kappa', { policy: 'open' });
  });
  afterAll(async () => fx?.close());

  it('closes a connection that sends a packet larger than max_payload_bytes and counts the limit', async () => {
    const client = await fx.connect(device, 'kappa');
    const gone = closed(client);
    client.publish('big/topic', Buffer.alloc(4096), { qos: 0 });
    await gone;
    expect(fx.telemetry.counter('mqtt_limit_hit', { limit: 'max_payload' })).toBeGreaterThanOrEqual(1);
    expect(fx.ruled.map((m) => m.topic)).not.toContain('big/topic');
  });

  it('accepts anonymous clients on the plain listener only when plain_listen is set', async () => {
    const url = fx.ingress.plainEndpoint()?.url;
    expect(url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const client = mqtt.connect(url as string, { clientId: 'plain-1', protocolVersion: 4, reconnectPeriod: 0 });
    await connected(client);
    await client.publishAsync('plain/topic', 'x', { qos: 1 });
    expect(fx.ruled.map((m) => m.topic)).toContain('plain/topic');
    await client.endAsync();
  });

  it('closes connections from one source IP beyond max_connects_per_ip in the window, counting the limit', async () => {
    const url = fx.ingress.plainEndpoint()?.url as string;
    const attempts = await Promise.allSettled(Array.from({ length: 4 }, (_v, i) => connected(mqtt.connect(url, { clientId: `flap-${i}`, protocolVersion: 4, reconnectPeriod: 0 }))));
    expect(attempts.some((a) => a.status === 'rejected')).toBe(true);
    expect(fx.telemetry.counter('mqtt_limit_hit', { limit: 'connect_rate' })).toBeGreaterThanOrEqual(1);
  });
});
