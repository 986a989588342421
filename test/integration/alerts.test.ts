import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsClient, type AlertsClient } from '../../src/api/index.js';
import { FakeTime } from '../../src/core/index.js';
import { BUNDLED_SEARCHES } from '../../src/siem/index.js';
import { cliFor } from '../support/cli.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';
import { metric, sendEvents } from './alerts-support.js';

const START = Date.UTC(2026, 0, 8, 9, 0, 0);
const MIN = 60_000;
const time = new FakeTime(START);
let vigil: TestVigil;
let alerts: AlertsClient;
let cli: ReturnType<typeof cliFor>;
let receiver: Server;
let hookUrl: string;
const received: Array<{ path: string; body: Record<string, unknown> }> = [];

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ path: request.url ?? '', body: JSON.parse(text) as Record<string, unknown> });
      response.statusCode = request.url === '/refuse' ? 400 : 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  vigil = await startTestVigil({}, { clock: time });
  await vigil.running.siem.createIndex('aws_hfb');
  alerts = alertsClient(vigil.client);
  cli = cliFor(vigil);
}, 60_000);

afterAll(async () => {
  await vigil.stop();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const newPortSearch = BUNDLED_SEARCHES.find((s) => s.name === 'iot-new-listening-port')?.search as string;

describe('saved searches and alerts end to end', () => {
  it('a per-result alert on "new listening port", run every 5 simulated minutes, fires once when a device starts listening on 21; the webhook gets the row; history shows the firing and the throttled repeats', async () => {
    const created = await alerts.create({
      name: 'new-port',
      description: 'demo device opens FTP',
      search: newPortSearch,
      earliest: '-24h',
      cron: '*/5 * * * *',
      alert: { trigger: 'per-result', actions: [{ type: 'webhook', url: `${hookUrl}/new-port` }], throttle: { periodSecs: 86_400, fields: ['thing', 'port'] } },
    });
    expect(created).toMatchObject({ name: 'new-port', enabled: true, alert: { triggerText: 'per-result', throttle: { periodSecs: 86_400, fields: ['thing', 'port'] } } });

    const statuses: string[] = [];
    // Three devices report every 5 minutes; from the fourth round device-3 also listens on 21.
    for (let round = 0; round < 8; round++) {
      const at = START + round * 5 * MIN;
      time.set(at);
      await sendEvents(vigil, ['device-1', 'device-2', 'device-3'].map((thing) => metric(thing, 'aws:listening-tcp-ports', { ports: thing === 'device-3' && round >= 3 ? [21, 22, 80] : [22, 80] }, at - 20_000, 'aws_hfb')));
      time.set(at + 30_000);
      statuses.push((await alerts.dispatch('new-port')).status);
    }
    // Port 21 counts as new for 15 minutes after it was first seen: two throttled repeats, then nothing to report.
    expect(statuses).toEqual(['not_fired', 'not_fired', 'not_fired', 'fired', 'throttled', 'throttled', 'not_fired', 'not_fired']);

    const hooks = received.filter((r) => r.path === '/new-port');
    expect(hooks).toHaveLength(1);
    expect(hooks[0]?.body).toMatchObject({
      search_name: 'new-port',
      trigger: 'per-result',
      trigger_time: '2026-01-08T09:15:30.000+00:00',
      result: { thing: 'device-3', port: '21', first_seen: '2026-01-08T09:14:40Z' },
      results: [{ thing: 'device-3', port: '21', first_seen: '2026-01-08T09:14:40Z' }],
    });

    const { runs } = await alerts.history('new-port');
    expect(runs.map((r) => r.status)).toEqual([...statuses].reverse());
    const fired = runs.find((r) => r.status === 'fired');
    expect(fired).toMatchObject({ cause: 'dispatch', resultCount: 1, firedCount: 1, time: '2026-01-08T09:15:30.000Z', rows: [{ thing: 'device-3', port: '21' }], actions: [{ type: 'webhook', target: `${hookUrl}/new-port`, ok: true, attempts: 1 }] });
    expect(runs.find((r) => r.status === 'throttled')).toMatchObject({ resultCount: 1, firedCount: 0, suppressedCount: 1, actions: [] });
  });

  it('the CLI creates a results>0 alert with a 1h throttle: run fires, the repeat is throttled, after the hour it fires again; list and history show it', async () => {
    const base = START + 3 * 3_600_000;
    time.set(base);
    await sendEvents(vigil, [metric('device-9', 'aws:num-authorization-failures', { count: 7 }, base - MIN, 'aws_hfb')]);
    const create = await cli('alert', 'create', 'auth-failures', '--search', 'sourcetype=aws-iot-device-defender name="aws:num-authorization-failures" | spath path=value.count output=n | stats sum(n) as failures by thing', '--cron', '*/10 * * * *', '--earliest', '-15m', '--trigger', 'results>0', '--webhook', `${hookUrl}/cli`, '--throttle', '1h');
    expect(create).toMatchObject({ code: 0, out: 'created auth-failures: */10 * * * * over [-15m, now], alert results>0\n' });

    const first = await cli('alert', 'run', 'auth-failures');
    expect(first.out).toContain('fired: 1 result, 1 sent');
    expect(first.out).toContain(`webhook ${hookUrl}/cli: ok`);
    time.set(base + 10 * MIN);
    await sendEvents(vigil, [metric('device-9', 'aws:num-authorization-failures', { count: 2 }, base + 9 * MIN, 'aws_hfb')]);
    expect((await cli('alert', 'run', 'auth-failures')).out).toContain('throttled: 1 result');
    time.set(base + 61 * MIN);
    await sendEvents(vigil, [metric('device-9', 'aws:num-authorization-failures', { count: 4 }, base + 60 * MIN, 'aws_hfb')]);
    expect((await cli('alert', 'run', 'auth-failures')).out).toContain('fired: 1 result');

    const hooks = received.filter((r) => r.path === '/cli').map((r) => r.body['results']);
    expect(hooks).toEqual([[{ thing: 'device-9', failures: '7' }], [{ thing: 'device-9', failures: '4' }]]);

    const history = await cli('alert', 'history', 'auth-failures', '--json');
    expect((JSON.parse(history.out) as { runs: Array<{ status: string }> }).runs.map((r) => r.status)).toEqual(['fired', 'throttled', 'fired']);
    const table = await cli('alert', 'history', 'auth-failures');
    expect(table.out).toMatch(/TIME\s+CAUSE\s+STATUS/);
    expect(table.out).toContain('throttled');
    const list = await cli('alert', 'list');
    expect(list.out).toMatch(/auth-failures\s+yes\s+\*\/10 \* \* \* \*\s+-15m\.\.now\s+results>0/);
    expect(list.out).toMatch(/iot-new-listening-port\s+no/);
  });

  it('a webhook that refuses the payload is a failed action in the history, and the CLI can disable, enable and delete', async () => {
    await cli('alert', 'create', 'refused', '--search', 'sourcetype=aws-iot-device-defender | stats count', '--earliest', '-30d', '--trigger', 'results>=1', '--webhook', `${hookUrl}/refuse`);
    const run = await alerts.dispatch('refused');
    expect(run).toMatchObject({ status: 'fired', actions: [{ type: 'webhook', ok: false, attempts: 1, error: `POST ${hookUrl}/refuse answered HTTP 400` }] });
    expect((await cli('alert', 'disable', 'refused')).out).toBe('disabled refused\n');
    expect((await alerts.get('refused')).enabled).toBe(false);
    expect((await cli('alert', 'enable', 'refused')).out).toBe('enabled refused\n');
    expect((await alerts.get('refused')).nextRunAt).toBeDefined();
    expect((await cli('alert', 'delete', 'refused')).code).toBe(0);
    await expect(alerts.get('refused')).rejects.toMatchObject({ code: 'saved_search.not_found' });
  });

  it('a bundled search gets a webhook and is enabled from the CLI, keeping its trigger and throttle', async () => {
    expect((await cli('alert', 'update', 'iot-new-listening-port', '--webhook', `${hookUrl}/bundled`)).code).toBe(0);
    expect((await cli('alert', 'enable', 'iot-new-listening-port')).code).toBe(0);
    expect(await alerts.get('iot-new-listening-port')).toMatchObject({ enabled: true, bundled: true, alert: { trigger: { type: 'per_result' }, actions: [{ type: 'webhook', url: `${hookUrl}/bundled` }], throttle: { periodSecs: 86_400, fields: ['thing', 'port'] } } });
  });

  it('rejects a bad definition with every problem named by its path', async () => {
    const response = await fetch(new URL('/api/v1/saved-searches', vigil.running.endpoints['api']), {
      method: 'POST',
      headers: { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bad', search: 'index=main | stats count by', cron: '*/5 * * *', earliest: '-5x', alert: { trigger: 'results>>1', actions: [{ type: 'webhook', url: 'ftp://x' }] } }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('alert.invalid_saved_search');
    for (const path of ['/cron', '/earliest', '/alert/trigger', '/alert/actions/0/url']) expect(body.message).toContain(`${path}:`);
    const schema = await fetch(new URL('/api/v1/saved-searches', vigil.running.endpoints['api']), {
      method: 'POST',
      headers: { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bad', search: 'index=main', alert: { actions: [{ type: 'webhook' }] } }),
    });
    expect(schema.status).toBe(400);
    expect(((await schema.json()) as { message: string }).message).toContain('body/alert/actions/0');
    const spl = await cli('alert', 'create', 'bad-spl', '--search', 'index=main | nosuchcommand');
    expect(spl.code).toBe(1);
    expect(spl.err).toContain('/search:');
  });

  it('needs the API token like every /api/v1 route', async () => {
    const response = await fetch(new URL('/api/v1/saved-searches', vigil.running.endpoints['api']));
    expect(response.status).toBe(401);
  });
});
