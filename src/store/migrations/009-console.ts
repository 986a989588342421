import type { Kysely } from 'kysely';
import type { RegistryMigration } from './types.js';

/** Console dashboards (panels as JSON text). */
export const consoleMigration: RegistryMigration = {
  name: '009-console',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('console_dashboards')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(256)', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('panels', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
