import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { thingDirectory, validateVigilConfig } from '../../src/app/index.js';
import { createRegistry } from '../../src/registry/index.js';
import { ensureDataDir, migrateRegistry, openSqliteRegistry, type RegistryDb, registryRepositories } from '../../src/store/index.js';
import { Telemetry, createLogger } from '../../src/telemetry/index.js';
import { tempDir } from '../support/temp.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openRegistry(): Promise<{ db: RegistryDb; registry: Awaited<ReturnType<typeof createRegistry>> }> {
  const dir = tempDir('vigil-directory-');
  cleanups.push(() => dir.remove());
  const { config } = validateVigilConfig({ data_dir: dir.path });
  const layout = ensureDataDir(dir.path);
  const db = openSqliteRegistry(layout.registryPath);
  const migrated = await migrateRegistry(db);
  if (!migrated.ok) throw migrated.error;
  const telemetry = new Telemetry(createLogger({ level: 'error', format: 'json', destination: new Writable({ write: (_c, _e, done) => done() }) }));
  const registry = await createRegistry({
    stores: registryRepositories(db),
    config: config.registry,
    secretsDir: layout.secretsDir,
    clock: { now: () => Date.now() },
    telemetry,
    region: config.region,
    accountId: config.account_id,
  });
  return { db, registry };
}

describe('the thing directory detect sees (app/wire-detect)', () => {
  it('answers with the registry\'s own group lookups: effective groups, descendants, membership changes as results', async () => {
    const { db, registry } = await openRegistry();
    cleanups.push(() => db.close());
    await registry.things.createGroup({ groupName: 'site' });
    await registry.things.createGroup({ groupName: 'line', parentGroupName: 'site' });
    await registry.things.createGroup({ groupName: 'cell', parentGroupName: 'line' });
    await registry.things.createThing({ thingName: 'pump-1' });
    const directory = thingDirectory(registry);

    expect(await directory.groupsOf('ghost')).toBeUndefined();
    expect(await directory.groupsOf('pump-1')).toEqual([]);
    expect(await directory.addThingToGroup('cell', 'pump-1')).toEqual({ ok: true, value: undefined });
    expect([...((await directory.groupsOf('pump-1')) ?? [])].sort()).toEqual(['cell', 'line', 'site']);
    expect([...(await directory.descendantsOf('site'))].sort()).toEqual(['cell', 'line']);
    expect(await directory.groupExists('line')).toBe(true);
    expect(await directory.groupExists('nowhere')).toBe(false);
    const missing = await directory.addThingToGroup('nowhere', 'pump-1');
    expect(missing.ok ? undefined : missing.error.code).toBe('thing_group.not_found');
  });

  it('does not read a failing database as an unregistered thing: the error reaches the caller', async () => {
    const { db, registry } = await openRegistry();
    await registry.things.createThing({ thingName: 'pump-1' });
    const directory = thingDirectory(registry);
    await db.close();
    await expect(directory.groupsOf('pump-1')).rejects.toThrow();
  });
});
