import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { VigilError } from '../../core/index.js';
import { LOOKUP_LIMITS, type LookupInfo, type LookupStore } from '../../siem/index.js';
import type { ApiDeps } from '../deps.js';
import { requireSiem } from './siem-admin.js';

function lookups(deps: ApiDeps): LookupStore {
  return requireSiem(deps).lookups;
}

export function lookupView(info: LookupInfo): Record<string, unknown> {
  return { name: info.name, columns: info.columns, rows: info.rows, bytes: info.bytes, updatedAt: new Date(info.updatedAt).toISOString() };
}

/** The CSV text of an upload: a raw body (any non-JSON content type, e.g. text/csv) or JSON `{ "csv": "..." }`. */
function csvOf(body: unknown): string {
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (typeof body === 'object' && body !== null && typeof (body as { csv?: unknown }).csv === 'string') return (body as { csv: string }).csv;
  if (body === undefined) throw new VigilError('lookup.invalid_csv', 'the request has no body', { hint: 'send the CSV file as the body (content-type text/csv), or JSON {"csv": "..."}' });
  throw new VigilError('lookup.invalid_csv', 'a JSON body must be {"csv": "<the file>"}', { hint: 'or send the CSV itself with content-type text/csv' });
}

// JSON-escaped CSV can be up to about twice the file; the store enforces the real limit with a clear message.
const BODY_LIMIT = LOOKUP_LIMITS.maxBytes * 2 + 64 * 1024;
const nameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) });

/** `/api/v1/lookups`: CSV lookup files for SPL `lookup` and `| inputlookup`. */
export function lookupRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/v1/lookups', { schema: { tags: ['siem'], summary: 'List lookups (name, columns, rows, size)' } }, async () => ({ lookups: (await lookups(deps).list()).map(lookupView) }));
  app.get('/api/v1/lookups/:name', { schema: { tags: ['siem'], summary: 'Describe one lookup', params: nameParams } }, async (request) => lookupView(await lookups(deps).get((request.params as { name: string }).name)));
  app.put('/api/v1/lookups/:name', { bodyLimit: BODY_LIMIT, schema: { tags: ['siem'], summary: 'Upload (create or replace) a lookup: the CSV as the body, or JSON {"csv": "..."}', params: nameParams } }, async (request) =>
    lookupView(await lookups(deps).upload((request.params as { name: string }).name, csvOf(request.body))),
  );
  app.post(
    '/api/v1/lookups',
    { bodyLimit: BODY_LIMIT, schema: { tags: ['siem'], summary: 'Upload (create or replace) a lookup from JSON', body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), csv: Type.String() }, { additionalProperties: false }) } },
    async (request, reply) => {
      const body = request.body as { name: string; csv: string };
      return reply.status(201).send(lookupView(await lookups(deps).upload(body.name, body.csv)));
    },
  );
  app.delete('/api/v1/lookups/:name', { schema: { tags: ['siem'], summary: 'Delete a lookup', params: nameParams } }, async (request, reply) => {
    await lookups(deps).delete((request.params as { name: string }).name);
    return reply.status(204).send();
  });
}
