import type { FastifyInstance } from 'fastify';
import { VigilError, unwrap } from '../../core/index.js';
import { findingJson, relatedJson, resourceKey, taskJson } from '../../audit/index.js';
import type { AuditTaskStatus, AuditTaskType } from '../../model/index.js';
import { auditContract as c } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';
import { optionalIdentifier, timeMs } from './audit-support.js';

const tags = ['AWS IoT Device Defender: audit'];
const PAGE = 100;

/** Audit configuration, tasks, findings and IoT logging options (AWS rest-json, device-defender.md §6, §10). */
export function auditRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'audit'>): void {
  const app = typed(fastify);
  const { audit } = deps;
  const { engine } = audit;

  app.patch('/audit/configuration', { schema: { tags, summary: 'UpdateAccountAuditConfiguration', ...c.updateConfiguration } }, async (request) => {
    const input = request.body;
    const sns = input.auditNotificationTargetConfigurations?.['SNS'];
    unwrap(await engine.updateConfiguration({ roleArn: input.roleArn, target: sns, checks: input.auditCheckConfigurations }));
    return {};
  });

  app.get('/audit/configuration', { schema: { tags, summary: 'DescribeAccountAuditConfiguration', ...c.describeConfiguration } }, async () => {
    const configuration = await engine.describeConfiguration();
    return {
      ...(configuration.roleArn === undefined ? {} : { roleArn: configuration.roleArn }),
      auditNotificationTargetConfigurations: configuration.target === undefined ? {} : { SNS: { targetArn: configuration.target.targetArn, ...(configuration.target.roleArn === undefined ? {} : { roleArn: configuration.target.roleArn }), enabled: configuration.target.enabled } },
      auditCheckConfigurations: configuration.checks,
    };
  });

  app.delete('/audit/configuration', { schema: { tags, summary: 'DeleteAccountAuditConfiguration', ...c.deleteConfiguration } }, async (request) => {
    unwrap(await audit.deleteConfiguration(request.query.deleteScheduledAudits === true));
    return {};
  });

  app.post('/audit/tasks', { schema: { tags, summary: 'StartOnDemandAuditTask', ...c.startOnDemandTask } }, async (request) => ({ taskId: unwrap(await engine.startOnDemandTask(request.body.targetCheckNames ?? [])) }));

  app.get('/audit/tasks', { schema: { tags, summary: 'ListAuditTasks', ...c.listTasks } }, async (request) => {
    const q = request.query;
    const page = await engine.listTasks({ from: timeMs(q.startTime, 'startTime') as number, to: timeMs(q.endTime, 'endTime') as number, taskType: q.taskType as AuditTaskType | undefined, taskStatus: q.taskStatus as AuditTaskStatus | undefined, limit: q.maxResults ?? PAGE, cursor: q.nextToken });
    return { tasks: page.items.map((t) => ({ taskId: t.taskId, taskStatus: t.taskStatus, taskType: t.taskType })), ...(page.next === undefined ? {} : { nextToken: page.next }) };
  });

  app.get('/audit/tasks/:taskId', { schema: { tags, summary: 'DescribeAuditTask', ...c.describeTask } }, async (request) => taskJson(unwrap(await engine.describeTask(request.params.taskId))));

  app.put('/audit/tasks/:taskId/cancel', { schema: { tags, summary: 'CancelAuditTask', ...c.cancelTask } }, async (request) => {
    unwrap(await engine.cancelTask(request.params.taskId));
    return {};
  });

  app.post('/audit/findings', { schema: { tags, summary: 'ListAuditFindings', ...c.listFindings } }, async (request) => {
    const input = request.body;
    const resource = optionalIdentifier(input.resourceIdentifier);
    const page = unwrap(await engine.listFindings({
      taskId: input.taskId,
      checkName: input.checkName,
      resourceKey: resource === undefined ? undefined : resourceKey(resource),
      from: timeMs(input.startTime, 'startTime'),
      to: timeMs(input.endTime, 'endTime'),
      suppressed: input.listSuppressedFindings,
      limit: input.maxResults ?? PAGE,
      cursor: input.nextToken,
    }));
    return { findings: page.items.map((f) => findingJson(f)), ...(page.next === undefined ? {} : { nextToken: page.next }) };
  });

  app.get('/audit/findings/:findingId', { schema: { tags, summary: 'DescribeAuditFinding', ...c.describeFinding } }, async (request) => ({ finding: findingJson(unwrap(await engine.describeFinding(request.params.findingId))) }));

  app.get('/audit/relatedResources', { schema: { tags, summary: 'ListRelatedResourcesForAuditFinding', ...c.listRelatedResources } }, async (request) => {
    const q = request.query;
    const finding = unwrap(await engine.describeFinding(q.findingId));
    const limit = q.maxResults ?? PAGE;
    const offset = q.nextToken === undefined ? 0 : Number(q.nextToken);
    if (!Number.isInteger(offset) || offset < 0) throw new VigilError('audit.invalid_request', 'nextToken is not one this server issued');
    const items = finding.relatedResources.slice(offset, offset + limit).map(relatedJson);
    return { relatedResources: items, ...(offset + limit < finding.relatedResources.length ? { nextToken: String(offset + limit) } : {}) };
  });

  // IoT logging = Vigil's audit log (LOGGING_DISABLED_CHECK, ENABLE_IOT_LOGGING).
  app.get('/v2LoggingOptions', { schema: { tags, summary: 'GetV2LoggingOptions', ...c.getLoggingOptions } }, async () => {
    const options = await engine.options.store.getLogging();
    return options === undefined ? { defaultLogLevel: 'DISABLED', disableAllLogs: true } : { roleArn: options.roleArn, defaultLogLevel: options.defaultLogLevel, disableAllLogs: options.disableAllLogs };
  });

  app.post('/v2LoggingOptions', { schema: { tags, summary: 'SetV2LoggingOptions', ...c.setLoggingOptions } }, async (request) => {
    const input = request.body;
    await engine.options.store.putLogging({ roleArn: input.roleArn ?? '', defaultLogLevel: input.defaultLogLevel ?? 'ERROR', disableAllLogs: input.disableAllLogs ?? false });
    return {};
  });
}
