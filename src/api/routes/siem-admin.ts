import type { FastifyInstance } from 'fastify';
import type { HecToken } from '../../model/index.js';
import { siemContract as c, type HecTokenView } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';

function tokenView(token: HecToken): HecTokenView {
  return { ...token, createdAt: new Date(token.createdAt).toISOString() };
}

/** `/api/v1/hec/tokens` and `/api/v1/indexes`: SIEM administration. */
export function siemAdminRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'siem'>): void {
  const app = typed(fastify);
  const { siem } = deps;
  const tags = ['siem'];
  app.post('/api/v1/hec/tokens', { schema: { tags, summary: 'Create a HEC token', ...c.createToken } }, async (request, reply) => reply.status(201).send(tokenView(await siem.createToken(request.body))));
  app.get('/api/v1/hec/tokens', { schema: { tags, summary: 'List HEC tokens', ...c.listTokens } }, async () => ({ tokens: (await siem.listTokens()).map(tokenView) }));
  app.delete('/api/v1/hec/tokens/:name', { schema: { tags, summary: 'Delete a HEC token', ...c.deleteToken } }, async (request, reply) => {
    await siem.deleteToken(request.params.name);
    return reply.status(204).send();
  });
  app.post('/api/v1/hec/tokens/:name/:action', { schema: { tags, summary: 'Enable or disable a HEC token', ...c.setTokenState } }, async (request, reply) => {
    const { name, action } = request.params;
    await siem.setTokenDisabled(name, action === 'disable');
    return reply.status(204).send();
  });

  app.post('/api/v1/indexes', { schema: { tags, summary: 'Create an index', ...c.createIndex } }, async (request, reply) => {
    const index = await siem.createIndex(request.body.name, request.body.retentionDays ?? 0);
    return reply.status(201).send({ ...index, createdAt: new Date(index.createdAt).toISOString() });
  });
  app.get('/api/v1/indexes', { schema: { tags, summary: 'List indexes with their event counts', ...c.listIndexes } }, async () => {
    const counts = await siem.eventCounts();
    return { indexes: (await siem.listIndexes()).map((i) => ({ ...i, createdAt: new Date(i.createdAt).toISOString(), events: counts[i.name] ?? 0 })) };
  });
  app.delete('/api/v1/indexes/:name', { schema: { tags, summary: 'Delete an index and its events', ...c.deleteIndex } }, async (request) => ({ deletedEvents: await siem.deleteIndex(request.params.name) }));
}
