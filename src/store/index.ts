/**
 * store: persistence. The registry database through Kysely (SQLite by default, PostgreSQL for
 * scale-out, same repositories), numbered migrations applied at start, the single DuckDB handle for
 * events and datapoint history, the data-directory layout and secret files (0600). Repositories here
 * implement the storage ports of `model`. Imports: core, model, config and npm.
 */
export { openSqliteRegistry, openSqliteFile, type SqliteOptions } from './sqlite.js';
export { openPostgresRegistry, dropPostgresSchema, type PostgresOptions } from './postgres.js';
export { migrateRegistry } from './migrate.js';
export { REGISTRY_MIGRATIONS, type RegistryMigration } from './migrations/index.js';
export { openDuckDb, migrateDuckDb, DUCK_MIGRATIONS, type EventsDb, type DuckMigration } from './duckdb.js';
export { toNumber, toJson, fromJson, type RegistryDb, type DialectName } from './dialect.js';
export { dataDirLayout, ensureDataDir, readOrCreateSecret, writeSecret, type DataDir, type SecretFile } from './data-dir.js';
export { accessKeyRepository } from './repositories/access-keys.js';
export { storeConfigSchema } from './config.js';
export type { RegistryDatabase } from './schema.js';
