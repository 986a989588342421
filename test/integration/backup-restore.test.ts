import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { VigilClient, siemClient } from '../../src/api/index.js';
import { EPHEMERAL_LISTENERS, readEndpoints, spawnVigil } from '../support/spawn-vigil.js';
import { tempDir } from '../support/temp.js';
import { signedFetch } from '../support/sigv4.js';
import { startTestVigil } from '../support/vigil.js';

const dir = tempDir('vigil-backup-');
afterAll(() => dir.remove());

const LOAD_MS = 60_000;
const BACKUP_AT_MS = 30_000;

/** HEC events sent in batches until stopped; remembers every seq HEC answered code 0 for (committed). */
function hecLoad(hecUrl: string, token: string): { committed: Set<number>; stop(): Promise<void> } {
  const committed = new Set<number>();
  let seq = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const batch = Array.from({ length: 5 }, () => ++seq);
      const body = batch.map((n) => JSON.stringify({ event: { seq: n, note: 'backup load' }, sourcetype: 'backup-load', index: 'main' })).join('\n');
      try {
        const response = await fetch(`${hecUrl}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${token}` }, body });
        if (((await response.json()) as { code?: number }).code === 0) for (const n of batch) committed.add(n);
      } catch {
        // counted as not committed
      }
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  })();
  return {
    committed,
    async stop() {
      running = false;
      await loop;
    },
  };
}

