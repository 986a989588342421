import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { VigilClient } from '../../src/api/index.js';
import { streamClient } from '../../src/api/stream-client.js';
import { runCli } from '../support/cli.js';
import { startVigil, validateVigilConfig, type RunningVigil } from '../../src/app/index.js';
import { demoConfig, demoSummary, referenceQueries, startDemo, type RunningDemo } from '../../src/demo/index.js';
import { exportSearch } from '../support/splunk-export.js';
import { tempDir } from '../support/temp.js';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('vigil up --demo', () => {
  it('on ephemeral ports at speed 150: 20 devices report through the broker; within 90 s queries 2–4 show the tcp_count step, port 21 and audit details, the violation is active, stream siem failed nothing, and the new-listening-port alert fires once to its webhook', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const speed = 150; // a report every 2 s
    const base = validateVigilConfig({ data_dir: dir.path, log: { level: 'warn' }, api: { listen: '127.0.0.1:0' }, hec: { listen: '127.0.0.1:0' }, mqtt: { listen: '127.0.0.1:0', plain_listen: '127.0.0.1:0' } });
    const loaded = demoConfig(base, speed);
    expect(loaded.config.mqtt.reports.min_report_interval_secs).toBe(1);
    const running: RunningVigil = await startVigil({ loaded, logDestination: new Writable({ write: (_c, _e, cb) => cb() }) });
    cleanups.push(() => running.stop());
    // A webhook receiver for the demo's "new listening port" alert.
    const hooks: Array<{ search_name: string; results: Array<Record<string, unknown>> }> = [];
    const hook = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        hooks.push(JSON.parse(body) as (typeof hooks)[number]);
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => hook.close(() => resolve())));
    const alertWebhook = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alert`;
    const demo: RunningDemo = await startDemo(running, loaded, { speed, alertWebhook });
    cleanups.push(() => demo.stop());

    expect(demo.plan.entries.filter((e) => e.action === 'create').map((e) => `${e.kind.key}/${e.name}`)).toEqual(expect.arrayContaining(['policies/DeviceDefenderAgentPolicy', 'thing_groups/DeviceDefenderFleet', 'streams/siem', 'topics/device-defender-audit', 'topic_rules/DeviceDefenderMetricsExport', 'hec_tokens/siem', 'indexes/aws_hfb']));
    const target = demo.simulator.target;
    // The audit starts after the fleet is connected: its device-certificate checks see the devices.
    const audited = demo.auditTaskId as string;
    expect(audited).toBeDefined();
    await running.audit.idle();
    const task = await running.audit.engine.describeTask(audited);
    expect(task.ok && task.value.details['DEVICE_CERTIFICATE_KEY_QUALITY_CHECK']?.totalResourcesCount).toBeGreaterThanOrEqual(20);
    const summary = demoSummary(running, demo, `${running.layout.secretsDir}/hec-token`);
    expect(summary).toContain(running.endpoints['mqtt']);
    expect(summary).toContain(`where thing="${target}"`);
    // The printed one-time sign-in link opens a console session exactly once.
    const ticket = /\/ui\/\?ticket=([A-Za-z0-9_-]+)/.exec(summary)?.[1] ?? '';
    const signIn = (): Promise<Response> => fetch(`${running.endpoints['api']}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticket }) });
    const first = await signIn();
    expect(first.status).toBeLessThan(300);
    expect(first.headers.get('set-cookie')).toContain('HttpOnly');
    expect((await signIn()).status).toBe(401);

    // Every device connects with its own certificate through the ingress and its reports are accepted.
    await until(() => {
      const stats = demo.simulator.stats();
      return stats.connected === 20 && Object.keys(stats.acceptedByThing).length === 20 && (stats.acceptedByThing[target] ?? 0) >= 2;
    }, 60_000);
    expect(demo.simulator.stats().rejected).toBe(0);

    const client = new VigilClient({ baseUrl: running.endpoints['api'] as string, token: readFileSync(running.adminTokenPath, 'utf8').trim() });
    const things = await client.request<{ things: Array<{ thingName: string }> }>('GET', '/thing-groups/DeviceDefenderFleet/things?maxResults=250');
    expect(things.things.length).toBe(20);

    // The acceptance of issue 11, through Splunk's REST export endpoint, within 90 s.
    const token = readFileSync(running.adminTokenPath, 'utf8').trim();
    const api = running.endpoints['api'] as string;
    const [, q2, q3, q4] = referenceQueries(demo.index, demo.sourcetype, target);
    let counts: number[] = [];
    let ports: string[] = [];
    let audit: Array<Record<string, unknown>> = [];
    await until(async () => {
      counts = (await exportSearch(api, token, q2!)).map((row) => Number(row[target])).filter((n) => Number.isFinite(n) && n > 0);
      ports = (await exportSearch(api, token, q3!)).flatMap((row) => Object.entries(row).filter(([k, v]) => k !== '_time' && Number(v) > 0).map(([k]) => k));
      audit = await exportSearch(api, token, q4!);
      return counts.length >= 2 && Math.max(...counts) === Math.min(...counts) + 1 && ports.includes('21') && audit.length > 0;
    }, 90_000);
    expect(Math.max(...counts) - Math.min(...counts)).toBe(1);
    expect(counts[0]).toBe(Math.min(...counts));
    expect(ports).toContain('21');
    expect(audit.some((row) => typeof row['checkName'] === 'string')).toBe(true);

    // The demo's misconfigured device: its denied publishes reach the SIEM as authorization failures (and only its).
    const misconfigured = demo.simulator.misconfigured as string;
    expect(misconfigured).not.toBe(target);
    expect(summary).toContain(`${misconfigured} is misconfigured`);
    let failures: Array<Record<string, unknown>> = [];
    await until(async () => {
      failures = await exportSearch(api, token, `index="${demo.index}" sourcetype="${demo.sourcetype}" | spath name | search name="aws:num-authorization-failures" | stats sum(value.count) as failures by thing | where failures > 0`);
      return failures.length > 0;
    }, 60_000);
    expect(failures.map((row) => row['thing'])).toEqual([misconfigured]);

    let violations: Array<{ thingName: string; behavior?: { name?: string } }> = [];
    await until(async () => {
      violations = (await client.request<{ activeViolations: typeof violations }>('GET', `/active-violations?thingName=${encodeURIComponent(target)}`)).activeViolations;
      return violations.length > 0;
    }, 30_000);
    expect(violations[0]).toMatchObject({ thingName: target, behavior: { name: 'ListeningTcpPortsInExpectedSet' } });

    const status = await streamClient(client).status('siem');
    expect(Object.values(status.backedUpRecords).reduce((a, b) => a + b, 0)).toBe(0);
    expect(status.droppedRecords).toBe(0);

    // The same through the command an operator runs: `vigil stream status siem`.
    const cli = await runCli(['stream', 'status', 'siem', '--server', running.endpoints['api'] as string, '--token', readFileSync(running.adminTokenPath, 'utf8').trim()]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/dropped by transform\s+0\n/);
    expect(cli.stdout).toMatch(/backed up\s+0\n/);

    // The demo's alert: its first scheduled run (every minute) fires once, for the target's port 21, to the webhook.
    expect(demo.alert).toBe('iot-new-listening-port');
    expect(summary).toContain('vigil alert history iot-new-listening-port');
    await until(() => hooks.length > 0, 75_000);
    await running.alerts.idle();
    expect(hooks.map((h) => [h.search_name, h.results.map((r) => `${String(r['thing'])}:${String(r['port'])}`)])).toEqual([['iot-new-listening-port', [`${target}:21`]]]);
    // A later run sees the same new port and is throttled: the webhook is not called again.
    const again = await running.alerts.dispatch('iot-new-listening-port');
    expect(again).toMatchObject({ status: 'throttled', firedCount: 0 });
    expect(again.suppressedCount).toBeGreaterThan(0);
    expect(hooks.length).toBe(1);
    const history = await running.alerts.history('iot-new-listening-port');
    expect(history.map((run) => run.status).filter((status) => status === 'fired')).toEqual(['fired']);
  }, 240_000);
});
