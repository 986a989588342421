import type { FastifyInstance } from 'fastify';
import { systemContract as c } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';

const tags = ['system'];

/** `/health` (public), `/metrics` (Prometheus text) and the OpenAPI document. */
export function systemRoutes(app: FastifyInstance, deps: Pick<ApiDeps, 'telemetry'>): void {
  app.get('/health', { config: { public: true }, schema: { tags, summary: 'Liveness (no credentials needed)', ...c.health } }, async () => ({ status: 'ok' }));

  app.get('/metrics', { schema: { tags, summary: 'Internal counters in Prometheus text format', ...c.metrics } }, async (_request, reply) => {
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(deps.telemetry.renderPrometheus());
  });

  app.get('/api/v1/openapi.json', { schema: { tags, summary: 'This document', ...c.openapi } }, async () => app.swagger());
}
