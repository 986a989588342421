import type { Kysely } from 'kysely';
import type { RegistryMigration } from './types.js';

/** ML Detect: the training state and latest model of each ML behavior. */
export const mlMigration: RegistryMigration = {
  name: '010-ml',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('detect_ml_models')
      .addColumn('profile_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('behavior_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('metric', 'varchar(256)', (c) => c.notNull())
      .addColumn('dimension', 'varchar(256)', (c) => c.notNull())
      .addColumn('status', 'varchar(32)', (c) => c.notNull())
      .addColumn('collection_start', 'bigint', (c) => c.notNull())
      .addColumn('last_refresh', 'bigint')
      .addColumn('last_attempt', 'bigint')
      .addColumn('datapoints', 'bigint', (c) => c.notNull())
      .addColumn('percentage', 'integer', (c) => c.notNull())
      .addColumn('model', 'text')
      .addPrimaryKeyConstraint('detect_ml_models_pk', ['profile_name', 'behavior_name'])
      .execute();
  },
};
