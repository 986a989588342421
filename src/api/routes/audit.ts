import type { FastifyInstance } from 'fastify';
import { VigilError, unwrap } from '../../core/index.js';
import { findingJson, relatedJson, resourceKey, taskJson } from '../../audit/index.js';
import type { AuditLoggingOptions, AuditTaskStatus, AuditTaskType } from '../../model/index.js';
import type { ApiDeps } from '../deps.js';
import { body, params, query, str } from './iot-registry-support.js';
import { boolOf, optionalIdentifier, pageSize, strings, stringMap, timeMs } from './audit-support.js';

const tags = ['AWS IoT Device Defender: audit'];

/** Audit configuration, tasks, findings and IoT logging options (AWS rest-json, device-defender.md §6, §10). */
export function auditRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const audit = deps.audit;
  if (audit === undefined) return;
  const { engine } = audit;

  app.patch('/audit/configuration', { schema: { tags, summary: 'UpdateAccountAuditConfiguration' } }, async (request) => {
    const input = body(request);
    const targets = stringMap(input['auditNotificationTargetConfigurations'], 'auditNotificationTargetConfigurations', (v) => v as Record<string, unknown>);
    const sns = targets?.['SNS'];
    const checks = stringMap(input['auditCheckConfigurations'], 'auditCheckConfigurations', (v, name) => {
      const c = (v ?? {}) as Record<string, unknown>;
      return { enabled: boolOf(c['enabled'], `${name}.enabled`), configuration: stringMap(c['configuration'], `${name}.configuration`, (x, n) => { if (typeof x !== 'string') throw new VigilError('audit.invalid_request', `${n} must be a string`); return x; }) };
    });
    unwrap(await engine.updateConfiguration({
      roleArn: str(input, 'roleArn'),
      target: sns === undefined ? undefined : { targetArn: str(sns, 'targetArn'), roleArn: str(sns, 'roleArn'), enabled: boolOf(sns['enabled'], 'SNS.enabled') },
      checks,
    }));
    return {};
  });

  app.get('/audit/configuration', { schema: { tags, summary: 'DescribeAccountAuditConfiguration' } }, async () => {
    const c = await engine.describeConfiguration();
    return {
      ...(c.roleArn === undefined ? {} : { roleArn: c.roleArn }),
      auditNotificationTargetConfigurations: c.target === undefined ? {} : { SNS: { targetArn: c.target.targetArn, ...(c.target.roleArn === undefined ? {} : { roleArn: c.target.roleArn }), enabled: c.target.enabled } },
      auditCheckConfigurations: c.checks,
    };
  });

  app.delete('/audit/configuration', { schema: { tags, summary: 'DeleteAccountAuditConfiguration' } }, async (request) => {
    unwrap(await audit.deleteConfiguration(boolOf(query(request)['deleteScheduledAudits'], 'deleteScheduledAudits') === true));
    return {};
  });

  app.post('/audit/tasks', { schema: { tags, summary: 'StartOnDemandAuditTask' } }, async (request) => {
    const names = strings(body(request)['targetCheckNames'], 'targetCheckNames') ?? [];
    return { taskId: unwrap(await engine.startOnDemandTask(names)) };
  });

  app.get('/audit/tasks', { schema: { tags, summary: 'ListAuditTasks' } }, async (request) => {
    const q = query(request);
    const from = timeMs(q['startTime'], 'startTime');
    const to = timeMs(q['endTime'], 'endTime');
    if (from === undefined || to === undefined) throw new VigilError('audit.invalid_request', 'startTime and endTime are required');
    const page = await engine.listTasks({ from, to, taskType: q['taskType'] as AuditTaskType | undefined, taskStatus: q['taskStatus'] as AuditTaskStatus | undefined, limit: pageSize(q['maxResults']), cursor: q['nextToken'] });
    return { tasks: page.items.map((t) => ({ taskId: t.taskId, taskStatus: t.taskStatus, taskType: t.taskType })), ...(page.next === undefined ? {} : { nextToken: page.next }) };
  });

  app.get('/audit/tasks/:taskId', { schema: { tags, summary: 'DescribeAuditTask' } }, async (request) => taskJson(unwrap(await engine.describeTask(params(request)['taskId'] as string))));

  app.put('/audit/tasks/:taskId/cancel', { schema: { tags, summary: 'CancelAuditTask' } }, async (request) => {
    unwrap(await engine.cancelTask(params(request)['taskId'] as string));
    return {};
  });

  app.post('/audit/findings', { schema: { tags, summary: 'ListAuditFindings' } }, async (request) => {
    const input = body(request);
    const resource = optionalIdentifier(input['resourceIdentifier']);
    const page = unwrap(await engine.listFindings({
      taskId: str(input, 'taskId'),
      checkName: str(input, 'checkName'),
      resourceKey: resource === undefined ? undefined : resourceKey(resource),
      from: timeMs(input['startTime'], 'startTime'),
      to: timeMs(input['endTime'], 'endTime'),
      suppressed: boolOf(input['listSuppressedFindings'], 'listSuppressedFindings'),
      limit: pageSize(input['maxResults']),
      cursor: str(input, 'nextToken'),
    }));
    return { findings: page.items.map((f) => findingJson(f)), ...(page.next === undefined ? {} : { nextToken: page.next }) };
  });

  app.get('/audit/findings/:findingId', { schema: { tags, summary: 'DescribeAuditFinding' } }, async (request) => ({ finding: findingJson(unwrap(await engine.describeFinding(params(request)['findingId'] as string))) }));

  app.get('/audit/relatedResources', { schema: { tags, summary: 'ListRelatedResourcesForAuditFinding' } }, async (request) => {
    const q = query(request);
    const findingId = q['findingId'];
    if (findingId === undefined || findingId === '') throw new VigilError('audit.invalid_request', 'findingId is required');
    const finding = unwrap(await engine.describeFinding(findingId));
    const limit = pageSize(q['maxResults']);
    const offset = q['nextToken'] === undefined ? 0 : Number(q['nextToken']);
    if (!Number.isInteger(offset) || offset < 0) throw new VigilError('audit.invalid_request', 'nextToken is not one this server issued');
    const items = finding.relatedResources.slice(offset, offset + limit).map(relatedJson);
    return { relatedResources: items, ...(offset + limit < finding.relatedResources.length ? { nextToken: String(offset + limit) } : {}) };
  });

  // IoT logging = Vigil's audit log (LOGGING_DISABLED_CHECK, ENABLE_IOT_LOGGING).
  app.get('/v2LoggingOptions', { schema: { tags, summary: 'GetV2LoggingOptions' } }, async () => {
    const options = await engine.options.store.getLogging();
    return options === undefined ? { defaultLogLevel: 'DISABLED', disableAllLogs: true } : { roleArn: options.roleArn, defaultLogLevel: options.defaultLogLevel, disableAllLogs: options.disableAllLogs };
  });

  app.post('/v2LoggingOptions', { schema: { tags, summary: 'SetV2LoggingOptions' } }, async (request) => {
    const input = body(request);
    const level = str(input, 'defaultLogLevel') ?? 'ERROR';
    if (!['DEBUG', 'INFO', 'ERROR', 'WARN', 'DISABLED'].includes(level)) throw new VigilError('audit.invalid_request', 'defaultLogLevel must be DEBUG, INFO, ERROR, WARN or DISABLED');
    await engine.options.store.putLogging({ roleArn: str(input, 'roleArn') ?? '', defaultLogLevel: level as AuditLoggingOptions['defaultLogLevel'], disableAllLogs: boolOf(input['disableAllLogs'], 'disableAllLogs') ?? false });
    return {};
  });

}
