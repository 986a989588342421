import type { DetectExecutionStatus, DetectMitigationExecution, DetectMitigationTask, MitigationAction, MitigationActionType, MitigationStore, Tag } from '../../model/index.js';
import { fromJson, toJson, toNumber, type RegistryDb } from '../dialect.js';
import { decodeOffset, keysetPage, offsetPage } from '../page-cursor.js';

/** Mitigation action definitions (shared by detect and audit), detect mitigation tasks and their executions (both dialects). */
export function detectMitigationRepository({ db }: RegistryDb): MitigationStore {
  return {
    async createAction(action) {
      const result = await db
        .insertInto('mitigation_actions')
        .values({ name: action.name, id: action.id, action_type: action.actionType, role_arn: action.roleArn, params: toJson(action.params), tags: toJson(action.tags), created_at: action.createdAt, updated_at: action.updatedAt })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async getAction(name) {
      const row = await db.selectFrom('mitigation_actions').selectAll().where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : toAction(row);
    },
    async listActions(query) {
      let q = db.selectFrom('mitigation_actions').selectAll().orderBy('name').limit(query.limit + 1);
      if (query.actionType !== undefined) q = q.where('action_type', '=', query.actionType);
      if (query.cursor !== undefined) q = q.where('name', '>', query.cursor);
      return keysetPage((await q.execute()).map(toAction), query.limit, (a) => a.name);
    },
    async updateAction(action) {
      const result = await db.updateTable('mitigation_actions').set({ action_type: action.actionType, role_arn: action.roleArn, params: toJson(action.params), updated_at: action.updatedAt }).where('name', '=', action.name).executeTakeFirst();
      return toNumber(result.numUpdatedRows) > 0;
    },
    async deleteAction(name) {
      const result = await db.deleteFrom('mitigation_actions').where('name', '=', name).executeTakeFirst();
      return toNumber(result.numDeletedRows) > 0;
    },

    async createTask(task) {
      const result = await db
        .insertInto('detect_mitigation_tasks')
        .values({ task_id: task.taskId, document: toJson(task), start_time: task.startTime })
        .onConflict((oc) => oc.column('task_id').doNothing())
        .executeTakeFirst();
      return toNumber(result.numInsertedOrUpdatedRows) > 0;
    },
    async getTask(taskId) {
      const row = await db.selectFrom('detect_mitigation_tasks').selectAll().where('task_id', '=', taskId).executeTakeFirst();
      return row === undefined ? undefined : fromJson<DetectMitigationTask>(row.document, undefined as unknown as DetectMitigationTask);
    },
    async updateTask(task) {
      await db.updateTable('detect_mitigation_tasks').set({ document: toJson(task) }).where('task_id', '=', task.taskId).execute();
    },
    async listTasks(query) {
      let q = db.selectFrom('detect_mitigation_tasks').selectAll().where('start_time', '>=', query.from).where('start_time', '<', query.to);
      if (query.cursor !== undefined) q = q.where('task_id', '<', query.cursor);
      const rows = await q.orderBy('task_id', 'desc').limit(query.limit + 1).execute();
      const tasks = rows.map((r) => fromJson<DetectMitigationTask>(r.document, undefined as unknown as DetectMitigationTask));
      return keysetPage(tasks, query.limit, (t) => t.taskId);
    },
    async addExecution(execution) {
      const values = {
        thing_name: execution.thingName,
        start_time: execution.startTime,
        end_time: execution.endTime ?? null,
        status: execution.status,
        error_code: execution.errorCode ?? null,
        message: execution.message ?? null,
      };
      await db
        .insertInto('detect_mitigation_executions')
        .values({ task_id: execution.taskId, violation_id: execution.violationId, action_name: execution.actionName, ...values })
        .onConflict((oc) => oc.columns(['task_id', 'violation_id', 'action_name']).doUpdateSet(values))
        .execute();
    },
    async listExecutions(query) {
      let q = db.selectFrom('detect_mitigation_executions').selectAll();
      if (query.taskId !== undefined) q = q.where('task_id', '=', query.taskId);
      if (query.violationId !== undefined) q = q.where('violation_id', '=', query.violationId);
      if (query.thingName !== undefined) q = q.where('thing_name', '=', query.thingName);
      if (query.from !== undefined) q = q.where('start_time', '>=', query.from);
      if (query.to !== undefined) q = q.where('start_time', '<', query.to);
      const offset = decodeOffset('detect.invalid_request', query.cursor);
      const rows = await q.orderBy('start_time').orderBy('task_id').orderBy('violation_id').orderBy('action_name').offset(offset).limit(query.limit + 1).execute();
      return offsetPage(rows.map(toExecution), query.limit, offset);
    },
  };
}

function toAction(row: { name: string; id: string; action_type: string; role_arn: string; params: string; tags: string; created_at: number | string; updated_at: number | string }): MitigationAction {
  return {
    name: row.name,
    id: row.id,
    actionType: row.action_type as MitigationActionType,
    roleArn: row.role_arn,
    params: fromJson<Record<string, unknown>>(row.params, {}),
    tags: fromJson<Tag[]>(row.tags, []),
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
  };
}

function toExecution(row: { task_id: string; violation_id: string; action_name: string; thing_name: string; start_time: number | string; end_time: number | string | null; status: string; error_code: string | null; message: string | null }): DetectMitigationExecution {
  return {
    taskId: row.task_id,
    violationId: row.violation_id,
    actionName: row.action_name,
    thingName: row.thing_name,
    startTime: toNumber(row.start_time),
    endTime: row.end_time === null ? undefined : toNumber(row.end_time),
    status: row.status as DetectExecutionStatus,
    errorCode: row.error_code ?? undefined,
    message: row.message ?? undefined,
  };
}
