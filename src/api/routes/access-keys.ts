import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../core/index.js';
import { accessKeysContract as c } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { createAccessKey } from '../access-keys.js';
import { typed } from '../route-app.js';

const tags = ['access keys'];

/** `/api/v1/access-keys`: SigV4 keys for AWS SDK clients. The secret is returned only by create. */
export function accessKeyRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'clock' | 'accessKeys' | 'telemetry'>): void {
  const app = typed(fastify);
  app.post('/api/v1/access-keys', { schema: { tags, summary: 'Create a SigV4 access key (the secret is shown only in this response)', ...c.create } }, async (request, reply) => {
    const key = await createAccessKey(deps, request.body?.description ?? '');
    return reply.status(201).send({ ...key, createdAt: new Date(key.createdAt).toISOString() });
  });

  app.get('/api/v1/access-keys', { schema: { tags, summary: 'List access keys (without secrets)', ...c.list } }, async () => {
    const keys = await deps.accessKeys.list();
    return { accessKeys: keys.map((k) => ({ accessKeyId: k.accessKeyId, description: k.description, createdAt: new Date(k.createdAt).toISOString() })) };
  });

  app.delete('/api/v1/access-keys/:accessKeyId', { schema: { tags, summary: 'Delete an access key', ...c.delete } }, async (request, reply) => {
    const { accessKeyId } = request.params;
    if (!(await deps.accessKeys.delete(accessKeyId))) {
      throw new VigilError('access_key.not_found', `no access key ${accessKeyId}`, { hint: 'list keys with `vigil access-key list`' });
    }
    deps.telemetry.emit('access_key_deleted', {}, { accessKeyId });
    return reply.status(204).send();
  });
}
