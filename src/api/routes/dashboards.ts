import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { VigilError, newId } from '../../core/index.js';
import type { Dashboard, DashboardStore } from '../../model/index.js';
import type { ApiDeps } from '../deps.js';

const Panel = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    query: Type.String({ minLength: 1, maxLength: 20_000 }),
    visualization: Type.Union([Type.Literal('line'), Type.Literal('area'), Type.Literal('column'), Type.Literal('table'), Type.Literal('events'), Type.Literal('single')]),
    earliest: Type.Optional(Type.String({ maxLength: 64 })),
    latest: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
const Body = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 256 }), description: Type.Optional(Type.String({ maxLength: 2000 })), panels: Type.Array(Panel, { maxItems: 50 }), version: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
type BodyValue = { name: string; description?: string; panels: Dashboard['panels']; version?: number };

function store(deps: ApiDeps): DashboardStore {
  if (deps.dashboards === undefined) throw new VigilError('dashboard.unavailable', 'dashboards are not stored in this process');
  return deps.dashboards;
}

/** `/api/v1/dashboards`: the console's user dashboards (panels of SPL + visualization). */
export function dashboardRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const tags = ['console'];
  app.get('/api/v1/dashboards', { schema: { tags, summary: 'List user dashboards' } }, async () => ({ dashboards: await store(deps).list() }));

  app.post('/api/v1/dashboards', { schema: { tags, summary: 'Create a dashboard', body: Body } }, async (request, reply) => {
    const body = request.body as BodyValue;
    const now = deps.clock.now();
    const dashboard: Dashboard = { id: newId(), name: body.name, description: body.description ?? '', panels: body.panels, version: 1, createdAt: now, updatedAt: now };
    if (!(await store(deps).create(dashboard))) throw new VigilError('dashboard.already_exists', 'a dashboard with that id exists');
    return reply.status(201).send(dashboard);
  });

  app.get('/api/v1/dashboards/:id', { schema: { tags, summary: 'Describe a dashboard', params: Id } }, async (request) => {
    const { id } = request.params as { id: string };
    const dashboard = await store(deps).get(id);
    if (dashboard === undefined) throw new VigilError('dashboard.not_found', `no dashboard ${id}`);
    return dashboard;
  });

  app.put('/api/v1/dashboards/:id', { schema: { tags, summary: 'Replace a dashboard (send the version you read)', params: Id, body: Body } }, async (request) => {
    const { id } = request.params as { id: string };
    const body = request.body as BodyValue;
    const dashboards = store(deps);
    const expected = body.version ?? (await dashboards.get(id))?.version ?? 0;
    const result = await dashboards.update(id, { name: body.name, description: body.description ?? '', panels: body.panels }, expected, deps.clock.now());
    if (result === 'missing') throw new VigilError('dashboard.not_found', `no dashboard ${id}`);
    if (result === 'conflict') throw new VigilError('dashboard.version_conflict', 'the dashboard was changed by someone else', { hint: 'reload it and apply your change again' });
    return result;
  });

  app.delete('/api/v1/dashboards/:id', { schema: { tags, summary: 'Delete a dashboard', params: Id } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!(await store(deps).delete(id))) throw new VigilError('dashboard.not_found', `no dashboard ${id}`);
    return reply.status(204).send();
  });
}
