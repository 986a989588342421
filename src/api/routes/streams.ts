import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { VigilError } from '../../core/index.js';
import type { StreamService } from '../../stream/index.js';
import type { ApiDeps } from '../deps.js';

function service(deps: ApiDeps): StreamService {
  if (deps.streams === undefined) throw new VigilError('stream.unavailable', 'delivery streams are not running in this process');
  return deps.streams;
}

const Name = Type.Object({ name: Type.String() });

/** `/api/v1/streams`: delivery streams (Vigil-native shapes; secrets are never returned). */
export function streamRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.post('/api/v1/streams', { schema: { tags: ['streams'], summary: 'Create a delivery stream' } }, async (request, reply) => {
    const streams = service(deps);
    return reply.status(201).send(streams.redact(await streams.create(request.body)));
  });

  app.get('/api/v1/streams', { schema: { tags: ['streams'], summary: 'List delivery streams' } }, async () => {
    const streams = service(deps);
    return { streams: (await streams.list()).map((s) => streams.redact(s)) };
  });

  app.get('/api/v1/streams/:name', { schema: { tags: ['streams'], summary: 'Describe a delivery stream', params: Name } }, async (request) => {
    const streams = service(deps);
    return streams.redact(await streams.get((request.params as { name: string }).name));
  });

  app.put('/api/v1/streams/:name', { schema: { tags: ['streams'], summary: 'Replace a delivery stream definition (version goes up)', params: Name, querystring: Type.Object({ expectedVersion: Type.Optional(Type.Integer()) }) } }, async (request) => {
    const streams = service(deps);
    const { expectedVersion } = request.query as { expectedVersion?: number };
    return streams.redact(await streams.update((request.params as { name: string }).name, request.body ?? {}, expectedVersion));
  });

  app.delete('/api/v1/streams/:name', { schema: { tags: ['streams'], summary: 'Delete a delivery stream and its buffered records', params: Name } }, async (request, reply) => {
    await service(deps).delete((request.params as { name: string }).name);
    return reply.status(204).send();
  });

  app.get('/api/v1/streams/:name/status', { schema: { tags: ['streams'], summary: 'Delivery metrics of a stream', params: Name } }, async (request) => {
    return service(deps).status((request.params as { name: string }).name);
  });

  app.post('/api/v1/streams/:name/replay', { schema: { tags: ['streams'], summary: 'Re-put the failed records of the backup directory', params: Name } }, async (request) => {
    return service(deps).replay((request.params as { name: string }).name);
  });

  app.post('/api/v1/streams/:name/records', { schema: { tags: ['streams'], summary: 'Put records (JSON strings, or base64 with encoding: base64)', params: Name, body: Type.Object({ records: Type.Array(Type.String(), { minItems: 1, maxItems: 500 }), encoding: Type.Optional(Type.Union([Type.Literal('utf8'), Type.Literal('base64')])) }) } }, async (request) => {
    const body = request.body as { records: string[]; encoding?: 'utf8' | 'base64' };
    const put = await service(deps).put((request.params as { name: string }).name, body.records.map((r) => Buffer.from(r, body.encoding ?? 'utf8')));
    if (!put.ok) throw put.error;
    return { recordIds: put.value };
  });
}
