import type { Kysely } from 'kysely';
import type { RegistryMigration } from './types.js';

export const foundation: RegistryMigration = {
  name: '001-foundation',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('vigil_meta')
      .addColumn('key', 'varchar(200)', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('access_keys')
      .addColumn('access_key_id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('secret_access_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
