import type { Kysely } from 'kysely';
import type { RegistryMigration } from './types.js';

/** Things, thing groups, certificates, CA certificates, policies and their attachments. */
export const registry: RegistryMigration = {
  name: '002-registry',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('things')
      .addColumn('thing_name', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('thing_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('thing_type_name', 'varchar(128)')
      .addColumn('attributes', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('thing_groups')
      .addColumn('group_name', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('group_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('parent_group_name', 'varchar(128)')
      .addColumn('description', 'text')
      .addColumn('attributes', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('thing_groups_parent').on('thing_groups').column('parent_group_name').execute();
    await db.schema
      .createTable('thing_group_members')
      .addColumn('group_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('thing_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('added_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('thing_group_members_pk', ['group_name', 'thing_name'])
      .execute();
    await db.schema.createIndex('thing_group_members_thing').on('thing_group_members').column('thing_name').execute();
    await db.schema
      .createTable('certificates')
      .addColumn('certificate_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('ca_certificate_id', 'varchar(64)')
      .addColumn('status', 'varchar(32)', (c) => c.notNull())
      .addColumn('certificate_pem', 'text', (c) => c.notNull())
      .addColumn('serial_number', 'varchar(128)', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('issuer', 'text', (c) => c.notNull())
      .addColumn('not_before', 'bigint', (c) => c.notNull())
      .addColumn('not_after', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('customer_version', 'integer', (c) => c.notNull())
      .addColumn('generation_id', 'varchar(64)', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('certificates_created').on('certificates').columns(['created_at', 'certificate_id']).execute();
    await db.schema.createIndex('certificates_ca').on('certificates').column('ca_certificate_id').execute();
    await db.schema
      .createTable('ca_certificates')
      .addColumn('certificate_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('status', 'varchar(32)', (c) => c.notNull())
      .addColumn('certificate_pem', 'text', (c) => c.notNull())
      .addColumn('auto_registration', 'integer', (c) => c.notNull())
      .addColumn('built_in', 'integer', (c) => c.notNull())
      .addColumn('not_before', 'bigint', (c) => c.notNull())
      .addColumn('not_after', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('customer_version', 'integer', (c) => c.notNull())
      .addColumn('generation_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('crl_pem', 'text')
      .execute();
    await db.schema
      .createTable('thing_principals')
      .addColumn('thing_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('certificate_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('principal_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('thing_principals_pk', ['thing_name', 'certificate_id'])
      .execute();
    await db.schema.createIndex('thing_principals_cert').on('thing_principals').column('certificate_id').execute();
    await db.schema
      .createTable('policies')
      .addColumn('policy_name', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('default_version_id', 'integer', (c) => c.notNull())
      .addColumn('last_version_id', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('generation_id', 'varchar(64)', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('policy_versions')
      .addColumn('policy_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('version_id', 'integer', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('policy_versions_pk', ['policy_name', 'version_id'])
      .execute();
    await db.schema
      .createTable('policy_targets')
      .addColumn('policy_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('target_kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('target_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('policy_targets_pk', ['policy_name', 'target_kind', 'target_id'])
      .execute();
    await db.schema.createIndex('policy_targets_target').on('policy_targets').columns(['target_kind', 'target_id']).execute();
  },
};
