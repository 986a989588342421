import type { FastifyInstance } from 'fastify';
import { unwrap } from '../../core/index.js';
import type { DetectMitigationTask, MitigationAction } from '../../model/index.js';
import type { ApiDeps } from '../deps.js';
import { array, bodyTime, object, queryTime } from './detect-support.js';
import { body, compact, int, optionalBool, params, query, seconds, str } from './iot-registry-support.js';

const tags = ['AWS IoT Device Defender: mitigation'];

/** Mitigation action definitions (shared with audit) and detect mitigation tasks (§7.1, §7.3). */
export function mitigationRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { detect } = deps;
  if (detect === undefined) return;
  const { mitigation } = detect;
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

  app.post('/mitigationactions/actions/:actionName', { schema: { tags, summary: 'CreateMitigationAction' } }, async (request) => {
    const b = body(request);
    const action = unwrap(await mitigation.createAction(params(request)['actionName'] as string, { roleArn: str(b, 'roleArn'), actionParams: b['actionParams'], tags: array(b, 'tags') }));
    return { actionArn: mitigation.actionArn(action.name), actionId: action.id };
  });

  app.get('/mitigationactions/actions/:actionName', { schema: { tags, summary: 'DescribeMitigationAction' } }, async (request) => {
    const a = unwrap(await mitigation.describeAction(params(request)['actionName'] as string));
    return { actionName: a.name, actionType: a.actionType, actionArn: mitigation.actionArn(a.name), actionId: a.id, roleArn: a.roleArn, actionParams: a.params, creationDate: seconds(a.createdAt), lastModifiedDate: seconds(a.updatedAt) };
  });

  app.patch('/mitigationactions/actions/:actionName', { schema: { tags, summary: 'UpdateMitigationAction' } }, async (request) => {
    const b = body(request);
    const a = unwrap(await mitigation.updateAction(params(request)['actionName'] as string, { roleArn: str(b, 'roleArn'), actionParams: b['actionParams'] }));
    return { actionArn: mitigation.actionArn(a.name), actionId: a.id };
  });

  app.delete('/mitigationactions/actions/:actionName', { schema: { tags, summary: 'DeleteMitigationAction' } }, async (request) => {
    unwrap(await mitigation.deleteAction(params(request)['actionName'] as string));
    return {};
  });

  app.get('/mitigationactions/actions', { schema: { tags, summary: 'ListMitigationActions' } }, async (request) => {
    const q = query(request);
    const listed = unwrap(await mitigation.listActions({ actionType: q['actionType'], nextToken: q['nextToken'], maxResults: int(q['maxResults'], 'maxResults') }));
    return compact({ actionIdentifiers: listed.items.map((a) => ({ actionName: a.name, actionArn: mitigation.actionArn(a.name), creationDate: seconds(a.createdAt) })), nextToken: listed.nextToken });
  });

  app.put('/detect/mitigationactions/tasks/:taskId', { schema: { tags, summary: 'StartDetectMitigationActionsTask' } }, async (request) => {
    const b = body(request);
    const range = object<Record<string, unknown>>(b, 'violationEventOccurrenceRange');
    const taskId = unwrap(await mitigation.startTask(params(request)['taskId'] as string, {
      target: object(b, 'target'),
      actions: array<string>(b, 'actions'),
      violationEventOccurrenceRange: range === undefined ? undefined : { startTime: bodyTime(range['startTime'], 'startTime') ?? 0, endTime: bodyTime(range['endTime'], 'endTime') ?? 0 },
      includeOnlyActiveViolations: optionalBool(b, 'includeOnlyActiveViolations'),
      includeSuppressedAlerts: optionalBool(b, 'includeSuppressedAlerts'),
      clientRequestToken: str(b, 'clientRequestToken'),
    }));
    return { taskId };
  });

  app.get('/detect/mitigationactions/tasks/:taskId', { schema: { tags, summary: 'DescribeDetectMitigationActionsTask' } }, async (request) => ({ taskSummary: summary(unwrap(await mitigation.describeTask(params(request)['taskId'] as string))) }));

  app.put('/detect/mitigationactions/tasks/:taskId/cancel', { schema: { tags, summary: 'CancelDetectMitigationActionsTask' } }, async (request) => {
    unwrap(await mitigation.cancelTask(params(request)['taskId'] as string));
    return {};
  });

  app.get('/detect/mitigationactions/tasks', { schema: { tags, summary: 'ListDetectMitigationActionsTasks' } }, async (request) => {
    const q = query(request);
    const listed = unwrap(await mitigation.listTasks({ startTime: queryTime(q['startTime'], 'startTime'), endTime: queryTime(q['endTime'], 'endTime'), nextToken: q['nextToken'], maxResults: int(q['maxResults'], 'maxResults') }));
    return compact({ tasks: listed.items.map(summary), nextToken: listed.nextToken });
  });

  app.get('/detect/mitigationactions/executions', { schema: { tags, summary: 'ListDetectMitigationActionsExecutions' } }, async (request) => {
    const q = query(request);
    const listed = unwrap(await mitigation.listExecutions({ taskId: q['taskId'], violationId: q['violationId'], thingName: q['thingName'], startTime: queryTime(q['startTime'], 'startTime'), endTime: queryTime(q['endTime'], 'endTime'), nextToken: q['nextToken'], maxResults: int(q['maxResults'], 'maxResults') }));
    return compact({
      actionsExecutions: listed.items.map((e) => compact({ taskId: e.taskId, violationId: e.violationId, actionName: e.actionName, thingName: e.thingName, executionStartDate: seconds(e.startTime), executionEndDate: e.endTime === undefined ? undefined : seconds(e.endTime), status: e.status, errorCode: e.errorCode, message: e.message })),
      nextToken: listed.nextToken,
    });
  });
}
