import type { Kysely } from 'kysely';
import type { RegistryMigration } from './types.js';

/** Detect: security profiles and targets, custom metrics, dimensions, violations and events, alarm counters, mitigation actions and detect mitigation tasks. */
export const detectMigration: RegistryMigration = {
  name: '007-detect',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('detect_profiles')
      .addColumn('name', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('detect_targets')
      .addColumn('profile_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('target_arn', 'varchar(512)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('detect_targets_pk', ['profile_name', 'target_arn'])
      .execute();
    await db.schema
      .createTable('detect_custom_metrics')
      .addColumn('name', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('display_name', 'text')
      .addColumn('metric_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('detect_dimensions')
      .addColumn('name', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('type', 'varchar(32)', (c) => c.notNull())
      .addColumn('string_values', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('detect_violations')
      .addColumn('violation_id', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('thing_name', 'varchar(256)', (c) => c.notNull())
      .addColumn('profile_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('behavior', 'text', (c) => c.notNull())
      .addColumn('criteria_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('suppressed', 'integer', (c) => c.notNull())
      .addColumn('start_time', 'bigint', (c) => c.notNull())
      .addColumn('last_value', 'text')
      .addColumn('last_time', 'bigint', (c) => c.notNull())
      .addColumn('verification_state', 'varchar(32)')
      .addColumn('verification_description', 'text')
      .addColumn('end_time', 'bigint')
      .execute();
    await db.schema.createIndex('detect_violations_active').on('detect_violations').columns(['end_time', 'start_time']).execute();
    await db.schema
      .createTable('detect_violation_events')
      .addColumn('event_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('violation_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('thing_name', 'varchar(256)', (c) => c.notNull())
      .addColumn('profile_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('behavior', 'text', (c) => c.notNull())
      .addColumn('criteria_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('suppressed', 'integer', (c) => c.notNull())
      .addColumn('event_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('metric_value', 'text')
      .addColumn('event_time', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('detect_violation_events_time').on('detect_violation_events').columns(['event_time', 'event_id']).execute();
    await db.schema
      .createTable('detect_alarms')
      .addColumn('thing_name', 'varchar(256)', (c) => c.notNull())
      .addColumn('profile_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('behavior_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('dimension', 'varchar(300)', (c) => c.notNull())
      .addColumn('violating', 'integer', (c) => c.notNull())
      .addColumn('compliant', 'integer', (c) => c.notNull())
      .addColumn('violation_id', 'varchar(128)')
      .addColumn('last_datapoint_time', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('detect_alarms_pk', ['thing_name', 'profile_name', 'behavior_name', 'dimension'])
      .execute();
    await db.schema
      .createTable('mitigation_actions')
      .addColumn('name', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('id', 'varchar(64)', (c) => c.notNull())
      .addColumn('action_type', 'varchar(64)', (c) => c.notNull())
      .addColumn('role_arn', 'text', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('detect_mitigation_tasks')
      .addColumn('task_id', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('start_time', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('detect_mitigation_executions')
      .addColumn('task_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('violation_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('action_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('thing_name', 'varchar(256)', (c) => c.notNull())
      .addColumn('start_time', 'bigint', (c) => c.notNull())
      .addColumn('end_time', 'bigint')
      .addColumn('status', 'varchar(32)', (c) => c.notNull())
      .addColumn('error_code', 'varchar(128)')
      .addColumn('message', 'text')
      .addPrimaryKeyConstraint('detect_mitigation_executions_pk', ['task_id', 'violation_id', 'action_name'])
      .execute();
  },
};
