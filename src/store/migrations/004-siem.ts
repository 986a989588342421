import type { Kysely } from 'kysely';
import type { RegistryMigration } from './types.js';

/** SIEM metadata: HEC tokens and indexes (the events themselves live in DuckDB). */
export const siemMigration: RegistryMigration = {
  name: '004-siem',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('hec_tokens')
      .addColumn('name', 'varchar(200)', (c) => c.primaryKey())
      .addColumn('token', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('default_index', 'varchar(200)', (c) => c.notNull())
      .addColumn('allowed_indexes', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('sourcetype', 'varchar(200)')
      .addColumn('source', 'varchar(200)')
      .addColumn('host', 'varchar(200)')
      .addColumn('use_ack', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('allow_query_string_auth', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('siem_indexes')
      .addColumn('name', 'varchar(200)', (c) => c.primaryKey())
      .addColumn('retention_days', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
