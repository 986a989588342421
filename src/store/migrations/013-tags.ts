import type { Kysely } from 'kysely';
import type { RegistryMigration } from './types.js';

/** Resource tags (TagResource), keyed by the resource's ARN: one row per key. */
export const tagsMigration: RegistryMigration = {
  name: '013-tags',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('resource_tags')
      .addColumn('resource_arn', 'varchar(2048)', (c) => c.notNull())
      .addColumn('tag_key', 'varchar(128)', (c) => c.notNull())
      .addColumn('tag_value', 'varchar(256)', (c) => c.notNull())
      .addPrimaryKeyConstraint('resource_tags_pk', ['resource_arn', 'tag_key'])
      .execute();
  },
};
