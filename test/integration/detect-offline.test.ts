import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { detectClient } from '../../src/api/index.js';
import { FakeTime } from '../../src/core/index.js';
import { connectionHistoryRepository } from '../../src/store/index.js';
import { tempDir } from '../support/temp.js';
import { ARN, startDetectVigil, until, type DetectVigil } from './detect-support.js';

const WINDOW = 300_000;
let fixture: DetectVigil | undefined;
const dirs: Array<{ remove(): void }> = [];

afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
  for (const d of dirs.splice(0)) d.remove();
});

/** Registers `thingName` (ACTIVE certificate, the device policy) and returns how to connect it over mTLS. */
async function register(f: DetectVigil, thingName: string): Promise<() => Promise<MqttClient>> {
  const registry = f.vigil.running.registry;
  await registry.things.createThing({ thingName });
  const issued = await registry.certificates.createKeysAndCertificate(true, thingName);
  const arn = registry.arns.cert(issued.certificate.certificateId);
  await registry.certificates.attachThingPrincipal(thingName, arn, undefined);
  await registry.policies.attachPolicy(registry.defaultPolicyName, arn);
  const caPem = registry.server.caPem;
  return () => mqtt.connectAsync((fixture as DetectVigil).vigil.running.endpoints['mqtt'] as string, { clientId: thingName, protocolVersion: 4, key: issued.privateKeyPem, cert: issued.certificate.certificatePem, ca: caPem, reconnectPeriod: 0, connectTimeout: 5000 });
}

// The token-authenticated client: SigV4 would be checked against the fake clock.
async function offlineProfile(f: DetectVigil): Promise<void> {
  const detect = detectClient(f.vigil.client);
  await detect.createProfile('offline', { behaviors: [{ name: 'offline-max-600', metric: 'aws:disconnect-duration', criteria: { comparisonOperator: 'less-than-equals', value: { count: 600 } } }] });
  await detect.attach('offline', `${ARN}:all/things`);
}

/** Waits until the broker has recorded the thing's connection as ended, and detect has taken the disconnect. */
async function disconnected(f: DetectVigil, thingName: string): Promise<number> {
  const history = connectionHistoryRepository(f.vigil.running.stores.registry);
  const ended = await until(async () => (await history.list({ limit: 10, thingName })).items.find((e) => e.disconnectedAt !== undefined)?.disconnectedAt, 'the disconnect in the connection history');
  await f.vigil.running.detect.idle();
  return ended;
}

async function advanceAndTick(f: DetectVigil, time: FakeTime, ms: number): Promise<void> {
  time.set(time.now() + ms);
  await f.vigil.running.detect.engine.tick();
  await f.vigil.running.detect.idle();
}

async function offlineValues(f: DetectVigil, thingName: string, start: number): Promise<number[]> {
  const query = new URLSearchParams({ thingName, metricName: 'aws:disconnect-duration', startTime: new Date(start - 1000).toISOString(), endTime: new Date(start + 86_400_000).toISOString() });
  const listed = await f.vigil.client.request<{ metricDatumList?: Array<{ value?: { count?: number } }> }>('GET', `/metric-values?${query.toString()}`);
  return (listed.metricDatumList ?? []).map((d) => Number(d.value?.count)).sort((a, b) => a - b);
}

const activeOf = async (f: DetectVigil, thingName: string) => (await detectClient(f.vigil.client).listActive({ thingName })).activeViolations ?? [];

describe('disconnect-duration while a thing stays offline (fake clock, real broker)', () => {
  it('a thing that disconnects and stays away gets a datapoint each 300 s window and breaks "less-than-equals 600" at 900 s; reconnecting ends the series', async () => {
    // Window-aligned start so the sweeps fall at 300, 600 and 900 s after the disconnect.
    const time = new FakeTime(Math.floor((Date.now() - 3_600_000) / WINDOW) * WINDOW);
    const start = time.now();
    fixture = await startDetectVigil({}, { clock: time });
    const f = fixture;
      await offlineProfile(f);
    const connect = await register(f, 'pump-1');
    const client = await connect();
    await f.vigil.running.detect.engine.tick(); // the first tick sets the sweep to the next window boundary
    await client.endAsync();
    expect(await disconnected(f, 'pump-1')).toBe(start);

    await advanceAndTick(f, time, WINDOW);
    await advanceAndTick(f, time, WINDOW);
    expect(await activeOf(f, 'pump-1')).toEqual([]);
    await advanceAndTick(f, time, WINDOW);
    const active = await activeOf(f, 'pump-1');
    expect(active.map((v) => [v.behavior?.name, (v.lastViolationValue as { count?: number } | undefined)?.count])).toEqual([['offline-max-600', 900]]);
    expect(await offlineValues(f, 'pump-1', start)).toEqual([300, 600, 900]);

    // Back online: the broker's reconnect datapoint (900 s) is the last one; later sweeps skip it.
    const again = await connect();
    await until(async () => ((await offlineValues(f, 'pump-1', start)).length === 4 ? true : undefined), 'the reconnect datapoint');
    await advanceAndTick(f, time, WINDOW);
    await advanceAndTick(f, time, WINDOW);
    expect(await offlineValues(f, 'pump-1', start)).toEqual([300, 600, 900, 900]);
    await again.endAsync();
  });

  it('after a restart the series continues from the disconnect in the connection history', async () => {
    const time = new FakeTime(Math.floor((Date.now() - 3_600_000) / WINDOW) * WINDOW);
    const start = time.now();
    const dir = tempDir('vigil-offline-');
    dirs.push(dir);
    fixture = await startDetectVigil({}, { clock: time, dataDir: dir.path });
    await offlineProfile(fixture);
    const connect = await register(fixture, 'pump-2');
    const client = await connect();
    await client.endAsync();
    await disconnected(fixture, 'pump-2');
    await fixture.close();
    fixture = undefined;

    time.set(start + 60_000);
    fixture = await startDetectVigil({}, { clock: time, dataDir: dir.path });
    const f = fixture;
      await f.vigil.running.detect.engine.tick();
    await advanceAndTick(f, time, WINDOW - 60_000);
    await advanceAndTick(f, time, WINDOW);
    await advanceAndTick(f, time, WINDOW);
    expect(await offlineValues(f, 'pump-2', start)).toEqual([300, 600, 900]);
    expect((await activeOf(f, 'pump-2')).map((v) => (v.lastViolationValue as { count?: number } | undefined)?.count)).toEqual([900]);
  });
});
