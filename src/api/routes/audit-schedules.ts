import type { FastifyInstance } from 'fastify';
import { unwrap } from '../../core/index.js';
import { arns } from '../../protocol/index.js';
import type { AuditSuppression, ScheduledAudit, Tag } from '../../model/index.js';
import type { ApiDeps } from '../deps.js';
import { body, params, query, str } from './iot-registry-support.js';
import { boolOf, identifier, optionalIdentifier, pageSize, strings, timeMs } from './audit-support.js';
import { seconds } from '../../audit/index.js';

const tags = ['AWS IoT Device Defender: audit schedules and suppressions'];

/** Scheduled audits and audit finding suppressions (AWS rest-json, device-defender.md §6.4, §6.6). */
export function auditScheduleRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const audit = deps.audit;
  if (audit === undefined) return;
  const { scheduler, suppressions } = audit;
  const arn = arns(deps.region, deps.accountId).scheduledAudit;
  const describe = (a: ScheduledAudit) => ({
    frequency: a.frequency,
    ...(a.dayOfMonth === undefined ? {} : { dayOfMonth: a.dayOfMonth }),
    ...(a.dayOfWeek === undefined ? {} : { dayOfWeek: a.dayOfWeek }),
    targetCheckNames: a.targetCheckNames,
    scheduledAuditName: a.name,
    scheduledAuditArn: arn(a.name),
  });
  const scheduleInput = (input: Record<string, unknown>) => ({ frequency: str(input, 'frequency'), dayOfWeek: str(input, 'dayOfWeek'), dayOfMonth: str(input, 'dayOfMonth'), targetCheckNames: strings(input['targetCheckNames'], 'targetCheckNames'), tags: input['tags'] as Tag[] | undefined });

  app.post('/audit/scheduledaudits/:name', { schema: { tags, summary: 'CreateScheduledAudit' } }, async (request) => {
    const created = unwrap(await scheduler.create(params(request)['name'] as string, scheduleInput(body(request))));
    return { scheduledAuditArn: arn(created.name) };
  });
  app.get('/audit/scheduledaudits/:name', { schema: { tags, summary: 'DescribeScheduledAudit' } }, async (request) => describe(unwrap(await scheduler.describe(params(request)['name'] as string))));
  app.patch('/audit/scheduledaudits/:name', { schema: { tags, summary: 'UpdateScheduledAudit' } }, async (request) => ({ scheduledAuditArn: arn((unwrap(await scheduler.update(params(request)['name'] as string, scheduleInput(body(request))))).name) }));
  app.delete('/audit/scheduledaudits/:name', { schema: { tags, summary: 'DeleteScheduledAudit' } }, async (request) => {
    unwrap(await scheduler.delete(params(request)['name'] as string));
    return {};
  });
  app.get('/audit/scheduledaudits', { schema: { tags, summary: 'ListScheduledAudits' } }, async (request) => {
    const all = await scheduler.list();
    const q = query(request);
    const limit = pageSize(q['maxResults']);
    const offset = Number(q['nextToken'] ?? 0) || 0;
    return {
      scheduledAudits: all.slice(offset, offset + limit).map((a) => ({ scheduledAuditName: a.name, scheduledAuditArn: arn(a.name), frequency: a.frequency, ...(a.dayOfMonth === undefined ? {} : { dayOfMonth: a.dayOfMonth }), ...(a.dayOfWeek === undefined ? {} : { dayOfWeek: a.dayOfWeek }) })),
      ...(offset + limit < all.length ? { nextToken: String(offset + limit) } : {}),
    };
  });

  const suppressionJson = (s: AuditSuppression) => ({
    checkName: s.checkName,
    resourceIdentifier: s.resourceIdentifier,
    ...(s.expirationDate === undefined ? {} : { expirationDate: seconds(s.expirationDate) }),
    suppressIndefinitely: s.suppressIndefinitely,
    ...(s.description === undefined ? {} : { description: s.description }),
  });
  const suppressionInput = (input: Record<string, unknown>) => ({
    checkName: str(input, 'checkName') ?? '',
    resourceIdentifier: identifier(input['resourceIdentifier']),
    expirationDate: timeMs(input['expirationDate'], 'expirationDate'),
    suppressIndefinitely: boolOf(input['suppressIndefinitely'], 'suppressIndefinitely'),
    description: str(input, 'description'),
  });

  app.post('/audit/suppressions/create', { schema: { tags, summary: 'CreateAuditSuppression' } }, async (request) => {
    unwrap(await suppressions.create(suppressionInput(body(request))));
    return {};
  });
  app.post('/audit/suppressions/describe', { schema: { tags, summary: 'DescribeAuditSuppression' } }, async (request) => {
    const input = body(request);
    return suppressionJson(unwrap(await suppressions.describe(str(input, 'checkName') ?? '', identifier(input['resourceIdentifier']))));
  });
  app.patch('/audit/suppressions/update', { schema: { tags, summary: 'UpdateAuditSuppression' } }, async (request) => {
    unwrap(await suppressions.update(suppressionInput(body(request))));
    return {};
  });
  app.post('/audit/suppressions/delete', { schema: { tags, summary: 'DeleteAuditSuppression' } }, async (request) => {
    const input = body(request);
    unwrap(await suppressions.delete(str(input, 'checkName') ?? '', identifier(input['resourceIdentifier'])));
    return {};
  });
  app.post('/audit/suppressions/list', { schema: { tags, summary: 'ListAuditSuppressions' } }, async (request) => {
    const input = body(request);
    const page = await suppressions.list({ checkName: str(input, 'checkName'), resourceIdentifier: optionalIdentifier(input['resourceIdentifier']), ascending: boolOf(input['ascendingOrder'], 'ascendingOrder'), limit: pageSize(input['maxResults']), cursor: str(input, 'nextToken') });
    return { suppressions: page.items.map(suppressionJson), ...(page.next === undefined ? {} : { nextToken: page.next }) };
  });
}
