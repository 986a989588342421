import { accessKeyRepository, ensureDataDir, migrateRegistry, openPostgresRegistry, openSqliteRegistry, type RegistryDb } from '../store/index.js';
import type { AccessKeyStore } from '../model/index.js';
import type { LoadedVigilConfig } from './load.js';

/** The registry opened directly (no server running): for CLI commands that work offline. */
export interface CliStores {
  readonly registry: RegistryDb;
  readonly accessKeys: AccessKeyStore;
  close(): Promise<void>;
}

export async function openStoresForCli(loaded: LoadedVigilConfig): Promise<CliStores> {
  const { config } = loaded;
  const layout = ensureDataDir(loaded.dataDir);
  const registry = config.store.registry.type === 'postgres'
    ? await openPostgresRegistry(config.store.registry.url, { maxConnections: 2 })
    : openSqliteRegistry(layout.registryPath);
  const migrated = await migrateRegistry(registry);
  if (!migrated.ok) {
    await registry.close();
    throw migrated.error;
  }
  return { registry, accessKeys: accessKeyRepository(registry), close: () => registry.close() };
}
