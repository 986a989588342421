import { chmodSync, existsSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { VigilError, err, ok, type Result } from '../core/index.js';

/** One schema change of the DuckDB event store. */
export interface DuckMigration {
  readonly name: string;
  readonly sql: string;
}

/**
 * DuckDB migrations of the tables the store owns, in order. The SIEM's event table is the SIEM's
 * (`src/siem/events/event-schema.ts`, applied when its event store opens).
 */
export const DUCK_MIGRATIONS: readonly DuckMigration[] = [
  { name: '001-foundation', sql: 'create table if not exists vigil_meta (key varchar primary key, value varchar not null)' },
  // Detect retained metric values (ListMetricValues); empty strings stand for "no dimension".
  { name: '007-detect-metric-values', sql: 'create table if not exists detect_metric_values (thing_name varchar not null, metric varchar not null, dimension_name varchar not null, dimension_operator varchar not null, time_ms bigint not null, value varchar not null)' },
];

/** The process's single DuckDB handle (DuckDB allows one process per file). */
export interface EventsDb {
  readonly connection: DuckDBConnection;
  /** Opens another connection on the same instance (for concurrent readers). */
  connect(): Promise<DuckDBConnection>;
  close(): Promise<void>;
}

/** Memory DuckDB holds now, all tags of `duckdb_memory()` (block cache, query memory), in bytes. */
export async function duckdbMemoryBytes(connection: DuckDBConnection): Promise<number> {
  const reader = await connection.runAndReadAll('select coalesce(sum(memory_usage_bytes), 0) as bytes from duckdb_memory()');
  return Number(reader.getRowObjects()[0]?.['bytes'] ?? 0);
}

export async function openDuckDb(path: string, options: { threads?: number; memoryLimitMb?: number } = {}): Promise<Result<EventsDb>> {
  const isNew = path !== ':memory:' && !existsSync(path);
  let instance: DuckDBInstance;
  const settings: Record<string, string> = {};
  if (options.threads !== undefined) settings['threads'] = String(options.threads);
  if (options.memoryLimitMb !== undefined) settings['memory_limit'] = `${options.memoryLimitMb}MB`;
  try {
    instance = await DuckDBInstance.create(path, settings);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const locked = /lock/i.test(message);
    return err(new VigilError(locked ? 'store.locked' : 'store.open_failed', `cannot open ${path}: ${message.split('\n')[0]}`, {
      cause: error,
      hint: locked ? 'another Vigil process holds this data directory; stop it, or talk to it through its API' : 'check the data directory path and permissions',
    }));
  }
  if (isNew) chmodSync(path, 0o600);
  const connection = await instance.connect();
  let closed = false;
  return ok({
    connection,
    connect: () => instance.connect(),
    async close() {
      if (closed) return;
      closed = true;
      connection.closeSync();
      instance.closeSync();
    },
  });
}

/** Applies pending DuckDB migrations, recorded in `vigil_duck_migrations`. */
export async function migrateDuckDb(events: EventsDb, migrations: readonly DuckMigration[] = DUCK_MIGRATIONS): Promise<Result<string[]>> {
  const connection = events.connection;
  await connection.run('create table if not exists vigil_duck_migrations (name varchar primary key, applied_at timestamp not null default current_timestamp)');
  const reader = await connection.runAndReadAll('select name from vigil_duck_migrations');
  const applied = new Set(reader.getRowObjects().map((r) => String(r['name'])));
  const done: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.name)) continue;
    try {
      await connection.run('begin transaction');
      await connection.run(migration.sql);
      const statement = await connection.prepare('insert into vigil_duck_migrations (name) values ($1)');
      statement.bindVarchar(1, migration.name);
      await statement.run();
      await connection.run('commit');
      done.push(migration.name);
    } catch (error) {
      await connection.run('rollback').catch(() => undefined);
      return err(new VigilError('store.migration_failed', `event store migration ${migration.name} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
    }
  }
  return ok(done);
}
