import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilClient, siemClient } from '../../src/api/index.js';
import { startVigil, validateVigilConfig, type RunningVigil } from '../../src/app/index.js';
import { demoConfig, startDemo, type RunningDemo } from '../../src/demo/index.js';
import { tempDir } from '../support/temp.js';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Reads Prometheus text format 0.0.4 (the exposition-format spec), failing on any line it cannot read. */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type !== null) {
      expect(types.has(type[1] as string), `TYPE of ${type[1]} declared twice`).toBe(false);
      types.set(type[1] as string, type[2] as string);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* \S/.test(line)) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf)$/.exec(line);
    expect(sample, `unreadable line: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const m of (sample?.[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1] as string] = m[2] as string;
    samples.push({ name: sample?.[1] as string, labels, value: Number(sample?.[3]) });
  }
  return { types, samples };
}

function family(sample: string, types: Map<string, string>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) if (sample.endsWith(suffix) && types.has(sample.slice(0, -suffix.length))) return sample.slice(0, -suffix.length);
  return sample;
}

function value(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

const dir = tempDir('vigil-metrics-');
let running: RunningVigil;
let demo: RunningDemo;
let token: string;

beforeAll(async () => {
  const speed = 300;
  const base = validateVigilConfig({ data_dir: dir.path, log: { level: 'warn' }, api: { listen: '127.0.0.1:0', metrics: { listen: '127.0.0.1:0' } }, hec: { listen: '127.0.0.1:0' }, mqtt: { listen: '127.0.0.1:0' } });
  const loaded = demoConfig(base, speed);
  running = await startVigil({ loaded, logDestination: new Writable({ write: (_c, _e, cb) => cb() }) });
  demo = await startDemo(running, loaded, { speed, devices: 2 });
  token = readFileSync(running.adminTokenPath, 'utf8').trim();
}, 120_000);

afterAll(async () => {
  await demo?.stop();
  await running?.stop();
  dir.remove();
});

describe('/metrics the way Prometheus users expect', () => {
  it('serves GET /metrics without authentication on its own loopback listener, and nothing else there', async () => {
    const url = running.endpoints['metrics'] as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await metrics.text()).toContain('# TYPE vigil_mqtt_connected_clients gauge');
    expect((await fetch(`${url}/api/v1/access-keys`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(404);
  });

  it('accepts the read-only metrics token (secrets/metrics-token, 0600) for GET /metrics of the API and for nothing else', async () => {
    const path = join(running.layout.secretsDir, 'metrics-token');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const metricsToken = readFileSync(path, 'utf8').trim();
    const api = running.endpoints['api'] as string;
    expect((await fetch(`${api}/metrics`)).status).toBe(401);
    expect((await fetch(`${api}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(200);
    const refused = await fetch(`${api}/api/v1/access-keys`, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { message: string }).message).toContain('only for GET /metrics');
    expect((await fetch(`${api}/api/v1/access-keys`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('exposes process metrics, connected devices and latency histograms of report handling, HEC commit, stream delivery and search, named by the conventions', async () => {
    const client = new VigilClient({ baseUrl: running.endpoints['api'] as string, token });
    await siemClient(client).search('index=aws_hfb | stats count');
    const read = async () => parseExposition(await (await fetch(`${running.endpoints['metrics']}/metrics`)).text());
    const deadline = Date.now() + 60_000;
    let parsed = await read();
    while (!((value(parsed.samples, 'vigil_stream_delivery_seconds_count', { stream: 'siem', result: 'ok' }) ?? 0) > 0 && (value(parsed.samples, 'vigil_hec_commit_seconds_count', { result: 'ok' }) ?? 0) > 0)) {
      if (Date.now() > deadline) throw new Error('no stream delivery into HEC within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 500));
      parsed = await read();
    }
    const { types, samples } = parsed;

    // Conventions: counters end in _total, durations in _seconds, sizes in _bytes; every sample has a declared family.
    for (const [name, type] of types) {
      if (type === 'counter') expect(name, name).toMatch(/_total$/);
      if (/(latency|duration|_time|lag)/.test(name)) expect(name, name).toMatch(/_seconds(_total)?$/);
      if (/(bytes|memory|size)/.test(name)) expect(name, name).toMatch(/_bytes(_total)?$/);
    }
    for (const sample of samples) expect(types.has(family(sample.name, types)), sample.name).toBe(true);

    // Process metrics.
    expect(value(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(value(samples, 'process_resident_memory_bytes')).toBeGreaterThan(20 * 1024 * 1024);
    expect(Math.abs((value(samples, 'process_start_time_seconds') ?? 0) - (Date.now() / 1000 - process.uptime()))).toBeLessThan(5);
    expect(value(samples, 'nodejs_eventloop_lag_seconds_count')).toBeGreaterThan(0);
    expect(types.get('nodejs_gc_duration_seconds')).toBe('histogram');
    expect(value(samples, 'process_open_fds')).toBeGreaterThan(3);
    // DuckDB's own memory, sampled by the server (the soak judges RSS outside it), within its cap.
    const duck = value(samples, 'vigil_store_duckdb_memory_bytes');
    expect(duck).toBeGreaterThanOrEqual(0);
    expect(duck).toBeLessThanOrEqual(validateVigilConfig({}).config.store.duckdb_memory_limit_mb * 1_048_576);

    // Devices connected now: the demo's two plus its misconfigured one (reconnecting after each denied publish: 2 or 3).
    expect(value(samples, 'vigil_mqtt_connected_clients')).toBeGreaterThanOrEqual(2);
    expect(value(samples, 'vigil_mqtt_connected_clients')).toBeLessThanOrEqual(3);

    // Histograms: cumulative buckets, +Inf equal to _count, for the four latencies.
    for (const [name, labels] of [
      ['vigil_report_handling_seconds', { status: 'accepted' }],
      ['vigil_hec_commit_seconds', { result: 'ok' }],
      ['vigil_stream_delivery_seconds', { stream: 'siem', result: 'ok' }],
      ['vigil_search_seconds', { status: 'ok' }],
    ] as const) {
      expect(types.get(name), name).toBe('histogram');
      const count = value(samples, `${name}_count`, labels) ?? 0;
      expect(count, name).toBeGreaterThan(0);
      const buckets = samples.filter((s) => s.name === `${name}_bucket` && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      const bounds = buckets.map((b) => (b.labels['le'] === '+Inf' ? Infinity : Number(b.labels['le'])));
      expect(bounds).toEqual([...bounds].sort((a, b) => a - b));
      for (let i = 1; i < buckets.length; i++) expect((buckets[i] as Sample).value).toBeGreaterThanOrEqual((buckets[i - 1] as Sample).value);
      expect(buckets.at(-1)?.labels['le']).toBe('+Inf');
      expect(buckets.at(-1)?.value).toBe(count);
      expect(value(samples, `${name}_sum`, labels)).toBeGreaterThan(0);
    }
  }, 90_000);

  it('refuses a non-loopback metrics listener (no authentication there) unless allow_public', async () => {
    const other = tempDir('vigil-metrics-public-');
    try {
      const loaded = validateVigilConfig({ data_dir: other.path, api: { listen: '127.0.0.1:0', metrics: { listen: '0.0.0.0:0' } }, hec: { listen: '127.0.0.1:0' }, mqtt: { listen: '127.0.0.1:0' } });
      await expect(startVigil({ loaded, logDestination: new Writable({ write: (_c, _e, cb) => cb() }) })).rejects.toThrow(/api\.metrics\.listen is 0\.0\.0\.0:0/);
    } finally {
      other.remove();
    }
  });
});
