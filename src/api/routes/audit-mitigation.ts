import type { FastifyInstance } from 'fastify';
import { VigilError, unwrap } from '../../core/index.js';
import { seconds } from '../../audit/index.js';
import type { AuditMitigationExecutionStatus, AuditMitigationTaskStatus } from '../../model/index.js';
import type { ApiDeps } from '../deps.js';
import { body, params, query, str } from './iot-registry-support.js';
import { pageSize, strings, stringMap, timeMs } from './audit-support.js';

const tags = ['AWS IoT Device Defender: audit mitigation'];

/** Audit mitigation actions tasks and executions (AWS rest-json, device-defender.md §7.2). */
export function auditMitigationRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const audit = deps.audit;
  if (audit === undefined) return;
  const { mitigation } = audit;
  const list = (v: unknown, n: string) => strings(v, n) ?? [];

  app.post('/audit/mitigationactions/tasks/:taskId', { schema: { tags, summary: 'StartAuditMitigationActionsTask' } }, async (request) => {
    const input = body(request);
    const target = (input['target'] ?? {}) as Record<string, unknown>;
    if (typeof target !== 'object' || Array.isArray(target)) throw new VigilError('audit.invalid_request', 'target must be an object');
    const mapping = stringMap(input['auditCheckToActionsMapping'], 'auditCheckToActionsMapping', list) ?? {};
    const taskId = unwrap(await mitigation.start(params(request)['taskId'] as string, {
      target: {
        ...(target['auditTaskId'] === undefined ? {} : { auditTaskId: str(target, 'auditTaskId') as string }),
        ...(target['findingIds'] === undefined ? {} : { findingIds: list(target['findingIds'], 'target.findingIds') }),
        ...(target['auditCheckToReasonCodeFilter'] === undefined ? {} : { auditCheckToReasonCodeFilter: stringMap(target['auditCheckToReasonCodeFilter'], 'target.auditCheckToReasonCodeFilter', list) as Record<string, string[]> }),
      },
      auditCheckToActionsMapping: mapping,
      clientRequestToken: str(input, 'clientRequestToken') ?? '',
    }));
    return { taskId };
  });

  app.get('/audit/mitigationactions/tasks/:taskId', { schema: { tags, summary: 'DescribeAuditMitigationActionsTask' } }, async (request) => {
    const { task, statistics } = unwrap(await mitigation.describe(params(request)['taskId'] as string));
    return {
      taskStatus: task.taskStatus,
      startTime: seconds(task.startTime),
      ...(task.endTime === undefined ? {} : { endTime: seconds(task.endTime) }),
      taskStatistics: statistics,
      target: task.target,
      auditCheckToActionsMapping: task.auditCheckToActionsMapping,
      actionsDefinition: task.actions.map((a) => ({ name: a.name, id: a.id, roleArn: a.roleArn, actionParams: a.params })),
    };
  });

  app.put('/audit/mitigationactions/tasks/:taskId/cancel', { schema: { tags, summary: 'CancelAuditMitigationActionsTask' } }, async (request) => {
    unwrap(await mitigation.cancel(params(request)['taskId'] as string));
    return {};
  });

  app.get('/audit/mitigationactions/tasks', { schema: { tags, summary: 'ListAuditMitigationActionsTasks' } }, async (request) => {
    const q = query(request);
    const from = timeMs(q['startTime'], 'startTime');
    const to = timeMs(q['endTime'], 'endTime');
    if (from === undefined || to === undefined) throw new VigilError('audit.invalid_request', 'startTime and endTime are required');
    const page = await mitigation.list({ from, to, auditTaskId: q['auditTaskId'], findingId: q['findingId'], taskStatus: q['taskStatus'] as AuditMitigationTaskStatus | undefined, limit: pageSize(q['maxResults']), cursor: q['nextToken'] });
    return { tasks: page.items.map((t) => ({ taskId: t.taskId, startTime: seconds(t.startTime), taskStatus: t.taskStatus })), ...(page.next === undefined ? {} : { nextToken: page.next }) };
  });

  app.get('/audit/mitigationactions/executions', { schema: { tags, summary: 'ListAuditMitigationActionsExecutions' } }, async (request) => {
    const q = query(request);
    const taskId = q['taskId'];
    const findingId = q['findingId'];
    if (taskId === undefined || findingId === undefined) throw new VigilError('audit.invalid_request', 'taskId and findingId are required');
    const page = await mitigation.executions({ taskId, findingId, status: q['actionStatus'] as AuditMitigationExecutionStatus | undefined, limit: pageSize(q['maxResults']), cursor: q['nextToken'] });
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
