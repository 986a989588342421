import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { streamClient } from '../../src/api/index.js';
import { runCli } from '../support/cli.js';
import { FaultHec } from '../support/fault-hec.js';
import { tempDir } from '../support/temp.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

const TOTAL = 20_000;
const root = new URL('../..', import.meta.url).pathname;

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000, everyMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

function files(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile()).sort();
  } catch {
    return [];
  }
}

/**
 * A backup holding TOTAL failed records (ids 0..TOTAL-1) in objects of `perObject` records, written
 * as Firehose writes splunk-failed objects (docs/stream.md: one JSON line per record, rawData = the
 * base64 of the HEC event as sent).
 */
function writeBackup(streamRoot: string, stream: string, perObject: number): number {
  let objects = 0;
  for (let start = 0; start < TOTAL; start += perObject) {
    const dir = join(streamRoot, 'splunk-failed', '2026', '12', '07', '10');
    mkdirSync(dir, { recursive: true });
    const lines = Array.from({ length: Math.min(perObject, TOTAL - start) }, (_v, k) => JSON.stringify({
      attemptsMade: 3,
      arrivalTimestamp: 1_796_000_000_000,
      errorCode: 'Splunk.InvalidEndpoint',
      errorMessage: 'the HEC endpoint could not be reached',
      attemptEndingTimestamp: 1_796_000_060_000,
      rawData: Buffer.from(JSON.stringify({ event: { id: start + k } })).toString('base64'),
      EventId: `${start + k + 1}.0`,
    }));
    writeFileSync(join(dir, `${stream}-1-2026-12-07-10-00-${String(objects % 60).padStart(2, '0')}-${randomUUID()}`), `${lines.join('\n')}\n`);
    objects++;
  }
  return objects;
}

/** How often each id arrived: [distinct ids, deliveries beyond the first, ids never delivered]. */
function tally(ids: readonly number[]): { distinct: number; duplicates: number; missing: number[] } {
  const seen = new Map<number, number>();
  for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  const missing = Array.from({ length: TOTAL }, (_v, i) => i).filter((i) => !seen.has(i));
  return { distinct: seen.size, duplicates: ids.length - seen.size, missing };
}

describe('stream replay is serialized per stream', () => {
  let vigil: TestVigil | undefined;
  const hec = new FaultHec();
  afterAll(async () => {
    await vigil?.stop();
    await hec.stop();
  });

  it('two concurrent replays (and a CLI one) of a 20,000-record backup: one runs, the others get 409; every record is delivered once', async () => {
    await hec.start();
    vigil = await startTestVigil({ log: { level: 'warn' } });
    const streams = streamClient(vigil.client);
    const batchRecords = 500;
    await streams.create({ name: 'r', sink: { type: 'splunk-hec', endpoint: hec.url, token: hec.token, ackPollIntervalMs: 20 }, buffering: { intervalSecs: 0, sizeBytes: 16 * 1024 } });
    const objects = writeBackup(join(vigil.dataDir, 'stream-backup', 'r'), 'r', batchRecords);
    expect(objects).toBe(40);

    const api = vigil.running.endpoints['api'] as string;
    const replayOverHttp = async (): Promise<{ status: number; json: any }> => {
      const response = await fetch(`${api}/api/v1/streams/r/replay`, { method: 'POST', headers: { authorization: `Bearer ${vigil?.adminToken}` } });
      return { status: response.status, json: await response.json() };
    };
    const [first, second, cli] = await Promise.all([
      replayOverHttp(),
      replayOverHttp(),
      runCli(['stream', 'replay', 'r', '--server', api, '--token', vigil.adminToken]),
    ]);
    const answers = [first, second];
    const ran = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 409);
    // The CLI's request may be the one that ran; exactly one of the three ran.
    expect(ran.length + (cli.code === 0 ? 1 : 0)).toBe(1);
    expect(refused.length + (cli.code === 1 ? 1 : 0)).toBe(2);
    for (const answer of refused) {
      expect(answer.json.code).toBe('stream.conflict');
      expect(answer.json.message).toMatch(/^a replay of stream r is already running \(\d+ backup objects, \d+ records queued so far\)$/);
      expect(answer.json.hint).toContain('vigil stream status r');
    }
    if (cli.code === 1) expect(cli.stderr).toContain('a replay of stream r is already running');
    if (ran.length === 1) expect(ran[0]?.json).toEqual({ objects: 40, records: TOTAL, resumedObjects: 0, resumes: 0 });
    else expect(cli.stdout).toBe(`replayed ${TOTAL} records from 40 backup objects into r\n`);

    await until(() => new Set(hec.ids()).size >= TOTAL, 'every replayed record at the HEC');
    await until(async () => (await streams.status('r')).outboxRecords === 0, 'an empty outbox');
    const counted = tally(hec.ids());
    process.stdout.write(`concurrent replays: ${hec.ids().length} deliveries, ${counted.distinct} distinct, ${counted.duplicates} duplicates, ${counted.missing.length} missing\n`);
    expect(counted.missing).toEqual([]);
    expect(counted.duplicates).toBeLessThanOrEqual(batchRecords);
    const backup = join(vigil.dataDir, 'stream-backup', 'r');
    expect(files(backup).every((f) => relative(backup, f).startsWith('replayed/'))).toBe(true);
    expect((await streams.status('r')).replay).toMatchObject({ state: 'done', objects: 40, records: TOTAL, resumedObjects: 0, resumes: 0 });

    // Nothing is left to replay: a second run finds nothing and puts nothing.
    const again = await replayOverHttp();
    expect(again).toEqual({ status: 200, json: { objects: 0, records: 0, resumedObjects: 0, resumes: 0 } });
  }, 180_000);
});

