import type { FastifyInstance } from 'fastify';
import { VigilError, unwrap } from '../../core/index.js';
import { seconds } from '../../audit/index.js';
import type { AuditMitigationExecutionStatus, AuditMitigationTaskStatus } from '../../model/index.js';
import { auditContract as c } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';
import { timeMs } from './audit-support.js';

const tags = ['AWS IoT Device Defender: audit mitigation'];

/** Audit mitigation actions tasks and executions (AWS rest-json, device-defender.md §7.2). */
export function auditMitigationRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'audit'>): void {
  const app = typed(fastify);
  const { mitigation } = deps.audit;

  app.post('/audit/mitigationactions/tasks/:taskId', { schema: { tags, summary: 'StartAuditMitigationActionsTask', ...c.startMitigationTask } }, async (request) => {
    const input = request.body;
    const target = input.target ?? {};
    const taskId = unwrap(await mitigation.start(request.params.taskId, {
      target: {
        ...(target.auditTaskId === undefined ? {} : { auditTaskId: target.auditTaskId }),
        ...(target.findingIds === undefined ? {} : { findingIds: target.findingIds }),
        ...(target.auditCheckToReasonCodeFilter === undefined ? {} : { auditCheckToReasonCodeFilter: target.auditCheckToReasonCodeFilter }),
      },
      auditCheckToActionsMapping: input.auditCheckToActionsMapping ?? {},
      clientRequestToken: input.clientRequestToken ?? '',
    }));
    return { taskId };
  });

  app.get('/audit/mitigationactions/tasks/:taskId', { schema: { tags, summary: 'DescribeAuditMitigationActionsTask', ...c.describeMitigationTask } }, async (request) => {
    const { task, statistics } = unwrap(await mitigation.describe(request.params.taskId));
    return {
      taskStatus: task.taskStatus,
      startTime: task.startTime / 1000,
      ...(task.endTime === undefined ? {} : { endTime: seconds(task.endTime) }),
      taskStatistics: statistics,
      target: task.target,
      auditCheckToActionsMapping: task.auditCheckToActionsMapping,
      actionsDefinition: task.actions.map((a) => ({ name: a.name, id: a.id, roleArn: a.roleArn, actionParams: a.params })),
    };
  });

  app.put('/audit/mitigationactions/tasks/:taskId/cancel', { schema: { tags, summary: 'CancelAuditMitigationActionsTask', ...c.cancelMitigationTask } }, async (request) => {
    unwrap(await mitigation.cancel(request.params.taskId));
    return {};
  });

  app.get('/audit/mitigationactions/tasks', { schema: { tags, summary: 'ListAuditMitigationActionsTasks', ...c.listMitigationTasks } }, async (request) => {
    const q = request.query;
    const from = timeMs(q.startTime, 'startTime');
    const to = timeMs(q.endTime, 'endTime');
    if (from === undefined || to === undefined) throw new VigilError('audit.invalid_request', 'startTime and endTime are required');
    const page = await mitigation.list({ from, to, auditTaskId: q.auditTaskId, findingId: q.findingId, taskStatus: q.taskStatus as AuditMitigationTaskStatus | undefined, limit: q.maxResults ?? 100, cursor: q.nextToken });
    return { tasks: page.items.map((t) => ({ taskId: t.taskId, startTime: t.startTime / 1000, taskStatus: t.taskStatus })), ...(page.next === undefined ? {} : { nextToken: page.next }) };
  });

  app.get('/audit/mitigationactions/executions', { schema: { tags, summary: 'ListAuditMitigationActionsExecutions', ...c.listMitigationExecutions } }, async (request) => {
    const q = request.query;
    const page = await mitigation.executions({ taskId: q.taskId, findingId: q.findingId, status: q.actionStatus as AuditMitigationExecutionStatus | undefined, limit: q.maxResults ?? 100, cursor: q.nextToken });
    return {
      actionsExecutions: page.items.map((e) => ({
        taskId: e.taskId,
        findingId: e.findingId,
        actionName: e.actionName,
        actionId: e.actionId,
        status: e.status,
        ...(e.startTime === undefined ? {} : { startTime: seconds(e.startTime) }),
        ...(e.endTime === undefined ? {} : { endTime: seconds(e.endTime) }),
        ...(e.errorCode === undefined ? {} : { errorCode: e.errorCode }),
        ...(e.message === undefined ? {} : { message: e.message }),
      })),
      ...(page.next === undefined ? {} : { nextToken: page.next }),
    };
  });
}
