import type { Kysely } from 'kysely';
import type { RegistryMigration } from './types.js';

/** Delivery stream definitions: the definition is JSON text; `version` guards concurrent updates. */
export const streamMigration: RegistryMigration = {
  name: '003-stream',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('streams')
      .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
