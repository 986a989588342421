import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { VigilError } from '../../core/index.js';
import type { ApiDeps } from '../deps.js';
import { createAccessKey } from '../access-keys.js';

const AccessKeySummary = Type.Object({ accessKeyId: Type.String(), description: Type.String(), createdAt: Type.String({ format: 'date-time' }) });

/** `/api/v1/access-keys`: SigV4 keys for AWS SDK clients. The secret is returned only by create. */
export function accessKeyRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post(
    '/api/v1/access-keys',
    {
      schema: {
        tags: ['access keys'],
        summary: 'Create a SigV4 access key (the secret is shown only in this response)',
        body: Type.Optional(Type.Object({ description: Type.Optional(Type.String({ maxLength: 256 })) }, { additionalProperties: false })),
        response: { 201: Type.Object({ accessKeyId: Type.String(), secretAccessKey: Type.String(), description: Type.String(), createdAt: Type.String() }) },
      },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as { description?: string };
      const key = await createAccessKey(deps, body.description ?? '');
      return reply.status(201).send({ ...key, createdAt: new Date(key.createdAt).toISOString() });
    },
  );

  app.get('/api/v1/access-keys', { schema: { tags: ['access keys'], summary: 'List access keys (without secrets)', response: { 200: Type.Object({ accessKeys: Type.Array(AccessKeySummary) }) } } }, async () => {
    const keys = await deps.accessKeys.list();
    return { accessKeys: keys.map((k) => ({ accessKeyId: k.accessKeyId, description: k.description, createdAt: new Date(k.createdAt).toISOString() })) };
  });

  app.delete('/api/v1/access-keys/:accessKeyId', { schema: { tags: ['access keys'], summary: 'Delete an access key', params: Type.Object({ accessKeyId: Type.String() }) } }, async (request, reply) => {
    const { accessKeyId } = request.params as { accessKeyId: string };
    if (!(await deps.accessKeys.delete(accessKeyId))) {
      throw new VigilError('access_key.not_found', `no access key ${accessKeyId}`, { hint: 'list keys with `vigil access-key list`' });
    }
    deps.telemetry.emit('access_key_deleted', {}, { accessKeyId });
    return reply.status(204).send();
  });
}
