import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../core/index.js';
import { LOOKUP_LIMITS, type LookupInfo } from '../../siem/index.js';
import { siemContract as c, type LookupView } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';

export function lookupView(info: LookupInfo): LookupView {
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

/** `/api/v1/lookups`: CSV lookup files for SPL `lookup` and `| inputlookup`. */
export function lookupRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'siem'>): void {
  const app = typed(fastify);
  const { lookups } = deps.siem;
  const tags = ['siem'];
  app.get('/api/v1/lookups', { schema: { tags, summary: 'List lookups (name, columns, rows, size)', ...c.listLookups } }, async () => ({ lookups: (await lookups.list()).map(lookupView) }));
  app.get('/api/v1/lookups/:name', { schema: { tags, summary: 'Describe one lookup', ...c.getLookup } }, async (request) => lookupView(await lookups.get(request.params.name)));
  app.put('/api/v1/lookups/:name', { bodyLimit: BODY_LIMIT, schema: { tags, summary: 'Upload (create or replace) a lookup: the CSV as the body, or JSON {"csv": "..."}', ...c.uploadLookup } }, async (request) =>
    lookupView(await lookups.upload(request.params.name, csvOf(request.body))),
  );
  app.post('/api/v1/lookups', { bodyLimit: BODY_LIMIT, schema: { tags, summary: 'Upload (create or replace) a lookup from JSON', ...c.createLookup } }, async (request, reply) => {
    return reply.status(201).send(lookupView(await lookups.upload(request.body.name, request.body.csv)));
  });
  app.delete('/api/v1/lookups/:name', { schema: { tags, summary: 'Delete a lookup', ...c.deleteLookup } }, async (request, reply) => {
    await lookups.delete(request.params.name);
    return reply.status(204).send();
  });
}
