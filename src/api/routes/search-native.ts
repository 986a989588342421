import type { FastifyInstance, FastifyReply } from 'fastify';
import { VigilError } from '../../core/index.js';
import { formatSplError, type SearchResult } from '../../siem/index.js';
import { siemContract as c, type SearchError } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { mapErrorCode } from '../errors.js';
import { typed } from '../route-app.js';

/** Column-oriented form of a table result, ready for plotting (x = first column). */
export function seriesOf(result: SearchResult): { x: string; xValues: Array<string | number>; series: Array<{ name: string; values: Array<number | null> }> } | undefined {
  if (!result.transforming || result.columns.length < 2) return undefined;
  const [x, ...rest] = result.columns as [string, ...string[]];
  const xValues = result.rows.map((r) => {
    const v = r[x];
    const text = Array.isArray(v) ? v[0] ?? '' : v ?? '';
    return x === '_time' ? Date.parse(text) / 1000 : text;
  });
  const series = rest.map((name) => ({
    name,
    values: result.rows.map((r) => {
      const v = r[name];
      const n = Number(Array.isArray(v) ? v[0] : v);
      return v === undefined || Number.isNaN(n) ? null : n;
    }),
  }));
  return { x, xValues, series: series.filter((s) => s.values.some((v) => v !== null)) };
}

/**
 * Search errors keep their span: SPL errors (400) also carry a caret rendering of the query; a
 * cancelled search answers 409, a timed-out one 504. Anything else goes to the error mapper.
 */
function searchError(reply: FastifyReply, query: string, error: unknown): FastifyReply {
  if (!(error instanceof VigilError)) throw error;
  if (!error.code.startsWith('spl.') && error.code !== 'siem.search_cancelled' && error.code !== 'siem.search_timeout') throw error;
  const status = mapErrorCode(error.code).status;
  const body: SearchError = {
    code: error.code,
    message: error.message,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.span?.offset === undefined ? {} : { span: { offset: error.span.offset, length: error.span.length ?? 1 } }),
    ...(error.code.startsWith('spl.') ? { caret: formatSplError(query, error) } : {}),
  };
  return reply.status(status).type('application/json').send(body);
}

/** `POST /api/v1/search`: Vigil-native search for the console and CLI; `DELETE /api/v1/search/:id` cancels. */
export function searchNativeRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'siem'>): void {
  const app = typed(fastify);
  const running = new Map<string, AbortController>();
  app.post(
    '/api/v1/search',
    {
      schema: {
        tags: ['siem'],
        summary: 'Run an SPL search (rows, plus a series form for tables)',
        ...c.search,
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { siem } = deps;
      if (body.explain === true) {
        try {
          return { explain: siem.explain(body.query, body.earliest, body.latest) };
        } catch (error) {
          return searchError(reply, body.query, error);
        }
      }
      const controller = new AbortController();
      if (body.id !== undefined) running.set(body.id, controller);
      const onClose = (): void => {
        if (!request.raw.complete || request.raw.destroyed) controller.abort();
      };
      request.raw.socket.once('close', onClose);
      try {
        const result = await siem.search({ query: body.query, earliest: body.earliest, latest: body.latest, maxRows: body.maxRows, signal: controller.signal, ...(body.timeoutSecs === undefined ? {} : { timeoutMs: body.timeoutSecs * 1000 }) });
        return {
          columns: result.columns,
          rows: result.rows,
          transforming: result.transforming,
          earliest: result.earliestMs === undefined ? null : new Date(result.earliestMs).toISOString(),
          latest: result.latestMs === undefined ? null : new Date(result.latestMs).toISOString(),
          series: seriesOf(result) ?? null,
          messages: result.messages,
        };
      } catch (error) {
        return searchError(reply, body.query, error);
      } finally {
        request.raw.socket.off('close', onClose);
        if (body.id !== undefined) running.delete(body.id);
      }
    },
  );
  app.delete('/api/v1/search/:id', { schema: { tags: ['siem'], summary: 'Cancel a running search started with that id', ...c.cancelSearch } }, async (request, reply) => {
    const controller = running.get(request.params.id);
    if (controller === undefined) throw new VigilError('search.not_found', 'no running search with that id');
    controller.abort();
    return reply.status(204).send();
  });
}
