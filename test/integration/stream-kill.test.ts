import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FaultHec } from '../support/fault-hec.js';
import { tempDir } from '../support/temp.js';

const TOTAL = 100_000;
const BATCH = 500;
const root = new URL('../..', import.meta.url).pathname;

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function startVigil(config: string, dataDir: string): { child: ChildProcess; ready: Promise<string> } {
  const endpoints = join(dataDir, 'run', 'endpoints.json');
  rmSync(endpoints, { force: true });
  const child = spawn(process.execPath, [join(root, 'bin/vigil.mjs'), 'up', '-c', config], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));
  const ready = (async () => {
    await until(() => existsSync(endpoints) || child.exitCode !== null, 'vigil up', 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${stderr}`);
    });
    if (child.exitCode !== null) throw new Error(`vigil up exited ${child.exitCode}: ${stderr}`);
    return (JSON.parse(readFileSync(endpoints, 'utf8')) as { api: string }).api;
  })();
  return { child, ready };
}

async function firehose(api: string, token: string, target: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${api}/`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Firehose_20150804.${target}` }, body: JSON.stringify(body) });
  const parsed = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${target}: HTTP ${response.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

describe('at-least-once across kill -9 of vigil up', () => {
  const dir = tempDir('vigil-kill-');
  const hec = new FaultHec({ responseDelayMs: 30, ackDelayMs: 100 });
  let child: ChildProcess | undefined;
  afterAll(async () => {
    child?.kill('SIGKILL');
    await hec.stop();
    dir.remove();
  });

  it('delivers every one of 100,000 acknowledged records after a SIGKILL mid-delivery and a restart (duplicates counted, none missing)', async () => {
    await hec.start();
    const dataDir = join(dir.path, 'data');
    const config = join(dir.path, 'vigil.yaml');
    writeFileSync(config, [`data_dir: ${dataDir}`, 'log:', '  level: warn', 'api:', '  listen: 127.0.0.1:0', 'hec:', '  listen: 127.0.0.1:0', 'mqtt:', '  listen: 127.0.0.1:0', ''].join('\n'));

    const first = startVigil(config, dataDir);
    child = first.child;
    const api = await first.ready;
    const token = readFileSync(join(dataDir, 'secrets', 'admin-token'), 'utf8').trim();
    await firehose(api, token, 'CreateDeliveryStream', {
      DeliveryStreamName: 'siem',
      SplunkDestinationConfiguration: { HECEndpoint: hec.url, HECEndpointType: 'Event', HECToken: hec.token, RetryOptions: { DurationInSeconds: 3600 }, BufferingHints: { IntervalInSeconds: 1, SizeInMBs: 1 }, S3Configuration: { RoleARN: 'r', BucketARN: 'b' } },
    });
    // Smaller batches and a slow HEC keep many batches in flight when the process dies.
    const update = await fetch(`${api}/api/v1/streams/siem`, { headers: { authorization: `Bearer ${token}` } });
    const definition = (await update.json()) as { sink: Record<string, unknown> };
    const put = await fetch(`${api}/api/v1/streams/siem`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ ...definition, sink: { ...definition.sink, ackPollIntervalMs: 50, maxInFlight: 4 }, buffering: { sizeBytes: 64 * 1024, intervalSecs: 1 } }) });
    expect(put.status).toBe(200);

    for (let start = 0; start < TOTAL; start += BATCH) {
      const records = Array.from({ length: BATCH }, (_, i) => ({ Data: Buffer.from(JSON.stringify({ event: { id: start + i, pad: 'p'.repeat(160) } })).toString('base64') }));
      const result = await firehose(api, token, 'PutRecordBatch', { DeliveryStreamName: 'siem', Records: records });
      expect(result['FailedPutCount']).toBe(0);
    }
    await until(() => hec.ids().length >= 10_000, 'some deliveries before the kill', 120_000);
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const beforeKill = hec.ids().length;
    expect(beforeKill).toBeLessThan(TOTAL);

    const second = startVigil(config, dataDir);
    child = second.child;
    await second.ready;
    await until(() => new Set(hec.ids()).size >= TOTAL, 'every record after the restart', 240_000);

    const ids = hec.ids();
    const unique = new Set(ids);
    const missing = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => !unique.has(i));
    process.stdout.write(`kill -9 test: ${beforeKill} records arrived before SIGKILL; after restart ${ids.length} arrived in all, ${unique.size} distinct, ${ids.length - unique.size} duplicates, ${missing.length} missing\n`);
    expect(missing).toEqual([]);
    expect(unique.size).toBe(TOTAL);
    child.kill('SIGTERM');
  }, 400_000);
});
