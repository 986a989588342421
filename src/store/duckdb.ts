import { chmodSync, existsSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { VigilError, err, ok, type Result } from '../core/index.js';

/** One schema change of the DuckDB event store. */
export interface DuckMigration {
  readonly name: string;
  readonly sql: string;
}

/** DuckDB migrations in order; the SIEM and the datapoint history add theirs here. */
export const DUCK_MIGRATIONS: readonly DuckMigration[] = [
  { name: '001-foundation', sql: 'create table if not exists vigil_meta (key varchar primary key, value varchar not null)' },
  // SIEM events: one table, appended in arrival (≈ time) order so row-group zone maps on time_ms prune ranges; see docs/siem.md.
  { name: '002-siem-events', sql: 'create table if not exists siem_events (time_ms bigint not null, "index" varchar not null, sourcetype varchar not null, source varchar not null, host varchar not null, raw varchar not null, is_json boolean not null, fields varchar, indextime_ms bigint not null, serial bigint not null)' },
  // Detect retained metric values (ListMetricValues); empty strings stand for "no dimension".
  { name: '007-detect-metric-values', sql: 'create table if not exists detect_metric_values (thing_name varchar not null, metric varchar not null, dimension_name varchar not null, dimension_operator varchar not null, time_ms bigint not null, value varchar not null)' },
  // SIEM: JSON fields extracted at ingest (x0…x15, see src/siem/events/field-slots.ts); old rows get them by backfill when a slot is assigned.
  { name: '008-siem-field-slots', sql: `${Array.from({ length: 16 }, (_v, i) => `alter table siem_events add column if not exists x${i} varchar;`).join(' ')} create table if not exists siem_field_slots (slot integer primary key, path varchar not null unique); create or replace macro spl_json_field(raw, ${Array.from({ length: 16 }, (_v, i) => `x${i}`).join(', ')}, path) as json_extract_string(raw, path)` },
];

/** The process's single DuckDB handle (DuckDB allows one process per file). */
export interface EventsDb {
  readonly connection: DuckDBConnection;
  /** Opens another connection on the same instance (for concurrent readers). */
  connect(): Promise<DuckDBConnection>;
  close(): Promise<void>;
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
