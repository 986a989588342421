import type { FastifyInstance } from 'fastify';
import { VigilError, newId } from '../../core/index.js';
import type { Dashboard } from '../../model/index.js';
import { consoleContract as c } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';

/** `/api/v1/dashboards`: the console's user dashboards (panels of SPL + visualization). */
export function dashboardRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'clock' | 'dashboards'>): void {
  const app = typed(fastify);
  const tags = ['console'];
  const store = deps.dashboards;
  app.get('/api/v1/dashboards', { schema: { tags, summary: 'List user dashboards', ...c.listDashboards } }, async () => ({ dashboards: await store.list() }));

  app.post('/api/v1/dashboards', { schema: { tags, summary: 'Create a dashboard', ...c.createDashboard } }, async (request, reply) => {
    const body = request.body;
    const now = deps.clock.now();
    const dashboard: Dashboard = { id: newId(), name: body.name, description: body.description ?? '', panels: body.panels, version: 1, createdAt: now, updatedAt: now };
    if (!(await store.create(dashboard))) throw new VigilError('dashboard.already_exists', 'a dashboard with that id exists');
    return reply.status(201).send(dashboard);
  });

  app.get('/api/v1/dashboards/:id', { schema: { tags, summary: 'Describe a dashboard', ...c.getDashboard } }, async (request) => {
    const { id } = request.params;
    const dashboard = await store.get(id);
    if (dashboard === undefined) throw new VigilError('dashboard.not_found', `no dashboard ${id}`);
    return dashboard;
  });

  app.put('/api/v1/dashboards/:id', { schema: { tags, summary: 'Replace a dashboard (send the version you read)', ...c.replaceDashboard } }, async (request) => {
    const { id } = request.params;
    const body = request.body;
    const expected = body.version ?? (await store.get(id))?.version ?? 0;
    const result = await store.update(id, { name: body.name, description: body.description ?? '', panels: body.panels }, expected, deps.clock.now());
    if (result === 'missing') throw new VigilError('dashboard.not_found', `no dashboard ${id}`);
    if (result === 'conflict') throw new VigilError('dashboard.version_conflict', 'the dashboard was changed by someone else', { hint: 'reload it and apply your change again' });
    return result;
  });

  app.delete('/api/v1/dashboards/:id', { schema: { tags, summary: 'Delete a dashboard', ...c.deleteDashboard } }, async (request, reply) => {
    const { id } = request.params;
    if (!(await store.delete(id))) throw new VigilError('dashboard.not_found', `no dashboard ${id}`);
    return reply.status(204).send();
  });
}
