import type { FastifyInstance } from 'fastify';
import { unwrap } from '../../core/index.js';
import { arns } from '../../protocol/index.js';
import type { AuditSuppression, ScheduledAudit, Tag } from '../../model/index.js';
import { auditContract as c } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';
import { identifier, optionalIdentifier, timeMs } from './audit-support.js';

const tags = ['AWS IoT Device Defender: audit schedules and suppressions'];
const PAGE = 100;

/** Scheduled audits and audit finding suppressions (AWS rest-json, device-defender.md §6.4, §6.6). */
export function auditScheduleRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'audit' | 'region' | 'accountId'>): void {
  const app = typed(fastify);
  const { scheduler, suppressions } = deps.audit;
  const arn = arns(deps.region, deps.accountId).scheduledAudit;
  const describe = (a: ScheduledAudit) => ({
    frequency: a.frequency,
    ...(a.dayOfMonth === undefined ? {} : { dayOfMonth: a.dayOfMonth }),
    ...(a.dayOfWeek === undefined ? {} : { dayOfWeek: a.dayOfWeek }),
    targetCheckNames: a.targetCheckNames,
    scheduledAuditName: a.name,
    scheduledAuditArn: arn(a.name),
  });
  const scheduleInput = (input: { frequency?: string | undefined; dayOfWeek?: string | undefined; dayOfMonth?: string | undefined; targetCheckNames?: readonly string[] | undefined; tags?: readonly object[] | undefined }) =>
    ({ frequency: input.frequency, dayOfWeek: input.dayOfWeek, dayOfMonth: input.dayOfMonth, targetCheckNames: input.targetCheckNames, tags: input.tags as readonly Tag[] | undefined });

  app.post('/audit/scheduledaudits/:name', { schema: { tags, summary: 'CreateScheduledAudit', ...c.createScheduledAudit } }, async (request) => {
    const created = unwrap(await scheduler.create(request.params.name, scheduleInput(request.body)));
    return { scheduledAuditArn: arn(created.name) };
  });
  app.get('/audit/scheduledaudits/:name', { schema: { tags, summary: 'DescribeScheduledAudit', ...c.describeScheduledAudit } }, async (request) => describe(unwrap(await scheduler.describe(request.params.name))));
  app.patch('/audit/scheduledaudits/:name', { schema: { tags, summary: 'UpdateScheduledAudit', ...c.updateScheduledAudit } }, async (request) => ({ scheduledAuditArn: arn((unwrap(await scheduler.update(request.params.name, scheduleInput(request.body)))).name) }));
  app.delete('/audit/scheduledaudits/:name', { schema: { tags, summary: 'DeleteScheduledAudit', ...c.deleteScheduledAudit } }, async (request) => {
    unwrap(await scheduler.delete(request.params.name));
    return {};
  });
  app.get('/audit/scheduledaudits', { schema: { tags, summary: 'ListScheduledAudits', ...c.listScheduledAudits } }, async (request) => {
    const all = await scheduler.list();
    const limit = request.query.maxResults ?? PAGE;
    const offset = Number(request.query.nextToken ?? 0) || 0;
    return {
      scheduledAudits: all.slice(offset, offset + limit).map((a) => ({ scheduledAuditName: a.name, scheduledAuditArn: arn(a.name), frequency: a.frequency, ...(a.dayOfMonth === undefined ? {} : { dayOfMonth: a.dayOfMonth }), ...(a.dayOfWeek === undefined ? {} : { dayOfWeek: a.dayOfWeek }) })),
      ...(offset + limit < all.length ? { nextToken: String(offset + limit) } : {}),
    };
  });

  const suppressionJson = (s: AuditSuppression) => ({
    checkName: s.checkName,
    resourceIdentifier: s.resourceIdentifier,
    ...(s.expirationDate === undefined ? {} : { expirationDate: s.expirationDate / 1000 }),
    suppressIndefinitely: s.suppressIndefinitely,
    ...(s.description === undefined ? {} : { description: s.description }),
  });
  const suppressionInput = (input: { checkName?: string | undefined; resourceIdentifier?: unknown; expirationDate?: number | string | undefined; suppressIndefinitely?: boolean | undefined; description?: string | undefined }) => ({
    checkName: input.checkName ?? '',
    resourceIdentifier: identifier(input.resourceIdentifier),
    expirationDate: timeMs(input.expirationDate, 'expirationDate'),
    suppressIndefinitely: input.suppressIndefinitely,
    description: input.description,
  });

  app.post('/audit/suppressions/create', { schema: { tags, summary: 'CreateAuditSuppression', ...c.createSuppression } }, async (request) => {
    unwrap(await suppressions.create(suppressionInput(request.body)));
    return {};
  });
  app.post('/audit/suppressions/describe', { schema: { tags, summary: 'DescribeAuditSuppression', ...c.describeSuppression } }, async (request) => suppressionJson(unwrap(await suppressions.describe(request.body.checkName ?? '', identifier(request.body.resourceIdentifier)))));
  app.patch('/audit/suppressions/update', { schema: { tags, summary: 'UpdateAuditSuppression', ...c.updateSuppression } }, async (request) => {
    unwrap(await suppressions.update(suppressionInput(request.body)));
    return {};
  });
  app.post('/audit/suppressions/delete', { schema: { tags, summary: 'DeleteAuditSuppression', ...c.deleteSuppression } }, async (request) => {
    unwrap(await suppressions.delete(request.body.checkName ?? '', identifier(request.body.resourceIdentifier)));
    return {};
  });
  app.post('/audit/suppressions/list', { schema: { tags, summary: 'ListAuditSuppressions', ...c.listSuppressions } }, async (request) => {
    const input = request.body;
    const page = await suppressions.list({ checkName: input.checkName, resourceIdentifier: optionalIdentifier(input.resourceIdentifier), ascending: input.ascendingOrder, limit: input.maxResults ?? PAGE, cursor: input.nextToken });
    return { suppressions: page.items.map(suppressionJson), ...(page.next === undefined ? {} : { nextToken: page.next }) };
  });
}
