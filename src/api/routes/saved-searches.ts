import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { VigilError } from '../../core/index.js';
import type { AlertRun, SavedSearch } from '../../model/index.js';
import { formatTrigger, type AlertEngine, type SavedSearchInput } from '../../siem/index.js';
import type { ApiDeps } from '../deps.js';

const Trigger = Type.Union([
  Type.String({ minLength: 1, maxLength: 64, description: '"results>0" (> < = != >= <= N) or "per-result"' }),
  Type.Object({ type: Type.Literal('per_result') }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('number_of_results'), comparator: Type.Union(['>', '<', '=', '!=', '>=', '<='].map((c) => Type.Literal(c))), threshold: Type.Integer({ minimum: 0 }) },
    { additionalProperties: false },
  ),
]);
const Action = Type.Union([
  Type.Object({ type: Type.Literal('webhook'), url: Type.String({ minLength: 1, maxLength: 2048 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('topic'), topic: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false }),
]);
const Alert = Type.Object(
  {
    trigger: Type.Optional(Trigger),
    actions: Type.Optional(Type.Array(Action, { maxItems: 10 })),
    throttle: Type.Optional(Type.Union([Type.Null(), Type.Object({ periodSecs: Type.Integer({ minimum: 1, maximum: 31_536_000 }), fields: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 10 })) }, { additionalProperties: false })])),
  },
  { additionalProperties: false },
);
const fields = {
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  search: Type.Optional(Type.String({ minLength: 1, maxLength: 20_000 })),
  earliest: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  latest: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  cron: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  enabled: Type.Optional(Type.Boolean()),
  alert: Type.Optional(Type.Union([Type.Null(), Alert])),
};
const CreateBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }), ...fields, search: Type.String({ minLength: 1, maxLength: 20_000 }) }, { additionalProperties: false });
const UpdateBody = Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })), ...fields }, { additionalProperties: false });
const Name = Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }) });
const HistoryQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) });

const iso = (ms: number): string => new Date(ms).toISOString();

function engine(deps: ApiDeps): AlertEngine {
  if (deps.alerts === undefined) throw new VigilError('saved_search.unavailable', 'saved searches are not available in this process');
  return deps.alerts;
}

/** A saved search as the API shows it: times in ISO, the trigger also as text, and the next scheduled run. */
export function savedSearchView(search: SavedSearch, nextRun: number | undefined): Record<string, unknown> {
  return {
    name: search.name,
    description: search.description,
    search: search.search,
    earliest: search.earliest,
    latest: search.latest,
    cron: search.cron,
    enabled: search.enabled,
    bundled: search.bundled,
    ...(search.alert === undefined ? {} : { alert: { ...search.alert, triggerText: formatTrigger(search.alert.trigger) } }),
    ...(nextRun === undefined ? {} : { nextRunAt: iso(nextRun) }),
    createdAt: iso(search.createdAt),
    updatedAt: iso(search.updatedAt),
  };
}

export function alertRunView(run: AlertRun): Record<string, unknown> {
  return { ...run, time: iso(run.time) };
}

/** `/api/v1/saved-searches`: saved SPL searches on a cron schedule, their alerts, dispatch and alert history. */
export function savedSearchRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const tags = ['siem'];
  const view = (search: SavedSearch) => savedSearchView(search, engine(deps).nextRuns().get(search.name));
  const nameOf = (request: { params: unknown }) => (request.params as { name: string }).name;

  app.get('/api/v1/saved-searches', { schema: { tags, summary: 'List saved searches (bundled detections included)' } }, async () => ({ savedSearches: (await engine(deps).list()).map(view) }));

  app.post('/api/v1/saved-searches', { schema: { tags, summary: 'Create a saved search, optionally with an alert', body: CreateBody } }, async (request, reply) => {
    const created = await engine(deps).create(request.body as SavedSearchInput);
    return reply.status(201).send(view(created));
  });

  app.get('/api/v1/saved-searches/:name', { schema: { tags, summary: 'Describe a saved search', params: Name } }, async (request) => view(await engine(deps).get(nameOf(request))));

  const update = async (request: { params: unknown; body: unknown }) => view(await engine(deps).update(nameOf(request), request.body as SavedSearchInput));
  app.put('/api/v1/saved-searches/:name', { schema: { tags, summary: 'Update the given fields of a saved search (alert: null removes the alert)', params: Name, body: UpdateBody } }, update);
  app.patch('/api/v1/saved-searches/:name', { schema: { tags, summary: 'Same as PUT', params: Name, body: UpdateBody } }, update);

  app.delete('/api/v1/saved-searches/:name', { schema: { tags, summary: 'Delete a saved search with its history', params: Name } }, async (request, reply) => {
    await engine(deps).delete(nameOf(request));
    return reply.status(204).send();
  });

  app.post('/api/v1/saved-searches/:name/enable', { schema: { tags, summary: 'Enable the schedule', params: Name } }, async (request) => view(await engine(deps).setEnabled(nameOf(request), true)));
  app.post('/api/v1/saved-searches/:name/disable', { schema: { tags, summary: 'Disable the schedule', params: Name } }, async (request) => view(await engine(deps).setEnabled(nameOf(request), false)));

  app.post('/api/v1/saved-searches/:name/dispatch', { schema: { tags, summary: 'Run the search now (its alert too); answers the history entry', params: Name } }, async (request) => alertRunView(await engine(deps).dispatch(nameOf(request))));

  app.get('/api/v1/saved-searches/:name/history', { schema: { tags, summary: 'Alert history, newest first: every run, fired or not, with errors', params: Name, querystring: HistoryQuery } }, async (request) => {
    const { limit } = request.query as { limit?: number };
    return { runs: (await engine(deps).history(nameOf(request), limit)).map(alertRunView) };
  });
}
