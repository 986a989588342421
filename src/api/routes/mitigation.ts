import type { FastifyInstance } from 'fastify';
import { unwrap } from '../../core/index.js';
import type { DetectMitigationTask, MitigationAction } from '../../model/index.js';
import { detectContract as c } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';
import { bodyTime, queryTime } from './detect-support.js';
import { compact, seconds } from './iot-registry-support.js';

const tags = ['AWS IoT Device Defender: mitigation'];

/** Mitigation action definitions (shared with audit) and detect mitigation tasks (§7.1, §7.3). */
export function mitigationRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'detect'>): void {
  const app = typed(fastify);
  const { mitigation } = deps.detect;
  const definition = (a: MitigationAction) => ({ name: a.name, id: a.id, roleArn: a.roleArn, actionParams: a.params });
  const summary = (t: DetectMitigationTask) =>
    compact({
      taskId: t.taskId,
      taskStatus: t.status,
      taskStartTime: seconds(t.startTime),
      taskEndTime: t.endTime === undefined ? undefined : seconds(t.endTime),
      target: t.target,
      violationEventOccurrenceRange: t.range === undefined ? undefined : { startTime: seconds(t.range.startTime), endTime: seconds(t.range.endTime) },
      onlyActiveViolationsIncluded: t.onlyActive,
      suppressedAlertsIncluded: t.includeSuppressed,
      actionsDefinition: t.actions.map(definition),
      taskStatistics: t.statistics,
    });

  app.post('/mitigationactions/actions/:actionName', { schema: { tags, summary: 'CreateMitigationAction', ...c.createMitigationAction } }, async (request) => {
    const b = request.body;
    const action = unwrap(await mitigation.createAction(request.params.actionName, { roleArn: b.roleArn, actionParams: b.actionParams, tags: b.tags }));
    return { actionArn: mitigation.actionArn(action.name), actionId: action.id };
  });

  app.get('/mitigationactions/actions/:actionName', { schema: { tags, summary: 'DescribeMitigationAction', ...c.describeMitigationAction } }, async (request) => {
    const a = unwrap(await mitigation.describeAction(request.params.actionName));
    return { actionName: a.name, actionType: a.actionType, actionArn: mitigation.actionArn(a.name), actionId: a.id, roleArn: a.roleArn, actionParams: a.params, creationDate: seconds(a.createdAt), lastModifiedDate: seconds(a.updatedAt) };
  });

  app.patch('/mitigationactions/actions/:actionName', { schema: { tags, summary: 'UpdateMitigationAction', ...c.updateMitigationAction } }, async (request) => {
    const a = unwrap(await mitigation.updateAction(request.params.actionName, { roleArn: request.body.roleArn, actionParams: request.body.actionParams }));
    return { actionArn: mitigation.actionArn(a.name), actionId: a.id };
  });

  app.delete('/mitigationactions/actions/:actionName', { schema: { tags, summary: 'DeleteMitigationAction', ...c.deleteMitigationAction } }, async (request) => {
    unwrap(await mitigation.deleteAction(request.params.actionName));
    return {};
  });

  app.get('/mitigationactions/actions', { schema: { tags, summary: 'ListMitigationActions', ...c.listMitigationActions } }, async (request) => {
    const listed = unwrap(await mitigation.listActions(request.query));
    return compact({ actionIdentifiers: listed.items.map((a) => ({ actionName: a.name, actionArn: mitigation.actionArn(a.name), creationDate: seconds(a.createdAt) })), nextToken: listed.nextToken });
  });

  app.put('/detect/mitigationactions/tasks/:taskId', { schema: { tags, summary: 'StartDetectMitigationActionsTask', ...c.startDetectMitigationTask } }, async (request) => {
    const b = request.body;
    const range = b.violationEventOccurrenceRange;
    const taskId = unwrap(await mitigation.startTask(request.params.taskId, {
      target: b.target,
      actions: b.actions,
      violationEventOccurrenceRange: range === undefined ? undefined : { startTime: bodyTime(range.startTime, 'startTime') ?? 0, endTime: bodyTime(range.endTime, 'endTime') ?? 0 },
      includeOnlyActiveViolations: b.includeOnlyActiveViolations,
      includeSuppressedAlerts: b.includeSuppressedAlerts,
      clientRequestToken: b.clientRequestToken,
    }));
    return { taskId };
  });

  app.get('/detect/mitigationactions/tasks/:taskId', { schema: { tags, summary: 'DescribeDetectMitigationActionsTask', ...c.describeDetectMitigationTask } }, async (request) => ({ taskSummary: summary(unwrap(await mitigation.describeTask(request.params.taskId))) }));

  app.put('/detect/mitigationactions/tasks/:taskId/cancel', { schema: { tags, summary: 'CancelDetectMitigationActionsTask', ...c.cancelDetectMitigationTask } }, async (request) => {
    unwrap(await mitigation.cancelTask(request.params.taskId));
    return {};
  });

  app.get('/detect/mitigationactions/tasks', { schema: { tags, summary: 'ListDetectMitigationActionsTasks', ...c.listDetectMitigationTasks } }, async (request) => {
    const q = request.query;
    const listed = unwrap(await mitigation.listTasks({ ...q, startTime: queryTime(q.startTime, 'startTime'), endTime: queryTime(q.endTime, 'endTime') }));
    return compact({ tasks: listed.items.map(summary), nextToken: listed.nextToken });
  });

  app.get('/detect/mitigationactions/executions', { schema: { tags, summary: 'ListDetectMitigationActionsExecutions', ...c.listDetectMitigationExecutions } }, async (request) => {
    const q = request.query;
    const listed = unwrap(await mitigation.listExecutions({ ...q, startTime: queryTime(q.startTime, 'startTime'), endTime: queryTime(q.endTime, 'endTime') }));
    return compact({
      actionsExecutions: listed.items.map((e) => compact({ taskId: e.taskId, violationId: e.violationId, actionName: e.actionName, thingName: e.thingName, executionStartDate: seconds(e.startTime), executionEndDate: e.endTime === undefined ? undefined : seconds(e.endTime), status: e.status, errorCode: e.errorCode, message: e.message })),
      nextToken: listed.nextToken,
    });
  });
}
