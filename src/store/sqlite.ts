import { chmodSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
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

/** Distinct SQL texts whose prepared statements are kept (the registry's queries are a few hundred shapes). */
const STATEMENT_CACHE_MAX = 1000;

/**
 * The handle Kysely's SQLite dialect runs on, keeping each SQL text's prepared statement: the
 * dialect prepares on every query, and SQLite compiling the same statement again was a measurable
 * share of CPU under load (issue 24). Kysely runs one query at a time on its one connection and
 * never leaves an iteration open across queries here, so sharing a statement is safe.
 */
export function cachedStatements(database: Database.Database, max = STATEMENT_CACHE_MAX): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => void database.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= max) statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/** The registry store on SQLite through Kysely. */
export function openSqliteRegistry(path: string, options: SqliteOptions = {}): RegistryDb {
  const database = openSqliteFile(path, options);
  const db = new Kysely<RegistryDatabase>({ dialect: new SqliteDialect({ database: cachedStatements(database) }) });
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
