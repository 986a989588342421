import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';

/** `/health` (public), `/metrics` (Prometheus text) and the OpenAPI document. */
export function systemRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/health', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(deps.telemetry.renderPrometheus());
  });

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
