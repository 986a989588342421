/**
 * store: persistence. The registry database through Kysely (SQLite by default, PostgreSQL for
 * scale-out, same repositories), numbered migrations applied at start, the single DuckDB handle for
 * events and datapoint history, the data-directory layout and secret files (0600). Repositories here
 * implement the storage ports of `model`. Imports: core, model, config and npm.
 */
export { openSqliteRegistry, openSqliteFile, type SqliteOptions } from './sqlite.js';
export { SqliteOutbox, type SqliteOutboxRecord } from './sqlite-outbox.js';
export { SqliteExportJournal } from './export-journal.js';
export { openPostgresRegistry, dropPostgresSchema, type PostgresOptions } from './postgres.js';
export { migrateRegistry } from './migrate.js';
export { REGISTRY_MIGRATIONS, type RegistryMigration } from './migrations/index.js';
export { openDuckDb, duckdbMemoryBytes, migrateDuckDb, DUCK_MIGRATIONS, type EventsDb, type DuckMigration } from './duckdb.js';
export { toNumber, toJson, fromJson, type RegistryDb, type DialectName } from './dialect.js';
export { dataDirLayout, ensureDataDir, readOrCreateSecret, writeSecret, type DataDir, type SecretFile } from './data-dir.js';
export { accessKeyRepository } from './repositories/access-keys.js';
export { thingRepository } from './repositories/things.js';
export { certificateRepository } from './repositories/certificates.js';
export { policyRepository } from './repositories/policies.js';
export { tagRepository } from './repositories/tags.js';
export { registryRepositories } from './repositories/registry-repositories.js';
export { hecTokenRepository } from './repositories/siem-hec-tokens.js';
export { siemIndexRepository } from './repositories/siem-indexes.js';
export { streamRepository } from './repositories/streams.js';
export { notifyRepository } from './repositories/topics.js';
export { topicRuleRepository } from './repositories/rules.js';
export { detectProfileRepository } from './repositories/detect-profiles.js';
export { detectViolationRepository } from './repositories/detect-violations.js';
export { detectMitigationRepository } from './repositories/detect-mitigation.js';
export { auditRepository } from './repositories/audit-store.js';
export { detectMetricHistory } from './repositories/detect-metric-values.js';
export { detectMlModelRepository, detectMlTrainingSource } from './repositories/detect-ml-models.js';
export { connectionHistoryRepository } from './repositories/connection-history.js';
export { dashboardRepository } from './repositories/dashboards.js';
export { savedSearchRepository } from './repositories/saved-searches.js';
export { clusterSecretRepository, type ClusterSecretStore } from './repositories/cluster-secrets.js';
export { playbookRepository } from './repositories/playbooks.js';
export { storeConfigSchema } from './config.js';
export { snapshotRegistry, snapshotSqliteFile, snapshotEvents } from './snapshot.js';
export { TarWriter, extractTar, type ExtractedFile, type Placement } from './tar.js';
export { writeBackupArchive, restoreBackupArchive, verifyBackupArchive, type BackupContent } from './backup-archive.js';
export type { RegistryDatabase } from './schema.js';
