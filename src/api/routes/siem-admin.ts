import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { VigilError } from '../../core/index.js';
import type { HecToken } from '../../model/index.js';
import type { SiemEngine } from '../../siem/index.js';
import type { ApiDeps } from '../deps.js';

export function requireSiem(deps: ApiDeps): SiemEngine {
  if (deps.siem === undefined) throw new VigilError('siem.unavailable', 'the embedded SIEM is not running in this process');
  return deps.siem;
}

/** The HEC token creation body; `vigil apply`'s hec_tokens kind extends it. */
export const hecTokenBodySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    index: Type.Optional(Type.String()),
    indexes: Type.Optional(Type.Array(Type.String())),
    sourcetype: Type.Optional(Type.String()),
    source: Type.Optional(Type.String()),
    host: Type.Optional(Type.String()),
    useAck: Type.Optional(Type.Boolean()),
    allowQueryStringAuth: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);

function tokenView(token: HecToken): Record<string, unknown> {
  return { ...token, createdAt: new Date(token.createdAt).toISOString() };
}

/** `/api/v1/hec/tokens` and `/api/v1/indexes`: SIEM administration. */
export function siemAdminRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post('/api/v1/hec/tokens', { schema: { tags: ['siem'], summary: 'Create a HEC token', body: hecTokenBodySchema } }, async (request, reply) => {
    const token = await requireSiem(deps).createToken(request.body as Parameters<SiemEngine['createToken']>[0]);
    return reply.status(201).send(tokenView(token));
  });
  app.get('/api/v1/hec/tokens', { schema: { tags: ['siem'], summary: 'List HEC tokens' } }, async () => ({ tokens: (await requireSiem(deps).listTokens()).map(tokenView) }));
  app.delete('/api/v1/hec/tokens/:name', { schema: { tags: ['siem'], summary: 'Delete a HEC token', params: Type.Object({ name: Type.String() }) } }, async (request, reply) => {
    await requireSiem(deps).deleteToken((request.params as { name: string }).name);
    return reply.status(204).send();
  });
  app.post('/api/v1/hec/tokens/:name/:action', { schema: { tags: ['siem'], summary: 'Enable or disable a HEC token', params: Type.Object({ name: Type.String(), action: Type.Union([Type.Literal('enable'), Type.Literal('disable')]) }) } }, async (request, reply) => {
    const { name, action } = request.params as { name: string; action: string };
    await requireSiem(deps).setTokenDisabled(name, action === 'disable');
    return reply.status(204).send();
  });

  app.post('/api/v1/indexes', { schema: { tags: ['siem'], summary: 'Create an index', body: Type.Object({ name: Type.String({ minLength: 1 }), retentionDays: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false }) } }, async (request, reply) => {
    const body = request.body as { name: string; retentionDays?: number };
    const index = await requireSiem(deps).createIndex(body.name, body.retentionDays ?? 0);
    return reply.status(201).send({ ...index, createdAt: new Date(index.createdAt).toISOString() });
  });
  app.get('/api/v1/indexes', { schema: { tags: ['siem'], summary: 'List indexes with their event counts' } }, async () => {
    const siem = requireSiem(deps);
    const counts = await siem.eventCounts();
    return { indexes: (await siem.listIndexes()).map((i) => ({ ...i, createdAt: new Date(i.createdAt).toISOString(), events: counts[i.name] ?? 0 })) };
  });
  app.delete('/api/v1/indexes/:name', { schema: { tags: ['siem'], summary: 'Delete an index and its events', params: Type.Object({ name: Type.String() }) } }, async (request) => {
    const removed = await requireSiem(deps).deleteIndex((request.params as { name: string }).name);
    return { deletedEvents: removed };
  });
}
