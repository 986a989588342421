import type { AuditFinding, AuditMitigationExecution, AuditMitigationTask, AuditStore } from '../../model/index.js';
import { fromJson, toJson, toNumber, type RegistryDb } from '../dialect.js';
import { decodeOffset, offsetPage } from '../page-cursor.js';

type FindingsPart = Pick<AuditStore, 'addFindings' | 'getFinding' | 'listFindings' | 'deleteFindingsBefore' | 'createMitigationTask' | 'getMitigationTask' | 'updateMitigationTask' | 'listMitigationTasks' | 'putExecutions' | 'listExecutions'>;

/** Findings and audit mitigation tasks/executions (part of `auditRepository`). */
export function auditFindingsRepository({ db }: RegistryDb): FindingsPart {
  return {
    async addFindings(findings) {
      // Chunks keep each INSERT under SQLite's bound-parameter limit.
      for (let i = 0; i < findings.length; i += 100) {
        const chunk = findings.slice(i, i + 100);
        await db
          .insertInto('audit_findings')
          .values(chunk.map((f) => ({ finding_id: f.findingId, task_id: f.taskId, check_name: f.checkName, resource_key: f.resourceKey, task_start_time: f.taskStartTime, finding_time: f.findingTime, suppressed: f.isSuppressed ? 1 : 0, document: toJson(f) })))
          .execute();
      }
    },
    async getFinding(findingId) {
      const row = await db.selectFrom('audit_findings').select('document').where('finding_id', '=', findingId).executeTakeFirst();
      return row === undefined ? undefined : fromJson<AuditFinding>(row.document, undefined as never);
    },
    async listFindings(query) {
      let q = db.selectFrom('audit_findings').select('document');
      if (query.taskId !== undefined) q = q.where('task_id', '=', query.taskId);
      if (query.from !== undefined) q = q.where('finding_time', '>=', query.from);
      if (query.to !== undefined) q = q.where('finding_time', '<=', query.to);
      if (query.checkName !== undefined) q = q.where('check_name', '=', query.checkName);
      if (query.resourceKey !== undefined) q = q.where('resource_key', '=', query.resourceKey);
      if (query.suppressed !== undefined) q = q.where('suppressed', '=', query.suppressed ? 1 : 0);
      const offset = offsetOf(query.cursor);
      const rows = await q.orderBy('finding_time').orderBy('finding_id').limit(query.limit + 1).offset(offset).execute();
      return offsetPage(rows.map((r) => fromJson<AuditFinding>(r.document, undefined as never)), query.limit, offset);
    },
    async deleteFindingsBefore(before) {
      const result = await db.deleteFrom('audit_findings').where('task_start_time', '<', before).executeTakeFirst();
      return toNumber(result.numDeletedRows);
    },

    async createMitigationTask(task) {
      const result = await db
        .insertInto('audit_mitigation_tasks')
        .values({ task_id: task.taskId, audit_task_id: task.auditTaskId ?? null, task_status: task.taskStatus, start_time: task.startTime, document: toJson(task) })
        .onConflict((oc) => oc.column('task_id').doNothing())
        .executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async getMitigationTask(taskId) {
      const row = await db.selectFrom('audit_mitigation_tasks').select('document').where('task_id', '=', taskId).executeTakeFirst();
      return row === undefined ? undefined : toTask(row.document);
    },
    async updateMitigationTask(task) {
      await db.updateTable('audit_mitigation_tasks').set({ task_status: task.taskStatus, document: toJson(task) }).where('task_id', '=', task.taskId).execute();
    },
    async listMitigationTasks(query) {
      let q = db.selectFrom('audit_mitigation_tasks').select('document').where('start_time', '>=', query.from).where('start_time', '<=', query.to);
      if (query.auditTaskId !== undefined) q = q.where('audit_task_id', '=', query.auditTaskId);
      if (query.taskStatus !== undefined) q = q.where('task_status', '=', query.taskStatus);
      if (query.findingId !== undefined) {
        const findingId = query.findingId;
        q = q.where('task_id', 'in', (sub) => sub.selectFrom('audit_mitigation_executions').select('audit_mitigation_executions.task_id').where('finding_id', '=', findingId));
      }
      const offset = offsetOf(query.cursor);
      const rows = await q.orderBy('start_time', 'desc').orderBy('task_id', 'desc').limit(query.limit + 1).offset(offset).execute();
      return offsetPage(rows.map((r) => toTask(r.document)), query.limit, offset);
    },
    async putExecutions(executions) {
      for (const e of executions) {
        const document = toJson(e);
        await db
          .insertInto('audit_mitigation_executions')
          .values({ task_id: e.taskId, finding_id: e.findingId, action_name: e.actionName, position: e.order, status: e.status, document })
          .onConflict((oc) => oc.columns(['task_id', 'finding_id', 'action_name']).doUpdateSet({ status: e.status, position: e.order, document }))
          .execute();
      }
    },
    async listExecutions(query) {
      let q = db.selectFrom('audit_mitigation_executions').select('document').where('task_id', '=', query.taskId);
      if (query.findingId !== undefined) q = q.where('finding_id', '=', query.findingId);
      if (query.status !== undefined) q = q.where('status', '=', query.status);
      const offset = offsetOf(query.cursor);
      const rows = await q.orderBy('finding_id').orderBy('position').limit(query.limit + 1).offset(offset).execute();
      return offsetPage(rows.map((r) => toExecution(r.document)), query.limit, offset);
    },
  };
}

function toTask(document: string): AuditMitigationTask {
  const t = fromJson<AuditMitigationTask & { endTime: number | null; auditTaskId: string | null }>(document, undefined as never);
  return { ...t, endTime: t.endTime ?? undefined, auditTaskId: t.auditTaskId ?? undefined };
}

function toExecution(document: string): AuditMitigationExecution {
  const e = fromJson<Record<string, unknown>>(document, {});
  const opt = (k: string) => (e[k] === null || e[k] === undefined ? undefined : e[k]);
  return { ...(e as unknown as AuditMitigationExecution), startTime: opt('startTime') as number | undefined, endTime: opt('endTime') as number | undefined, errorCode: opt('errorCode') as string | undefined, message: opt('message') as string | undefined };
}

/** Audit cursors are the offset of the next row (lists here are small or time-bounded). */
export function offsetOf(cursor: string | undefined): number {
  return decodeOffset('audit.invalid_request', cursor);
}
