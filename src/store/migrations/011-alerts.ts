import type { Kysely } from 'kysely';
import type { RegistryMigration } from './types.js';

/** SIEM saved searches and alerts: definitions (alert as JSON text), run history, throttle state, bundled installs. */
export const alertsMigration: RegistryMigration = {
  name: '011-alerts',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('siem_saved_searches')
      .addColumn('name', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('search', 'text', (c) => c.notNull())
      .addColumn('earliest', 'varchar(64)', (c) => c.notNull())
      .addColumn('latest', 'varchar(64)', (c) => c.notNull())
      .addColumn('cron', 'varchar(256)', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('alert', 'text')
      .addColumn('bundled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('siem_alert_runs')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('search_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('time', 'bigint', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('run', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('siem_alert_runs_by_search').on('siem_alert_runs').columns(['search_name', 'seq']).execute();
    await db.schema
      .createTable('siem_alert_suppressions')
      .addColumn('search_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('throttle_key', 'varchar(1024)', (c) => c.notNull())
      .addColumn('until_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('siem_alert_suppressions_pk', ['search_name', 'throttle_key'])
      .execute();
    await db.schema
      .createTable('siem_bundled_searches')
      .addColumn('name', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('installed_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
