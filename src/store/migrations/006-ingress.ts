import type { Kysely } from 'kysely';
import type { RegistryMigration } from './types.js';

/** The broker's connection history (audit input: conflicting client ids, shared device certificates). */
export const ingressMigration: RegistryMigration = {
  name: '006-ingress',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('connection_history')
      .addColumn('connection_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('client_id', 'varchar(256)', (c) => c.notNull())
      .addColumn('thing_name', 'varchar(128)')
      .addColumn('certificate_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('source_ip', 'varchar(64)')
      .addColumn('connected_at', 'bigint', (c) => c.notNull())
      .addColumn('disconnected_at', 'bigint')
      .addColumn('disconnect_reason', 'varchar(64)')
      .execute();
    await db.schema.createIndex('connection_history_connected_at').on('connection_history').column('connected_at').execute();
    await db.schema.createIndex('connection_history_client_id').on('connection_history').columns(['client_id', 'connected_at']).execute();
  },
};
