import { chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type Database from 'better-sqlite3';
import type { RegistryDb } from './dialect.js';
import type { EventsDb } from './duckdb.js';

/**
 * A consistent copy of the SQLite registry at `path` (`VACUUM INTO`: one read transaction, so
 * writers are not blocked and the copy is a point in time). PostgreSQL is backed up with its own
 * tools (pg_dump, docs/operations.md): answers `external` and copies nothing.
 */
export async function snapshotRegistry(registry: RegistryDb, path: string): Promise<'copied' | 'external'> {
  if (registry.dialect !== 'sqlite') return 'external';
  await sql`vacuum into ${path}`.execute(registry.db);
  chmodSync(path, 0o600);
  return 'copied';
}

/** The same for a raw SQLite handle (the stream outbox). */
export function snapshotSqliteFile(database: Database.Database, path: string): void {
  database.prepare('vacuum into ?').run(path);
  chmodSync(path, 0o600);
}

/**
 * A consistent copy of the DuckDB event store at `path`: the snapshot is attached and filled with
 * `COPY FROM DATABASE` in one transaction, so events committed meanwhile are either all in or all out.
 */
export async function snapshotEvents(events: EventsDb, path: string): Promise<void> {
  const connection = await events.connect();
  const alias = `vigil_backup_${randomBytes(6).toString('hex')}`;
  try {
    const current = String((await connection.runAndReadAll('select current_database() as name')).getRowObjects()[0]?.['name']);
    await connection.run(`attach '${path.replace(/'/g, "''")}' as ${alias}`);
    try {
      await connection.run(`copy from database "${current.replace(/"/g, '""')}" to ${alias}`);
    } finally {
      await connection.run(`detach ${alias}`);
    }
  } finally {
    connection.closeSync();
  }
  chmodSync(path, 0o600);
}
