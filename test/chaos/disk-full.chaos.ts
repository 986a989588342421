import { execFileSync } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { FaultHec } from '../support/fault-hec.js';
import { tempDir } from '../support/temp.js';
import { VigilProcess, until } from '../support/vigil-process.js';

/** Fills the file system holding `dir` until a write fails with ENOSPC; returns the filler's path. */
function fill(dir: string): string {
  const path = join(dir, 'filler.bin');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1024 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  // The last bytes, in smaller writes.
  const small = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, small);
  } catch {
    // full
  }
  closeSync(fd);
  return path;
}

function canMount(): boolean {
  try {
    const probe = tempDir('vigil-mount-probe-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe.path], { stdio: 'ignore' });
    execFileSync('umount', [probe.path], { stdio: 'ignore' });
    probe.remove();
    return true;
  } catch {
    return false;
  }
}

describe('a full disk under the data directory (a small tmpfs)', () => {
  const dir = tempDir('vigil-chaos-disk-');
  const dataDir = join(dir.path, 'data');
  const hec = new FaultHec({ ackDelayMs: 10 });
  let vigil: VigilProcess | undefined;
  let mounted = false;
  afterAll(async () => {
    await vigil?.kill();
    await hec.stop();
    if (mounted) execFileSync('umount', ['-l', dataDir], { stdio: 'ignore' });
    dir.remove();
  });

  it('refuses puts, HEC events (DuckDB writes fail) and registry writes with a clear retryable error while full, corrupts nothing, and recovers when space returns', async () => {
    // The fault suite runs as root in CI (as .ci/run does); a box that cannot mount cannot run this scenario.
    expect(canMount(), 'mounting a tmpfs needs root (CAP_SYS_ADMIN)').toBe(true);
    mkdirSync(dataDir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=96m', 'tmpfs', dataDir]);
    mounted = true;
    await hec.start();
    vigil = new VigilProcess(dir.path, { stream: { retry_initial_ms: 50, retry_max_ms: 500 }, store: { duckdb_memory_limit_mb: 128 } });
    await vigil.start();
    const v = vigil;
    const created = await v.fetchApi('/api/v1/streams', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 's', sink: { type: 'splunk-hec', endpoint: hec.url, token: hec.token, ackPollIntervalMs: 20 }, buffering: { intervalSecs: 0 }, retryDurationSecs: 3600 }) });
    expect(created.status).toBe(201);
    const hecToken = ((await (await v.fetchApi('/api/v1/hec/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'disk', index: 'main' }) })).json()) as { token: string }).token;
    // PutRecordBatch takes at most 500 records: the first refused batch answers for the whole put.
    const put = async (ids: number[]): Promise<Response> => {
      let last: Response | undefined;
      for (let i = 0; i < ids.length; i += 500) {
        last = await v.fetchApi('/', { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Firehose_20150804.PutRecordBatch' }, body: JSON.stringify({ DeliveryStreamName: 's', Records: ids.slice(i, i + 500).map((id) => ({ Data: Buffer.from(JSON.stringify({ event: { id } })).toString('base64') })) }) });
        if (last.status !== 200) return last;
      }
      return last as Response;
    };
    const events = (ids: number[]): Promise<Response> => fetch(`${v.hec}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${hecToken}` }, body: ids.map((id) => JSON.stringify({ event: { disk: 'x', id } })).join('') });
    const thing = (name: string): Promise<Response> => v.fetchApi(`/things/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

    const before = Array.from({ length: 1000 }, (_v, i) => i);
    expect((await put(before)).status).toBe(200);
    expect((await events(before)).status).toBe(200);
    expect((await thing('before-full')).status).toBe(200);
    await until(() => before.every((id) => hec.ids().includes(id)), 'delivery before the disk fills', 60_000);

    const filler = fill(dataDir);
    const free = statfsSync(dataDir);
    const during = Array.from({ length: 5000 }, (_v, i) => 10_000 + i);
    const refusedPut = await put(during);
    const refusedPutBody = (await refusedPut.json()) as { __type?: string; message?: string };
    const refusedEvents = await events(during);
    const refusedEventsBody = (await refusedEvents.json()) as { code?: number; text?: string };
    const refusedThing = await thing('while-full');
    const refusedThingBody = (await refusedThing.json()) as { message?: string };
    process.stdout.write(`chaos disk full (${free.bavail * free.bsize} bytes left): put → ${refusedPut.status} ${JSON.stringify(refusedPutBody)}; HEC → ${refusedEvents.status} ${JSON.stringify(refusedEventsBody)}; CreateThing → ${refusedThing.status} ${JSON.stringify(refusedThingBody)}\n`);
    // Retryable refusals that say what is wrong: 503 and HEC code 9 ("server is busy").
    expect(refusedPut.status).toBe(503);
    expect(refusedPutBody.__type).toBe('ServiceUnavailableException');
    expect(refusedPutBody.message).toMatch(/disk|space|full/i);
    expect(refusedEvents.status).toBe(503);
    expect(refusedEventsBody.code).toBe(9);
    expect(refusedThing.status).toBe(503);
    expect(refusedThingBody.message).toMatch(/disk|space|full/i);
    expect((await fetch(`${v.api}/health`)).status).toBe(200);
    expect(v.alive).toBe(true);

    rmSync(filler);
    // The same requests, retried as a client would, now succeed.
    await until(async () => (await put(during)).status === 200, 'puts accepted again', 60_000, 500);
    expect((await events(during)).status).toBe(200);
    expect((await thing('after-full')).status).toBe(200);
    await until(() => during.every((id) => hec.ids().includes(id)), 'delivery after space returned', 120_000, 200);
    await v.stop();

    // Nothing corrupted: the registry and the outbox pass SQLite's integrity check; the event store opens with every event.
    for (const file of ['registry.sqlite', 'outbox.sqlite']) {
      const db = new Database(join(dataDir, file), { readonly: true });
      expect(db.pragma('integrity_check', { simple: true }), file).toBe('ok');
      db.close();
    }
    const instance = await DuckDBInstance.create(join(dataDir, 'events.duckdb'));
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll("select count(distinct json_extract(raw, '$.id')) as n from siem_events where json_extract_string(raw, '$.disk') = 'x'");
    const stored = Number(reader.getRowObjects()[0]?.['n']);
    connection.closeSync();
    instance.closeSync();
    expect(stored).toBe(before.length + during.length);
  });
});
