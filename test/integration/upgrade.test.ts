import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { registryClient, siemClient } from '../../src/api/index.js';
import { DUCK_MIGRATIONS, REGISTRY_MIGRATIONS, migrateDuckDb, migrateRegistry, openDuckDb, openSqliteRegistry } from '../../src/store/index.js';
import { EVENT_MIGRATIONS } from '../../src/siem/events/event-schema.js';
import { signedFetch } from '../support/sigv4.js';
import { tempDir } from '../support/temp.js';
import { startTestVigil } from '../support/vigil.js';

type Row = Record<string, unknown>;

/** Two rows per table made from the column types alone (foreign keys point at the referenced table's first row). */
function seedSqlite(path: string, round: number): Map<string, Row[]> {
  const db = new Database(path);
  try {
    const tables = (db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'vigil_migrations%' order by name").all() as Array<{ name: string }>).map((t) => t.name);
    // Referenced tables first.
    const refs = new Map(tables.map((t) => [t, db.prepare(`pragma foreign_key_list("${t}")`).all() as Array<{ table: string; from: string; to: string }>]));
    const ordered = [...tables].sort((a, b) => (refs.get(a)?.some((r) => r.table === b) ? 1 : refs.get(b)?.some((r) => r.table === a) ? -1 : 0));
    const seeded = new Map<string, Row[]>();
    for (const table of ordered) {
      const columns = db.prepare(`pragma table_info("${table}")`).all() as Array<{ name: string; type: string }>;
      const rows: Row[] = [];
      for (let i = 0; i < 2; i++) {
        const row: Row = {};
        for (const column of columns) {
          const ref = refs.get(table)?.find((r) => r.from === column.name);
          if (ref !== undefined) row[column.name] = (seeded.get(ref.table)?.[0] as Row)[ref.to];
          else row[column.name] = /int/i.test(column.type) ? 1000 * round + i : `r${round}-${table}-${column.name}-${i}`;
        }
        db.prepare(`insert into "${table}" (${columns.map((c) => `"${c.name}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`).run(...columns.map((c) => row[c.name] as string | number));
        rows.push(row);
      }
      seeded.set(table, rows);
    }
    return seeded;
  } finally {
    db.close();
  }
}

function readSqlite(path: string, table: string, columns: readonly string[]): Row[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(`select ${columns.map((c) => `"${c}"`).join(', ')} from "${table}" order by rowid`).all() as Row[];
  } finally {
    db.close();
  }
}

/** Every DuckDB migration of the event store file: the store's own and the SIEM event table's (applied when its event store opens), in the order their names give. */
const EVENTS_FILE_MIGRATIONS = [...DUCK_MIGRATIONS, ...EVENT_MIGRATIONS].sort((a, b) => a.name.localeCompare(b.name));

describe('upgrades: migrations run forward from every earlier schema version and lose nothing', () => {
  it('registry (SQLite): a data dir at each earlier version, with rows in every table, migrates to the latest with every row and column value intact', async () => {
    const dir = tempDir('vigil-upgrade-registry-');
    try {
      for (let version = 1; version < REGISTRY_MIGRATIONS.length; version++) {
        const path = join(dir.path, `registry-v${version}.sqlite`);
        // Built by the real earlier migrations, with rows added after each one (so tables of every age hold data).
        const seeded = new Map<string, Row[]>();
        for (let step = 1; step <= version; step++) {
          const db = openSqliteRegistry(path);
          const migrated = await migrateRegistry(db, REGISTRY_MIGRATIONS.slice(0, step));
          await db.close();
          expect(migrated.ok).toBe(true);
          for (const [table, rows] of seedSqlite(path, step)) seeded.set(table, [...(seeded.get(table) ?? []), ...rows]);
        }
        const db = openSqliteRegistry(path);
        const upgraded = await migrateRegistry(db);
        await db.close();
        if (!upgraded.ok) throw upgraded.error;
        expect(upgraded.value, `from version ${version}`).toEqual(REGISTRY_MIGRATIONS.slice(version).map((m) => m.name));
        for (const [table, rows] of seeded) {
          const columns = Object.keys(rows[0] as Row);
          expect(readSqlite(path, table, columns), `${table} from version ${version}`).toEqual(rows);
        }
      }
    } finally {
      dir.remove();
    }
  });

  it('event store (DuckDB): a store at each earlier version, with rows in every table, migrates to the latest with every row intact', async () => {
    const dir = tempDir('vigil-upgrade-events-');
    try {
      for (let version = 1; version < EVENTS_FILE_MIGRATIONS.length; version++) {
        const path = join(dir.path, `events-v${version}.duckdb`);
        const seeded = new Map<string, Row[]>();
        for (let step = 1; step <= version; step++) {
          const opened = await openDuckDb(path);
          if (!opened.ok) throw opened.error;
          const events = opened.value;
          expect((await migrateDuckDb(events, EVENTS_FILE_MIGRATIONS.slice(0, step))).ok).toBe(true);
          const tables = (await events.connection.runAndReadAll("select table_name from information_schema.tables where table_schema = 'main' and table_name <> 'vigil_duck_migrations' order by table_name")).getRowObjects().map((r) => String(r['table_name']));
          for (const table of tables) {
            const columns = (await events.connection.runAndReadAll(`select column_name, data_type from information_schema.columns where table_name = '${table}' order by ordinal_position`)).getRowObjects();
            for (let i = 0; i < 2; i++) {
              const row: Row = {};
              for (const c of columns) {
                const name = String(c['column_name']);
                const type = String(c['data_type']);
                row[name] = type === 'BOOLEAN' ? i === 0 : /INT/.test(type) ? 1000 * step + i : table === 'siem_events' && name === 'raw' ? `{"seq":${step * 10 + i}}` : `r${step}-${table}-${name}-${i}`;
              }
              const values = columns.map((c) => {
                const v = row[String(c['column_name'])];
                return typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v);
              });
              await events.connection.run(`insert into "${table}" (${columns.map((c) => `"${String(c['column_name'])}"`).join(', ')}) values (${values.join(', ')})`);
              seeded.set(table, [...(seeded.get(table) ?? []), row]);
            }
          }
          await events.close();
        }
        const opened = await openDuckDb(path);
        if (!opened.ok) throw opened.error;
        const upgraded = await migrateDuckDb(opened.value, EVENTS_FILE_MIGRATIONS);
        if (!upgraded.ok) throw upgraded.error;
        expect(upgraded.value, `from version ${version}`).toEqual(EVENTS_FILE_MIGRATIONS.slice(version).map((m) => m.name));
        for (const [table, rows] of seeded) {
          const columns = Object.keys(rows[0] as Row);
          const read = (await opened.value.connection.runAndReadAll(`select ${columns.map((c) => `"${c}"`).join(', ')} from "${table}" order by ${columns.includes('serial') ? 'serial, ' : ''}"${columns[0]}"`)).getRowObjects().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
          expect(read.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))), `${table} from version ${version}`).toEqual([...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
        }
        await opened.value.close();
      }
    } finally {
      dir.remove();
    }
  });

  it('a data dir of the oldest supported version (registry 001–002, events 001–002) starts on the current server: its access key signs, its thing and certificate authenticate a device, its policy authorizes it, its events are found', async () => {
    const dir = tempDir('vigil-upgrade-oldest-');
    try {
      const dataDir = dir.path;
      const secrets = join(dataDir, 'secrets');
      mkdirSync(secrets, { recursive: true, mode: 0o700 });
      // The CA and the device certificate, made with openssl (independent of Vigil's CA code).
      const openssl = (args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });
      const p = (name: string): string => join(dataDir, name);
      openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(secrets, 'ca.key')]);
      openssl(['req', '-x509', '-new', '-key', join(secrets, 'ca.key'), '-out', join(secrets, 'ca.pem'), '-days', '30', '-subj', '/CN=Vigil CA old/O=Vigil', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature']);
      openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p('device.key')]);
      openssl(['req', '-new', '-key', p('device.key'), '-out', p('device.csr'), '-subj', '/CN=old-device']);
      writeFileSync(p('ext.cnf'), 'extendedKeyUsage=clientAuth\n');
      openssl(['x509', '-req', '-in', p('device.csr'), '-CA', join(secrets, 'ca.pem'), '-CAkey', join(secrets, 'ca.key'), '-CAcreateserial', '-out', p('device.pem'), '-days', '30', '-extfile', p('ext.cnf')]);
      const caPem = readFileSync(join(secrets, 'ca.pem'), 'utf8');
      const devicePem = readFileSync(p('device.pem'), 'utf8');
      const ca = new X509Certificate(caPem);
      const device = new X509Certificate(devicePem);
      const id = (cert: X509Certificate): string => createHash('sha256').update(cert.raw).digest('hex');
      const deviceId = id(device);
      const now = Date.now();

      // Registry at version 002 (the first with devices), rows as that version wrote them.
      const registryPath = join(dataDir, 'registry.sqlite');
      const registry = openSqliteRegistry(registryPath);
      expect((await migrateRegistry(registry, REGISTRY_MIGRATIONS.slice(0, 2))).ok).toBe(true);
      await registry.close();
      const db = new Database(registryPath);
      db.prepare('insert into access_keys (access_key_id, secret_access_key, description, created_at) values (?, ?, ?, ?)').run('AKIAOLDVERSION000001', 'old-secret-old-secret-old-secret-old-sec', 'made by the oldest version', now);
      db.prepare('insert into things (thing_name, thing_id, thing_type_name, attributes, version, created_at) values (?, ?, ?, ?, ?, ?)').run('old-device', 'a1b2c3', null, '{"site":"north"}', 1, now);
      db.prepare('insert into certificates (certificate_id, ca_certificate_id, status, certificate_pem, serial_number, subject, issuer, not_before, not_after, created_at, updated_at, revoked_at, customer_version, generation_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(deviceId, id(ca), 'ACTIVE', devicePem, device.serialNumber.toUpperCase(), device.subject.replace(/\n/g, ', '), device.issuer.replace(/\n/g, ', '), Date.parse(device.validFrom), Date.parse(device.validTo), now, now, null, 1, 'g1');
      db.prepare('insert into thing_principals (thing_name, certificate_id, principal_type, created_at) values (?, ?, ?, ?)').run('old-device', deviceId, 'NON_EXCLUSIVE_THING', now);
      const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iot:Connect', 'iot:Publish', 'iot:Subscribe', 'iot:Receive'], Resource: '*' }] };
      db.prepare('insert into policies (policy_name, default_version_id, last_version_id, created_at, updated_at, generation_id) values (?, ?, ?, ?, ?, ?)').run('OldPolicy', 1, 1, now, now, 'g1');
      db.prepare('insert into policy_versions (policy_name, version_id, document, created_at) values (?, ?, ?, ?)').run('OldPolicy', 1, JSON.stringify(policy), now);
      db.prepare('insert into policy_targets (policy_name, target_kind, target_id, created_at) values (?, ?, ?, ?)').run('OldPolicy', 'cert', deviceId, now);
      db.close();

      // Event store at version 002.
      const opened = await openDuckDb(join(dataDir, 'events.duckdb'));
      if (!opened.ok) throw opened.error;
      expect((await migrateDuckDb(opened.value, EVENTS_FILE_MIGRATIONS.slice(0, 2))).ok).toBe(true);
      for (let seq = 1; seq <= 3; seq++) {
        await opened.value.connection.run(`insert into siem_events (time_ms, "index", sourcetype, source, host, raw, is_json, fields, indextime_ms, serial) values (${now - 60_000 + seq}, 'main', 'old', 'seed', 'h', '{"seq":${seq},"msg":"before the upgrade"}', true, null, ${now}, ${seq})`);
      }
      await opened.value.close();

      const vigil = await startTestVigil({}, { dataDir });
      try {
        const api = vigil.running.endpoints['api'] as string;
        const signed = await signedFetch('GET', `${api}/things`, { accessKeyId: 'AKIAOLDVERSION000001', secretAccessKey: 'old-secret-old-secret-old-secret-old-sec' });
        expect(signed.status).toBe(200);
        expect(JSON.stringify(await signed.json())).toContain('old-device');
        expect(await registryClient(vigil.client).describeThing('old-device')).toMatchObject({ thingName: 'old-device', attributes: { site: 'north' } });
        const rows = (await siemClient(vigil.client).search('index=main sourcetype=old | spath seq | sort seq | table seq msg')).rows;
        expect(rows.map((r) => r['seq'])).toEqual(['1', '2', '3']);
        expect(rows[0]?.['msg']).toBe('before the upgrade');

        const client = await mqtt.connectAsync(vigil.running.endpoints['mqtt'] as string, { clientId: 'old-device', protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000, ca: caPem, cert: devicePem, key: readFileSync(p('device.key')) });
        try {
          const topic = '$aws/things/old-device/defender/metrics/json';
          await client.subscribeAsync(`${topic}/accepted`, { qos: 1 });
          const answer = new Promise<Row>((resolve) => client.on('message', (_t, payload) => resolve(JSON.parse(payload.toString()) as Row)));
          await client.publishAsync(topic, JSON.stringify({ header: { report_id: 1, version: '1.0' }, metrics: { listening_tcp_ports: { ports: [{ port: 22 }], total: 1 } } }), { qos: 1 });
          expect(await answer).toMatchObject({ status: 'ACCEPTED', reportId: 1, thingName: 'old-device' });
        } finally {
          await client.endAsync();
        }
      } finally {
        await vigil.stop();
      }
    } finally {
      dir.remove();
    }
  }, 120_000);
});