describe('backup during load, restore, and the restored server', () => {
  it('a backup taken by the running server during 60 s of devices reporting and HEC ingest restores into a server that finds every event indexed before the backup and accepts the same device certificates', async () => {
    const origin = join(dir.path, 'origin');
    mkdirSync(origin);
    const vigil = spawnVigil(['up', '--demo', '--devices', '8', '--speed', '100'], { cwd: origin, env: EPHEMERAL_LISTENERS });
    const backupFile = join(dir.path, 'vigil.backup.tar.gz');
    let load: ReturnType<typeof hecLoad> | undefined;
    let committedBefore: Set<number>;
    let hfbBefore: number;
    let firstThing: string;
    try {
      await vigil.waitFor(() => (vigil.stdout().includes('Press Ctrl-C to stop.') ? true : undefined), 'demo start-up', 120_000);
      const dataDir = join(origin, 'vigil-data');
      const endpoints = readEndpoints(dataDir) as Record<string, string>;
      const admin = readFileSync(join(dataDir, 'secrets', 'admin-token'), 'utf8').trim();
      const search = siemClient(new VigilClient({ baseUrl: endpoints['api'] as string, token: admin }));
      load = hecLoad(endpoints['hec'] as string, readFileSync(join(dataDir, 'secrets', 'hec-token'), 'utf8').trim());
      const started = Date.now();
      await new Promise((resolve) => setTimeout(resolve, BACKUP_AT_MS));

      // What was indexed before the backup began: every committed HEC event, and the demo pipeline's events.
      committedBefore = new Set(load.committed);
      hfbBefore = Number((await search.search('index=aws_hfb | stats count')).rows[0]?.['count']);
      expect(committedBefore.size).toBeGreaterThan(100);
      expect(hfbBefore).toBeGreaterThan(0);
      const backup = spawnVigil(['backup', '--out', backupFile], { cwd: origin });
      expect(await backup.exited, backup.stderr()).toBe(0);
      expect(backup.stdout()).toContain('It holds secrets');
      expect(statSync(backupFile).mode & 0o777).toBe(0o600);
      // The load went on while the server wrote the backup.
      const duringBackup = load.committed.size - committedBefore.size;
      expect(duringBackup).toBeGreaterThan(0);

      await new Promise((resolve) => setTimeout(resolve, Math.max(0, LOAD_MS - (Date.now() - started))));
      await load.stop();
      firstThing = readdirSync(join(dataDir, 'sim', 'certs')).filter((n) => n !== 'ca.pem').sort()[0] as string;
      vigil.child.kill('SIGTERM');
      expect(await vigil.exited).toBe(0);
    } finally {
      await load?.stop();
      vigil.kill();
    }

    const restoredDir = join(dir.path, 'restored');
    const restore = spawnVigil(['restore', backupFile, '--data-dir', restoredDir], { cwd: dir.path });
    expect(await restore.exited, restore.stderr()).toBe(0);
    expect(statSync(join(restoredDir, 'secrets')).mode & 0o777).toBe(0o700);
    expect(statSync(join(restoredDir, 'secrets', 'ca.key')).mode & 0o777).toBe(0o600);
    // A second restore into the now-filled directory is refused.
    const again = spawnVigil(['restore', backupFile, '--data-dir', restoredDir], { cwd: dir.path });
    expect(await again.exited).toBe(1);
    expect(again.stderr()).toContain('is not empty');

    const restored = await startTestVigil({}, { dataDir: restoredDir });
    try {
      expect(restored.adminToken).toBe(readFileSync(join(dir.path, 'origin', 'vigil-data', 'secrets', 'admin-token'), 'utf8').trim());
      const search = siemClient(restored.client);
      const rows = (await search.search('index=main sourcetype=backup-load | stats count by seq', { maxRows: 1_000_000 })).rows;
      const found = new Set(rows.map((r) => Number(r['seq'])));
      const missing = [...committedBefore].filter((n) => !found.has(n));
      expect(missing).toEqual([]);
      expect(Number((await search.search('index=aws_hfb | stats count')).rows[0]?.['count'])).toBeGreaterThanOrEqual(hfbBefore);

      // A simulated device's own certificate, from the original data directory, on the restored broker.
      const certs = join(dir.path, 'origin', 'vigil-data', 'sim', 'certs');
      const device = await mqtt.connectAsync(restored.running.endpoints['mqtt'] as string, {
        clientId: firstThing,
        protocolVersion: 4,
        reconnectPeriod: 0,
        connectTimeout: 10_000,
        ca: readFileSync(join(certs, 'ca.pem')),
        cert: readFileSync(join(certs, firstThing, 'cert.pem')),
        key: readFileSync(join(certs, firstThing, 'private.key')),
      });
      try {
        const topic = `$aws/things/${firstThing}/defender/metrics/json`;
        await device.subscribeAsync(`${topic}/accepted`, { qos: 1 });
        const answered = new Promise<Record<string, unknown>>((resolve) => device.on('message', (_t, payload) => resolve(JSON.parse(payload.toString()) as Record<string, unknown>)));
        const reportId = Math.floor(Date.now() / 1000);
        await device.publishAsync(topic, JSON.stringify({ header: { report_id: reportId, version: '1.0' }, metrics: { listening_tcp_ports: { ports: [{ port: 22 }], total: 1 } } }), { qos: 1 });
        expect(await answered).toMatchObject({ status: 'ACCEPTED', reportId });
      } finally {
        await device.endAsync();
      }
    } finally {
      await restored.stop();
    }
  }, 300_000);

  it('the backup route answers only the admin token (not an access key, not the metrics token), one backup at a time; a damaged archive is refused and leaves nothing behind', async () => {
    const vigil = await startTestVigil();
    try {
      const api = vigil.running.endpoints['api'] as string;
      const key = await vigil.client.accessKeys.create('backup test');
      const signed = await signedFetch('POST', `${api}/api/v1/backup`, key);
      expect(signed.status).toBe(403);
      const metricsToken = readFileSync(join(vigil.dataDir, 'secrets', 'metrics-token'), 'utf8').trim();
      expect((await fetch(`${api}/api/v1/backup`, { method: 'POST', headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(401);
      const post = () => fetch(`${api}/api/v1/backup`, { method: 'POST', headers: { authorization: `Bearer ${vigil.adminToken}` } });
      const [first, second] = await Promise.all([post(), post()]);
      expect([first.status, second.status].sort()).toEqual([200, 409]);
      const ok = first.status === 200 ? first : second;
      expect(ok.headers.get('content-type')).toBe('application/gzip');
      const archive = Buffer.from(await ok.arrayBuffer());
      expect(archive.byteLength).toBeGreaterThan(1000);
      expect(((await (first.status === 409 ? first : second).json()) as { code: string }).code).toBe('backup.conflict');

      // The same archive cut in half: refused, and the target directory is not left behind.
      const damaged = join(dir.path, 'damaged.tar.gz');
      writeFileSync(damaged, archive.subarray(0, Math.floor(archive.length / 2)));
      const target = join(dir.path, 'from-damaged');
      const restore = spawnVigil(['restore', damaged, '--data-dir', target], { cwd: dir.path });
      expect(await restore.exited).toBe(1);
      expect(restore.stderr()).toContain('the backup file is damaged');
      expect(() => statSync(target)).toThrow();
    } finally {
      await vigil.stop();
    }
  });
});
