import type { Kysely } from 'kysely';
import type { RegistryMigration } from './types.js';

/** The newest connection of a thing (the console's fleet list: connection state, last seen) by index, not by scan. */
export const connectionHistoryThingMigration: RegistryMigration = {
  name: '014-connection-history-thing',
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('connection_history_thing_name').on('connection_history').columns(['thing_name', 'connected_at']).execute();
  },
};
