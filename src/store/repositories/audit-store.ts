import type { AuditConfiguration, AuditLoggingOptions, AuditStore, AuditSuppression, AuditTask, ScheduledAudit } from '../../model/index.js';
import { fromJson, toJson, toNumber, type RegistryDb } from '../dialect.js';
import { offsetPage } from '../page-cursor.js';
import { auditFindingsRepository, offsetOf } from './audit-findings.js';

/** Audit configuration, tasks, findings, schedules, suppressions and mitigation tasks in the registry database (both dialects). */
export function auditRepository(registry: RegistryDb): AuditStore {
  const { db } = registry;
  async function getSetting<T>(key: string): Promise<T | undefined> {
    const row = await db.selectFrom('audit_settings').select('document').where('key', '=', key).executeTakeFirst();
    return row === undefined ? undefined : fromJson<T>(row.document, undefined as T);
  }
  async function putSetting(key: string, value: unknown): Promise<void> {
    await db.insertInto('audit_settings').values({ key, document: toJson(value) }).onConflict((oc) => oc.column('key').doUpdateSet({ document: toJson(value) })).execute();
  }
  return {
    ...auditFindingsRepository(registry),
    getConfiguration: () => getSetting<AuditConfiguration>('configuration'),
    putConfiguration: (configuration) => putSetting('configuration', configuration),
    async deleteConfiguration() {
      await db.deleteFrom('audit_settings').where('key', '=', 'configuration').execute();
    },
    getLogging: () => getSetting<AuditLoggingOptions>('logging'),
    putLogging: (options) => putSetting('logging', options),

    async createTask(task) {
      await db.insertInto('audit_tasks').values({ task_id: task.taskId, task_type: task.taskType, task_status: task.taskStatus, start_time: task.taskStartTime, document: toJson(task) }).execute();
    },
    async getTask(taskId) {
      const row = await db.selectFrom('audit_tasks').select('document').where('task_id', '=', taskId).executeTakeFirst();
      return row === undefined ? undefined : fromJson<AuditTask>(row.document, undefined as unknown as AuditTask);
    },
    async updateTask(task) {
      await db.updateTable('audit_tasks').set({ task_status: task.taskStatus, document: toJson(task) }).where('task_id', '=', task.taskId).execute();
    },
    async listTasks(query) {
      let q = db.selectFrom('audit_tasks').select('document').where('start_time', '>=', query.from).where('start_time', '<=', query.to);
      if (query.taskType !== undefined) q = q.where('task_type', '=', query.taskType);
      if (query.taskStatus !== undefined) q = q.where('task_status', '=', query.taskStatus);
      const offset = offsetOf(query.cursor);
      const rows = await q.orderBy('start_time', 'desc').orderBy('task_id', 'desc').limit(query.limit + 1).offset(offset).execute();
      return offsetPage(rows.map((r) => fromJson<AuditTask>(r.document, undefined as unknown as AuditTask)), query.limit, offset);
    },

    async createScheduled(audit) {
      const result = await db.insertInto('audit_scheduled').values({ name: audit.name, document: toJson(audit) }).onConflict((oc) => oc.column('name').doNothing()).executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async getScheduled(name) {
      const row = await db.selectFrom('audit_scheduled').select('document').where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : fromJson<ScheduledAudit>(row.document, undefined as unknown as ScheduledAudit);
    },
    async updateScheduled(audit) {
      const result = await db.updateTable('audit_scheduled').set({ document: toJson(audit) }).where('name', '=', audit.name).executeTakeFirst();
      return toNumber(result.numUpdatedRows) > 0;
    },
    async deleteScheduled(name) {
      const result = await db.deleteFrom('audit_scheduled').where('name', '=', name).executeTakeFirst();
      return toNumber(result.numDeletedRows) > 0;
    },
    async listScheduled() {
      const rows = await db.selectFrom('audit_scheduled').select('document').orderBy('name').execute();
      return rows.map((r) => fromJson<ScheduledAudit>(r.document, undefined as unknown as ScheduledAudit));
    },

    async createSuppression(s) {
      const result = await db.insertInto('audit_suppressions').values({ check_name: s.checkName, resource_key: s.resourceKey, document: toJson(s) }).onConflict((oc) => oc.columns(['check_name', 'resource_key']).doNothing()).executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async getSuppression(checkName, resourceKey) {
      const row = await db.selectFrom('audit_suppressions').select('document').where('check_name', '=', checkName).where('resource_key', '=', resourceKey).executeTakeFirst();
      return row === undefined ? undefined : toSuppression(row.document);
    },
    async updateSuppression(s) {
      const result = await db.updateTable('audit_suppressions').set({ document: toJson(s) }).where('check_name', '=', s.checkName).where('resource_key', '=', s.resourceKey).executeTakeFirst();
      return toNumber(result.numUpdatedRows) > 0;
    },
    async deleteSuppression(checkName, resourceKey) {
      const result = await db.deleteFrom('audit_suppressions').where('check_name', '=', checkName).where('resource_key', '=', resourceKey).executeTakeFirst();
      return toNumber(result.numDeletedRows) > 0;
    },
    async listSuppressions(query) {
      let q = db.selectFrom('audit_suppressions').select('document');
      if (query.checkName !== undefined) q = q.where('check_name', '=', query.checkName);
      if (query.resourceKey !== undefined) q = q.where('resource_key', '=', query.resourceKey);
      const direction = query.ascending === false ? 'desc' : 'asc';
      const offset = offsetOf(query.cursor);
      const rows = await q.orderBy('check_name', direction).orderBy('resource_key', direction).limit(query.limit + 1).offset(offset).execute();
      return offsetPage(rows.map((r) => toSuppression(r.document)), query.limit, offset);
    },
  };
}

function toSuppression(document: string): AuditSuppression {
  const s = fromJson<AuditSuppression & { expirationDate: number | null; description: string | null }>(document, undefined as never);
  return { ...s, expirationDate: s.expirationDate ?? undefined, description: s.description ?? undefined };
}
