import type { Kysely } from 'kysely';
import type { RegistryMigration } from './types.js';

/** Notify topics, their subscriptions, and topic rules (actions as JSON text). */
export const notifyRulesMigration: RegistryMigration = {
  name: '005-notify-rules',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('notify_topics')
      .addColumn('name', 'varchar(256)', (c) => c.primaryKey())
      .addColumn('arn', 'varchar(512)', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('notify_subscriptions')
      .addColumn('arn', 'varchar(600)', (c) => c.primaryKey())
      .addColumn('topic_name', 'varchar(256)', (c) => c.notNull().references('notify_topics.name').onDelete('cascade'))
      .addColumn('protocol', 'varchar(16)', (c) => c.notNull())
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('raw_message_delivery', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('signing_secret', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('notify_subscriptions_topic').on('notify_subscriptions').column('topic_name').execute();
    await db.schema
      .createTable('topic_rules')
      .addColumn('rule_name', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('sql', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('actions', 'text', (c) => c.notNull())
      .addColumn('error_action', 'text')
      .addColumn('rule_disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('sql_version', 'varchar(32)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
