import type { FastifyInstance } from 'fastify';
import type { StreamDefinition } from '../../model/index.js';
import { streamsContract as c, type StreamView } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';

/** `/api/v1/streams`: delivery streams (Vigil-native shapes; secrets are never returned). */
export function streamRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'streams'>): void {
  const app = typed(fastify);
  const { streams } = deps;
  const tags = ['streams'];
  const view = (definition: StreamDefinition): StreamView => streams.redact(definition) as StreamView;

  app.post('/api/v1/streams', { schema: { tags, summary: 'Create a delivery stream', ...c.create } }, async (request, reply) => {
    return reply.status(201).send(view(await streams.create(request.body)));
  });

  app.get('/api/v1/streams', { schema: { tags, summary: 'List delivery streams', ...c.list } }, async () => ({ streams: (await streams.list()).map(view) }));

  app.get('/api/v1/streams/:name', { schema: { tags, summary: 'Describe a delivery stream', ...c.get } }, async (request) => view(await streams.get(request.params.name)));

  app.put('/api/v1/streams/:name', { schema: { tags, summary: 'Replace a delivery stream definition (version goes up)', ...c.replace } }, async (request) => {
    return view(await streams.update(request.params.name, request.body, request.query.expectedVersion));
  });

  app.delete('/api/v1/streams/:name', { schema: { tags, summary: 'Delete a delivery stream and its buffered records', ...c.delete } }, async (request, reply) => {
    await streams.delete(request.params.name);
    return reply.status(204).send();
  });

  app.get('/api/v1/streams/:name/status', { schema: { tags, summary: 'Delivery metrics of a stream', ...c.status } }, async (request) => streams.status(request.params.name));

  app.post('/api/v1/streams/:name/replay', { schema: { tags, summary: 'Re-put the failed records of the backup directory', ...c.replay } }, async (request) => streams.replay(request.params.name));

  app.post('/api/v1/streams/:name/records', { schema: { tags, summary: 'Put records (JSON strings, or base64 with encoding: base64)', ...c.put } }, async (request) => {
    const body = request.body;
    const put = await streams.put(request.params.name, body.records.map((r) => Buffer.from(r, body.encoding ?? 'utf8')));
    if (!put.ok) throw put.error;
    return { recordIds: put.value };
  });
}
