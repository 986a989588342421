import { Migrator, type Kysely, type Migration } from 'kysely';
import { VigilError, err, ok, type Result } from '../core/index.js';
import type { RegistryDb } from './dialect.js';
import { REGISTRY_MIGRATIONS, type RegistryMigration } from './migrations/index.js';

/** Applies every pending registry migration in order (Kysely's migrator, which locks against concurrent runs). */
export async function migrateRegistry(registry: RegistryDb, migrations: readonly RegistryMigration[] = REGISTRY_MIGRATIONS): Promise<Result<string[]>> {
  const db = registry.db as unknown as Kysely<unknown>;
  const dialect = registry.dialect;
  const table: Record<string, Migration> = {};
  for (const migration of migrations) table[migration.name] = { up: (k) => migration.up(k, dialect) };
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => table },
    migrationTableName: 'vigil_migrations',
    migrationLockTableName: 'vigil_migrations_lock',
    // Kysely looks for its tables across all schemas on PostgreSQL; pin it to ours.
    ...(dialect === 'postgres' ? { migrationTableSchema: registry.schema ?? 'public' } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    return err(new VigilError('store.migration_failed', `registry migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error, hint: 'the database may be from a newer Vigil, or damaged; restore a backup or use a fresh data directory' }));
  }
  return ok((results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName));
}
