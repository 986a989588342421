import type { Kysely } from 'kysely';
import type { RegistryMigration } from './types.js';

/** Playbooks (document as JSON text) and their runs (record as JSON text, with the columns queries filter on). */
export const respondMigration: RegistryMigration = {
  name: '015-respond',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('respond_playbooks')
      .addColumn('name', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('playbook', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('respond_runs')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('playbook', 'varchar(128)', (c) => c.notNull())
      .addColumn('state', 'varchar(32)', (c) => c.notNull())
      .addColumn('thing', 'varchar(128)', (c) => c.notNull())
      .addColumn('dry_run', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('run', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('respond_runs_by_playbook').on('respond_runs').columns(['playbook', 'created_at']).execute();
    await db.schema.createIndex('respond_runs_by_state').on('respond_runs').columns(['state', 'created_at']).execute();
  },
};
