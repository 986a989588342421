import type { Kysely } from 'kysely';
import type { RegistryMigration } from './types.js';

/** AWS IoT thing types: description, searchable attributes (JSON list), deprecation. */
export const thingTypesMigration: RegistryMigration = {
  name: '012-thing-types',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('thing_types')
      .addColumn('type_name', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('type_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('searchable_attributes', 'text', (c) => c.notNull())
      .addColumn('deprecated', 'integer', (c) => c.notNull())
      .addColumn('deprecated_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
