import type { Kysely } from 'kysely';
import type { RegistryMigration } from './types.js';

/** Audit: account settings, tasks, findings, scheduled audits, suppressions, mitigation tasks and executions (documents as JSON text). */
export const auditMigration: RegistryMigration = {
  name: '008-audit',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_settings')
      .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('audit_tasks')
      .addColumn('task_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('task_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('task_status', 'varchar(32)', (c) => c.notNull())
      .addColumn('start_time', 'bigint', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_tasks_start').on('audit_tasks').column('start_time').execute();
    await db.schema
      .createTable('audit_findings')
      .addColumn('finding_id', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('task_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('check_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('resource_key', 'varchar(1024)', (c) => c.notNull())
      .addColumn('task_start_time', 'bigint', (c) => c.notNull())
      .addColumn('finding_time', 'bigint', (c) => c.notNull())
      .addColumn('suppressed', 'integer', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_findings_task').on('audit_findings').columns(['task_id', 'finding_time']).execute();
    await db.schema.createIndex('audit_findings_time').on('audit_findings').column('finding_time').execute();
    await db.schema
      .createTable('audit_scheduled')
      .addColumn('name', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('audit_suppressions')
      .addColumn('check_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('resource_key', 'varchar(1024)', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_suppressions_pk', ['check_name', 'resource_key'])
      .execute();
    await db.schema
      .createTable('audit_mitigation_tasks')
      .addColumn('task_id', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('audit_task_id', 'varchar(64)')
      .addColumn('task_status', 'varchar(32)', (c) => c.notNull())
      .addColumn('start_time', 'bigint', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('audit_mitigation_executions')
      .addColumn('task_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('finding_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('action_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('status', 'varchar(32)', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_mitigation_executions_pk', ['task_id', 'finding_id', 'action_name'])
      .execute();
    await db.schema.createIndex('audit_mitigation_executions_finding').on('audit_mitigation_executions').column('finding_id').execute();
  },
};
