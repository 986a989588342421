import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngressFixture, type Device, type IngressFixture } from './ingress-support.js';

const FLOOD_RATE = 500;
const FLOOD_SECS = 20;
const DEVICES = 50;
const flooder = fileURLToPath(new URL('../support/tls-flood.ts', import.meta.url));

interface FloodCounts {
  readonly started: number;
  readonly handshakes: number;
  readonly refused: number;
  /** How long opening all `started` connections took (the flood window). */
  readonly floodSeconds: number;
  readonly seconds: number;
  /** Connections opened in each second of the window. */
  readonly perSecond: readonly number[];
}

/**
 * The flood comes from child processes, never from the test's own event loop (which runs the server):
 * the two must not share a loop, and one CPU-bound client process cannot reach 500/s on a busy box.
 * Each is paced by the clock (tls-flood.ts), so a late timer catches up instead of lowering the rate.
 */
const FLOOD_PROCESSES = 4;

async function flood(port: number): Promise<FloodCounts> {
  const parts = await Promise.all(Array.from({ length: FLOOD_PROCESSES }, () => floodProcess(port, FLOOD_RATE / FLOOD_PROCESSES)));
  return parts.reduce((a, b) => ({
    started: a.started + b.started,
    handshakes: a.handshakes + b.handshakes,
    refused: a.refused + b.refused,
    floodSeconds: Math.max(a.floodSeconds, b.floodSeconds),
    seconds: Math.max(a.seconds, b.seconds),
    perSecond: Array.from({ length: Math.max(a.perSecond.length, b.perSecond.length) }, (_v, i) => (a.perSecond[i] ?? 0) + (b.perSecond[i] ?? 0)),
  }));
}

function floodProcess(port: number, rate: number): Promise<FloodCounts> {
  const child = spawn(process.execPath, ['--import', 'tsx', flooder, '127.0.0.1', String(port), '127.0.0.2', String(rate), String(FLOOD_SECS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let errText = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (errText += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`flooder exited ${code}: ${errText}`));
      resolve(JSON.parse(out.trim()) as FloodCounts);
    });
  });
}

describe('a TLS handshake flood from another address does not lock registered devices out', () => {
  let fx: IngressFixture;
  let devices: Device[];
  beforeAll(async () => {
    fx = await startIngressFixture();
    devices = [];
    for (let i = 0; i < DEVICES; i++) devices.push(await fx.device(`flood-dev-${i}`));
  }, 120_000);
  afterAll(async () => fx?.close());

  it(`keeps at least 99% of ${DEVICES} registered devices' (re)connects succeeding during ${FLOOD_SECS} s of ${FLOOD_RATE} unauthenticated handshakes/s from 127.0.0.2`, async () => {
    const port = Number(new URL(fx.url).port);
    const flooding = flood(port);
    const deadline = Date.now() + FLOOD_SECS * 1000;
    let attempts = 0;
    let failures = 0;
    const errors = new Map<string, number>();
    // Give the flood a second to build up, then keep every device reconnecting until it ends.
    await new Promise((r) => setTimeout(r, 1000));
    await Promise.all(
      devices.map(async (device, i) => {
        await new Promise((r) => setTimeout(r, (i * 1000) / DEVICES));
        while (Date.now() < deadline) {
          attempts++;
          let client: MqttClient | undefined;
          try {
            client = await fx.connect(device, device.thingName, { connectTimeout: 10_000 });
          } catch (error) {
            failures++;
            const key = error instanceof Error ? error.message.slice(0, 80) : String(error);
            errors.set(key, (errors.get(key) ?? 0) + 1);
          }
          await client?.endAsync();
          await new Promise((r) => setTimeout(r, 1000 + Math.random() * 1000));
        }
      }),
    );
    const counts = await flooding;
    const succeeded = attempts - failures;
    const limits = ['connect_rate', 'handshakes_per_ip', 'pending_handshakes', 'tls_handshake_timeout'].map((limit) => `${limit}=${fx.telemetry.counter('mqtt_limit_hit', { limit })}`).join(' ');
    const rate = counts.started / counts.floodSeconds;
    process.stdout.write(`TLS flood: ${counts.started} flood connections opened in ${counts.floodSeconds.toFixed(2)} s = ${rate.toFixed(0)}/s (per second: min ${Math.min(...counts.perSecond)}, max ${Math.max(...counts.perSecond)}; all closed after ${counts.seconds.toFixed(1)} s) (${counts.handshakes} got a TLS handshake answer, ${counts.refused} refused or failed); devices: ${succeeded}/${attempts} connects succeeded (${((100 * succeeded) / attempts).toFixed(2)}%); limits hit: ${limits}; device errors: ${JSON.stringify([...errors])}\n`);
    expect(counts.started).toBe(FLOOD_RATE * FLOOD_SECS);
    expect(rate).toBeGreaterThanOrEqual(FLOOD_RATE * 0.97);
    expect(attempts).toBeGreaterThanOrEqual(DEVICES * 5);
    expect(succeeded / attempts).toBeGreaterThanOrEqual(0.99);
    expect(fx.telemetry.counter('mqtt_limit_hit', { limit: 'connect_rate' })).toBeGreaterThan(0);
  }, 120_000);
});
