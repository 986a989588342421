import { chmodSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { RegistryDb } from './dialect.js';
import type { RegistryDatabase } from './schema.js';

export interface SqliteOptions {
  /** `FULL` where an acknowledged write must survive power loss (the stream outbox); `NORMAL` otherwise. */
  readonly synchronous?: 'NORMAL' | 'FULL';
}

/** Opens (creating, mode 0600) a SQLite file in WAL mode and returns the raw better-sqlite3 handle. */
export function openSqliteFile(path: string, options: SqliteOptions = {}): Database.Database {
  const isNew = path !== ':memory:' && !existsSync(path);
  const database = new Database(path);
  if (isNew) chmodSync(path, 0o600);
  database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return database;
}

/** The registry store on SQLite through Kysely. */
export function openSqliteRegistry(path: string, options: SqliteOptions = {}): RegistryDb {
  const database = openSqliteFile(path, options);
  const db = new Kysely<RegistryDatabase>({ dialect: new SqliteDialect({ database }) });
  let closed = false;
  return {
    db,
    dialect: 'sqlite',
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
