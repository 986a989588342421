import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { validateVigilConfig } from '../../src/app/index.js';
import { connected, startIngressFixture, type IngressFixture } from './ingress-support.js';

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** Milliseconds until the server closes a socket that sends nothing more. */
function timeToClose(socket: Socket, limitMs: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${limitMs} ms`)), limitMs);
    socket.resume();
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

describe('MQTT connection hygiene', () => {
  let fx: IngressFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  it('ships defaults of at most 10 s for the TLS handshake and CONNECT', () => {
    const { config } = validateVigilConfig({});
    expect(config.mqtt.tls_handshake_timeout_secs).toBeLessThanOrEqual(10);
    expect(config.mqtt.connect_timeout_secs).toBeLessThanOrEqual(10);
  });

  it('closes a TCP connection that never starts TLS within the default handshake timeout (closed in at most 10 s), counting it', async () => {
    fx = await startIngressFixture();
    const idle = netConnect(portOf(fx.url), '127.0.0.1');
    const ms = await timeToClose(idle, 15_000);
    process.stdout.write(`idle TCP without TLS: closed after ${(ms / 1000).toFixed(1)} s\n`);
    expect(ms).toBeLessThanOrEqual(10_000);
    expect(fx.telemetry.counter('mqtt_limit_hit', { limit: 'tls_handshake_timeout' })).toBe(1);
  }, 20_000);

  it('closes a client that completes TLS but never sends CONNECT within the connect timeout, counting it', async () => {
    fx = await startIngressFixture({ mqtt: { connect_timeout_secs: 2 } });
    const device = await fx.device('silent');
    const socket = tlsConnect({ host: '127.0.0.1', port: portOf(fx.url), ca: fx.caPem, cert: device.certPem, key: device.keyPem, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    const ms = await timeToClose(socket, 6000);
    expect(ms).toBeGreaterThanOrEqual(1500);
    expect(fx.telemetry.counter('mqtt_limit_hit', { limit: 'connect_timeout' })).toBe(1);
  });

  it('lets a registered device reconnect far more often than max_connects_per_ip while unauthenticated attempts from its address are cut off at the limit', async () => {
    let now = Date.UTC(2026, 0, 1);
    fx = await startIngressFixture({ clock: { now: () => now }, mqtt: { max_connects_per_ip: 3, connect_window_secs: 60 } });
    const device = await fx.device('flappy');
    for (let i = 0; i < 10; i++) {
      const client = await fx.connect(device, 'flappy');
      await client.endAsync();
    }
    expect(fx.telemetry.counter('mqtt_limit_hit', { limit: 'connect_rate' })).toBe(0);
    // Handshakes without a client certificate never authenticate: each spends a token.
    const attempts = await Promise.allSettled(Array.from({ length: 6 }, () => connected(mqtt.connect(fx?.url as string, { clientId: 'anon', protocolVersion: 4, reconnectPeriod: 0, ca: fx?.caPem, connectTimeout: 3000 }))));
    expect(attempts.every((a) => a.status === 'rejected')).toBe(true);
    expect(fx.telemetry.counter('mqtt_limit_hit', { limit: 'connect_rate' })).toBe(3);
    // The documented NAT caveat: with the address's budget spent by others, its devices wait for the
    // refill too (3 attempts per 60 s: one every 20 s).
    await expect(fx.connect(device, 'flappy')).rejects.toThrow();
    now += 20_000;
    const again = await fx.connect(device, 'flappy');
    await again.endAsync();
  });

  it('caps unauthenticated connections open at once from one address (max_pending_per_ip), except for exempt CIDRs', async () => {
    fx = await startIngressFixture({ mqtt: { max_pending_per_ip: 3 } });
    const sockets = Array.from({ length: 5 }, () => netConnect(portOf(fx?.url as string), '127.0.0.1'));
    const outcomes = await Promise.all(sockets.map((s) => timeToClose(s, 1500).then(() => 'closed', () => 'open')));
    expect(outcomes.filter((o) => o === 'closed')).toHaveLength(2);
    expect(fx.telemetry.counter('mqtt_limit_hit', { limit: 'handshakes_per_ip' })).toBe(2);
    for (const s of sockets) s.destroy();
    await fx.close();

    fx = await startIngressFixture({ mqtt: { max_pending_per_ip: 3, limit_exempt_cidrs: ['127.0.0.0/8'] } });
    const exempt = Array.from({ length: 5 }, () => netConnect(portOf(fx?.url as string), '127.0.0.1'));
    const kept = await Promise.all(exempt.map((s) => timeToClose(s, 1000).then(() => 'closed', () => 'open')));
    expect(kept).toEqual(['open', 'open', 'open', 'open', 'open']);
    for (const s of exempt) s.destroy();
  });
});
