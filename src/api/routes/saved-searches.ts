import type { FastifyInstance } from 'fastify';
import type { AlertRun, SavedSearch } from '../../model/index.js';
import { formatTrigger } from '../../siem/index.js';
import { savedSearchesContract as c, type AlertRunView, type SavedSearchView } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';

const iso = (ms: number): string => new Date(ms).toISOString();

/** A saved search as the API shows it: times in ISO, the trigger also as text, and the next scheduled run. */
export function savedSearchView(search: SavedSearch, nextRun: number | undefined): SavedSearchView {
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

export function alertRunView(run: AlertRun): AlertRunView {
  return { ...run, time: iso(run.time) };
}

/** `/api/v1/saved-searches`: saved SPL searches on a cron schedule, their alerts, dispatch and alert history. */
export function savedSearchRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'alerts'>): void {
  const app = typed(fastify);
  const { alerts } = deps;
  const tags = ['siem'];
  const view = (search: SavedSearch): SavedSearchView => savedSearchView(search, alerts.nextRuns().get(search.name));

  app.get('/api/v1/saved-searches', { schema: { tags, summary: 'List saved searches (bundled detections included)', ...c.list } }, async () => ({ savedSearches: (await alerts.list()).map(view) }));

  app.post('/api/v1/saved-searches', { schema: { tags, summary: 'Create a saved search, optionally with an alert', ...c.create } }, async (request, reply) => reply.status(201).send(view(await alerts.create(request.body))));

  app.get('/api/v1/saved-searches/:name', { schema: { tags, summary: 'Describe a saved search', ...c.get } }, async (request) => view(await alerts.get(request.params.name)));

  for (const method of ['put', 'patch'] as const) {
    const summary = method === 'put' ? 'Update the given fields of a saved search (alert: null removes the alert)' : 'Same as PUT';
    app[method]('/api/v1/saved-searches/:name', { schema: { tags, summary, ...c.update } }, async (request) => view(await alerts.update(request.params.name, request.body)));
  }

  app.delete('/api/v1/saved-searches/:name', { schema: { tags, summary: 'Delete a saved search with its history', ...c.delete } }, async (request, reply) => {
    await alerts.delete(request.params.name);
    return reply.status(204).send();
  });

  app.post('/api/v1/saved-searches/:name/enable', { schema: { tags, summary: 'Enable the schedule', ...c.setEnabled } }, async (request) => view(await alerts.setEnabled(request.params.name, true)));
  app.post('/api/v1/saved-searches/:name/disable', { schema: { tags, summary: 'Disable the schedule', ...c.setEnabled } }, async (request) => view(await alerts.setEnabled(request.params.name, false)));

  app.post('/api/v1/saved-searches/:name/dispatch', { schema: { tags, summary: 'Run the search now (its alert too); answers the history entry', ...c.dispatch } }, async (request) => alertRunView(await alerts.dispatch(request.params.name)));

  app.get('/api/v1/saved-searches/:name/history', { schema: { tags, summary: 'Alert history, newest first: every run, fired or not, with errors', ...c.history } }, async (request) => {
    return { runs: (await alerts.history(request.params.name, request.query.limit)).map(alertRunView) };
  });
}
