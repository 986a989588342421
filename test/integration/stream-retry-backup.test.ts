import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { streamClient } from '../../src/api/index.js';
import { FaultHec, type HecFault } from '../support/fault-hec.js';
import { runCli } from '../support/cli.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function files(root: string): string[] {
  try {
    return readdirSync(root, { recursive: true, encoding: 'utf8' }).map((f) => join(root, f)).filter((f) => statSync(f).isFile()).sort();
  } catch {
    return [];
  }
}

const records = (ids: readonly number[]): string[] => ids.map((id) => JSON.stringify({ event: { id } }));

describe('stream retry, backup and replay', () => {
  let vigil: TestVigil | undefined;
  let hec: FaultHec | undefined;
  afterEach(async () => {
    await vigil?.stop();
    await hec?.stop();
  });

  async function setup(stream: Record<string, unknown>, options: { fault?: (i: number) => HecFault; outboxMaxBytes?: number } = {}) {
    hec = new FaultHec({ ...(options.fault === undefined ? {} : { fault: options.fault }) });
    await hec.start();
    vigil = await startTestVigil({ log: { level: 'warn' }, stream: { retry_initial_ms: 20, retry_max_ms: 100, ...(options.outboxMaxBytes === undefined ? {} : { outbox_max_bytes: options.outboxMaxBytes }) } });
    const streams = streamClient(vigil.client);
    await streams.create({ name: 's', sink: { type: 'splunk-hec', endpoint: hec.url, token: hec.token, ackPollIntervalMs: 20, requestTimeoutSecs: 2 }, buffering: { intervalSecs: 0 }, retryDurationSecs: 1, ...stream });
    return { streams, backup: join(vigil.dataDir, 'stream-backup', 's') };
  }

  it('backs up to splunk-failed/ with errorCode Splunk.InvalidEndpoint when HEC is down past the retry duration; `vigil stream replay` delivers them once HEC is back', async () => {
    const { streams, backup } = await setup({});
    await hec?.stop();
    await streams.put('s', records([1, 2, 3]));
    await until(async () => (await streams.status('s')).backedUpRecords['splunk-failed'] === 3, 'backup');
    const [object, ...others] = files(backup);
    expect(others).toEqual([]);
    expect(relative(backup, object as string)).toMatch(/^splunk-failed\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/s-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}$/);
    const lines = readFileSync(object as string, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l['errorCode'])).toEqual(['Splunk.InvalidEndpoint', 'Splunk.InvalidEndpoint', 'Splunk.InvalidEndpoint']);
    expect(lines.map((l) => JSON.parse(Buffer.from(String(l['rawData']), 'base64').toString()).event.id)).toEqual([1, 2, 3]);
    expect(lines[0]).toMatchObject({ EventId: expect.stringMatching(/^\d+\.0$/), attemptsMade: expect.any(Number), arrivalTimestamp: expect.any(Number), attemptEndingTimestamp: expect.any(Number) });
    expect(Number(lines[0]?.['attemptsMade'])).toBeGreaterThan(1);
    expect((await streams.status('s')).outboxRecords).toBe(0);

    await hec?.start();
    const replay = await runCli(['stream', 'replay', 's', '--server', vigil?.running.endpoints['api'] as string, '--token', vigil?.adminToken as string]);
    expect(replay.stderr).toBe('');
    expect(replay.stdout).toContain('replayed 3 records from 1 backup objects');
    await until(() => (hec?.ids().length ?? 0) >= 3, 'replayed delivery');
    expect(hec?.ids()).toEqual([1, 2, 3]);
    expect(files(backup).every((f) => relative(backup, f).startsWith('replayed/'))).toBe(true);
  });

  it('sends a HEC code 6 batch straight to backup (not retried) with Splunk.InvalidDataFormat', async () => {
    const { streams, backup } = await setup({ retryDurationSecs: 3600 }, { fault: () => 'code6' });
    await streams.put('s', records([9]));
    await until(async () => (await streams.status('s')).backedUpRecords['splunk-failed'] === 1, 'backup');
    const line = JSON.parse(readFileSync(files(backup)[0] as string, 'utf8')) as Record<string, unknown>;
    expect(line).toMatchObject({ errorCode: 'Splunk.InvalidDataFormat', attemptsMade: 1 });
    expect((await streams.status('s')).retries).toBe(0);
  });

  it('retries 503 and code 9 within the retry duration, then delivers', async () => {
    const { streams } = await setup({ retryDurationSecs: 60 }, { fault: (i) => (i === 0 ? 'http503' : i === 1 ? 'code9' : i === 2 ? 'drop' : 'ok') });
    await streams.put('s', records([4]));
    await until(async () => (await streams.status('s')).deliveredRecords === 1, 'delivery');
    const status = await streams.status('s');
    expect(status.retries).toBe(3);
    expect(status.backedUpRecords).toEqual({});
    expect(hec?.ids()).toEqual([4]);
    // Delivery recovered: the outage's error is history, not a current error.
    expect(status.lastError).toBeNull();
    expect(status.recoveredError).toMatchObject({ code: expect.any(String), at: expect.any(String), recoveredAt: expect.any(String) });
    expect(Date.parse(String(status.recoveredError?.recoveredAt))).toBeGreaterThanOrEqual(Date.parse(String(status.recoveredError?.at)));
    const shown = await runCli(['stream', 'status', 's', '--server', vigil?.running.endpoints['api'] as string, '--token', vigil?.adminToken as string]);
    expect(shown.stdout).toMatch(/last error\s+none now \(last: \S+ at \S+, recovered at \S+/);
    const metrics = await vigil?.client.request<string>('GET', '/metrics');
    expect(metrics).toContain('vigil_stream_records_delivered_total{stream="s"} 1');
    expect(metrics).toMatch(/vigil_stream_delivery_retried_total\{stream="s",error_code="Splunk.ServerError"\} 2/);
  });

  it('writes untransformable records to processing-failed/ with the original bytes and delivers the rest', async () => {
    const { streams, backup } = await setup({ processors: [{ type: 'split-device-defender', parameters: {} }] });
    await streams.put('s', ['{"metrics":[{"name":"m","thing":"t","value":{"count":1},"timestamp":1000}]}', 'garbage']);
    await until(async () => (await streams.status('s')).deliveredRecords === 1 && (await streams.status('s')).backedUpRecords['processing-failed'] === 1, 'delivery and backup');
    const object = files(backup).find((f) => relative(backup, f).startsWith('processing-failed/')) as string;
    const line = JSON.parse(readFileSync(object, 'utf8')) as Record<string, unknown>;
    expect(line).toMatchObject({ errorCode: 'Transform.UnrecognizedRecord', lambdaArn: 'arn:aws:lambda:local:000000000000:function:split-device-defender' });
    expect(Buffer.from(String(line['rawData']), 'base64').toString()).toBe('garbage');
    expect(hec?.bodies).toEqual(['{"sourcetype":"aws-iot-device-defender","time":1,"event":{"name":"m","thing":"t","value":{"count":1},"timestamp":1000}}']);
  });

  it('refuses puts once the outbox is full, with a clear error and a counter, and never loses what it accepted', async () => {
    const { streams } = await setup({}, { outboxMaxBytes: 1024 * 1024 });
    await hec?.stop();
    const big = 'x'.repeat(200_000);
    for (let i = 0; i < 5; i++) await streams.put('s', [big]);
    await expect(streams.put('s', [big])).rejects.toMatchObject({ code: 'stream.unavailable', message: expect.stringContaining('outbox is full') });
    const metrics = await vigil?.client.request<string>('GET', '/metrics');
    expect(metrics).toContain('vigil_stream_put_refused_total{stream="s",reason="outbox_full"} 1');
  });

  it('keeps one dead destination from blocking another stream', async () => {
    const { streams } = await setup({ retryDurationSecs: 3600 });
    await streams.create({ name: 'dead', sink: { type: 'splunk-hec', endpoint: 'http://127.0.0.1:1', token: 't', ackPollIntervalMs: 20 }, buffering: { intervalSecs: 0 }, retryDurationSecs: 3600 });
    await streams.put('dead', records([100]));
    await streams.put('s', records([5]));
    await until(async () => (await streams.status('s')).deliveredRecords === 1, 'the healthy stream');
    const dead = await streams.status('dead');
    expect(dead.outboxRecords).toBe(1);
    expect(dead.lastError?.code).toBe('Splunk.InvalidEndpoint');
    expect(dead.probe?.ok).toBe(false);
  });
});
