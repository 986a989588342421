import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { RegistryDb } from './dialect.js';
import type { RegistryDatabase } from './schema.js';

export interface PostgresOptions {
  /** A schema to create (if missing) and use as the search path; tests use one per run. */
  readonly schema?: string;
  readonly maxConnections?: number;
}

/** The registry store on PostgreSQL through Kysely's pg dialect (the scale-out option). */
export async function openPostgresRegistry(url: string, options: PostgresOptions = {}): Promise<RegistryDb> {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  if (schema !== undefined) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  const db = new Kysely<RegistryDatabase>({ dialect: new PostgresDialect({ pool }) });
  await sql`select 1`.execute(db);
  let closed = false;
  return {
    db,
    dialect: 'postgres',
    schema: schema ?? 'public',
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

/** Drops a schema made by `openPostgresRegistry({ schema })` (tests clean up with this). */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await admin.end();
  }
}