function startVigil(config: string, dataDir: string): { child: ChildProcess; ready: Promise<string> } {
  const endpoints = join(dataDir, 'run', 'endpoints.json');
  rmSync(endpoints, { force: true });
  const child = spawn(process.execPath, [join(root, 'bin/vigil.mjs'), 'up', '-c', config], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));
  const ready = (async () => {
    await until(() => existsSync(endpoints) || child.exitCode !== null, 'vigil up', 60_000, 50).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${stderr}`);
    });
    if (child.exitCode !== null) throw new Error(`vigil up exited ${child.exitCode}: ${stderr}`);
    return (JSON.parse(readFileSync(endpoints, 'utf8')) as { api: string }).api;
  })();
  return { child, ready };
}

describe('a replay killed with kill -9 resumes at the next start', () => {
  const dir = tempDir('vigil-replay-kill-');
  const hec = new FaultHec();
  let child: ChildProcess | undefined;
  afterAll(async () => {
    child?.kill('SIGKILL');
    await hec.stop();
    dir.remove();
  });

  it('after SIGKILL mid-replay the restarted server finishes it: every record delivered, duplicates at most one batch, the resume reported', async () => {
    await hec.start();
    const dataDir = join(dir.path, 'data');
    const config = join(dir.path, 'vigil.yaml');
    writeFileSync(config, [`data_dir: ${dataDir}`, 'log:', '  level: warn', 'api:', '  listen: 127.0.0.1:0', 'hec:', '  listen: 127.0.0.1:0', 'mqtt:', '  listen: 127.0.0.1:0', ''].join('\n'));
    const first = startVigil(config, dataDir);
    child = first.child;
    let api = await first.ready;
    const token = readFileSync(join(dataDir, 'secrets', 'admin-token'), 'utf8').trim();
    const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> => {
      const response = await fetch(`${api}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await response.text();
      return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
    };
    // One batch in flight at a time, of at most ~500 records: the delivery side of a kill re-sends at most one batch.
    const batchRecords = 500;
    const created = await call('POST', '/api/v1/streams', { name: 'k', sink: { type: 'splunk-hec', endpoint: hec.url, token: hec.token, ackPollIntervalMs: 20, maxInFlight: 1 }, buffering: { intervalSecs: 0, sizeBytes: batchRecords * 20 } });
    expect(created.status).toBe(201);
    const backup = join(dataDir, 'stream-backup', 'k');
    expect(writeBackup(backup, 'k', 100)).toBe(200);

    void call('POST', '/api/v1/streams/k/replay').catch(() => undefined);
    // Kill as soon as the replay has moved its first object (many are still waiting).
    await until(() => files(join(backup, 'replayed')).length > 0, 'the replay under way', 60_000, 2);
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const left = files(backup).filter((f) => !relative(backup, f).startsWith('replayed/')).length;
    const beforeKill = hec.ids().length;
    expect(left).toBeGreaterThan(0);

    const second = startVigil(config, dataDir);
    child = second.child;
    api = await second.ready;
    await until(async () => (await call('GET', '/api/v1/streams/k/status')).json.replay?.state === 'done', 'the resumed replay to finish');
    const status = (await call('GET', '/api/v1/streams/k/status')).json;
    expect(status.replay).toMatchObject({ state: 'done', objects: 200, records: TOTAL, resumes: 1 });
    await until(() => new Set(hec.ids()).size >= TOTAL, 'every record at the HEC after the restart');
    await until(async () => (await call('GET', '/api/v1/streams/k/status')).json.outboxRecords === 0, 'an empty outbox');
    const counted = tally(hec.ids());
    process.stdout.write(`replay kill -9: ${200 - left} of 200 objects moved before SIGKILL, ${beforeKill} records delivered before it; after restart ${hec.ids().length} deliveries, ${counted.distinct} distinct, ${counted.duplicates} duplicates, ${counted.missing.length} missing; resumedObjects ${status.replay.resumedObjects}\n`);
    expect(counted.missing).toEqual([]);
    expect(counted.duplicates).toBeLessThanOrEqual(batchRecords);
    expect(files(backup).every((f) => relative(backup, f).startsWith('replayed/'))).toBe(true);
    child.kill('SIGTERM');
  }, 300_000);
});
