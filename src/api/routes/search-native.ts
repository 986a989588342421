import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { VigilError } from '../../core/index.js';
import { formatSplError, type SearchRequest, type SearchResult } from '../../siem/index.js';
import { siemContract as c, type FieldSummary, type SearchError } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
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

/** The HTTP status of a search failure the user can act on; undefined for an internal error. */
export function searchErrorStatus(error: unknown): number | undefined {
  if (!(error instanceof VigilError)) return undefined;
  if (error.code.startsWith('spl.')) return 400;
  if (error.code === 'siem.search_cancelled') return 409;
  if (error.code === 'siem.search_timeout' || error.code === 'siem.search_out_of_memory') return 422;
  return undefined;
}

/**
 * Logs a search that failed inside Vigil (not the query's fault) once, with the query and the
 * request id; the reply names the request id so the log line can be found.
 */
export function logSearchFailure(deps: Pick<ApiDeps, 'telemetry'>, request: FastifyRequest, query: string, error: unknown): string {
  const code = error instanceof VigilError ? error.code : 'internal.error';
  deps.telemetry.emit('component_error', { component: 'siem', code, stage: 'search' }, { requestId: request.id, query, err: error });
  return request.id;
}

/**
 * Search errors keep their own codes: SPL errors (400) carry the span and a caret rendering of the
 * query; a cancelled search answers 409; a search over its time or memory budget 422. Anything
 * else is an internal error: logged with the query and request id, answered 500 naming the id.
 */
function searchError(deps: Pick<ApiDeps, 'telemetry'>, request: FastifyRequest, reply: FastifyReply, query: string, error: unknown): FastifyReply {
  const status = searchErrorStatus(error);
  if (status === undefined || !(error instanceof VigilError)) {
    if (error instanceof VigilError && error.code === 'siem.unavailable') throw error;
    const id = logSearchFailure(deps, request, query, error);
    return reply.status(500).type('application/json').send({ code: 'internal.error', message: `internal error while running the search; the server log has it under request id ${id}`, requestId: id });
  }
  const body: SearchError = {
    code: error.code,
    message: error.message,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.span?.offset === undefined ? {} : { span: { offset: error.span.offset, length: error.span.length ?? 1 } }),
    ...(error.code.startsWith('spl.') ? { caret: formatSplError(query, error) } : {}),
  };
  return reply.status(status).type('application/json').send(body);
}

/**
 * The field sidebar's data: the search again with `| fieldsummary` (every field, extracted ones
 * too, counted over all results, not only the rows returned), and how many results there are.
 */
async function fieldsSummary(siem: ApiDeps['siem'], query: string, maxvals: number, maxRows: number | undefined, result: SearchResult, common: Omit<SearchRequest, 'query'>): Promise<{ fields: FieldSummary[]; total: number }> {
  const summary = await siem.search({ query: `${query} | fieldsummary maxvals=${maxvals}`, ...common });
  const num = (v: unknown): number | null => (v === undefined || Array.isArray(v) ? null : Number(v));
  const fields = summary.rows.map((row) => ({
    name: String(row['field']),
    count: Number(row['count']),
    distinctCount: Number(row['distinct_count']),
    numericCount: Number(row['numeric_count']),
    min: num(row['min']),
    max: num(row['max']),
    mean: num(row['mean']),
    values: JSON.parse(String(row['values'] ?? '[]')) as Array<{ value: string; count: number }>,
  }));
  // A table shorter than the row cap is complete; events (or a cut table) are counted.
  let total = result.rows.length;
  if (!result.transforming || result.rows.length >= (maxRows ?? 50_000)) {
    const counted = await siem.search({ query: `${query} | stats count`, ...common });
    total = Number(counted.rows[0]?.['count'] ?? total);
  }
  return { fields, total };
}

/** How long, how many, and how many rows in all, searches run with `pageSize` keep for paging. */
const KEEP_MS = 30 * 60_000;
const KEEP_JOBS = 20;
const KEEP_ROWS = 200_000;

/** The event count over time of an event search (the console's timeline), binned from the data. */
async function timelineOf(siem: ApiDeps['siem'], query: string, common: Omit<SearchRequest, 'query'>): Promise<ReturnType<typeof seriesOf> | null> {
  const counted = await siem.search({ ...common, query: `${query} | timechart count`, binning: 'data' });
  return seriesOf(counted) ?? null;
}

/**
 * `POST /api/v1/search`: Vigil-native search for the console and CLI; `DELETE /api/v1/search/:id`
 * cancels; `GET /api/v1/search/:id/results` pages the results a search with `pageSize` kept.
 */
export function searchNativeRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'siem' | 'telemetry' | 'clock'>): void {
  const app = typed(fastify);
  const running = new Map<string, AbortController>();
  /** Kept results by sid, oldest first (a Map keeps insertion order). */
  const kept = new Map<string, { result: SearchResult; at: number }>();
  let sids = 0;
  const keep = (sid: string, result: SearchResult): void => {
    const now = deps.clock.now();
    kept.delete(sid);
    let rows = result.rows.length;
    for (const job of kept.values()) rows += job.result.rows.length;
    // Oldest first: expired ones, then as many as it takes to stay within the job and row budgets.
    for (const [id, job] of kept) {
      if (now - job.at <= KEEP_MS && kept.size < KEEP_JOBS && rows <= KEEP_ROWS) continue;
      kept.delete(id);
      rows -= job.result.rows.length;
    }
    kept.set(sid, { result, at: now });
  };
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
          return searchError(deps, request, reply, body.query, error);
        }
      }
      const controller = new AbortController();
      if (body.id !== undefined) running.set(body.id, controller);
      const onClose = (): void => {
        if (!request.raw.complete || request.raw.destroyed) controller.abort();
      };
      request.raw.socket.once('close', onClose);
      try {
        const common = { earliest: body.earliest, latest: body.latest, signal: controller.signal, ...(body.timeoutSecs === undefined ? {} : { timeoutMs: body.timeoutSecs * 1000 }) };
        const binning = body.binning === undefined ? {} : { binning: body.binning };
        const result = await siem.search({ query: body.query, maxRows: body.maxRows, ...common, ...binning });
        const summary = body.summary === true ? await fieldsSummary(siem, body.query, body.summaryValues ?? 10, body.maxRows, result, common) : undefined;
        const timeline = body.timeline === true && !result.transforming ? { timeline: await timelineOf(siem, body.query, common) } : {};
        let paging = {};
        if (body.pageSize !== undefined) {
          const sid = body.id ?? `search-${deps.clock.now().toString(36)}-${++sids}`;
          keep(sid, result);
          paging = { sid, kept: result.rows.length };
        }
        return {
          ...(summary === undefined ? {} : summary),
          ...paging,
          ...timeline,
          columns: result.columns,
          rows: body.pageSize === undefined ? result.rows : result.rows.slice(0, body.pageSize),
          transforming: result.transforming,
          earliest: result.earliestMs === undefined ? null : new Date(result.earliestMs).toISOString(),
          latest: result.latestMs === undefined ? null : new Date(result.latestMs).toISOString(),
          series: seriesOf(result) ?? null,
          messages: result.messages,
        };
      } catch (error) {
        return searchError(deps, request, reply, body.query, error);
      } finally {
        request.raw.socket.off('close', onClose);
        if (body.id !== undefined) running.delete(body.id);
      }
    },
  );
  app.get('/api/v1/search/:id/results', { schema: { tags: ['siem'], summary: 'A page of the results a search run with pageSize kept', ...c.searchResults } }, async (request) => {
    const { id } = request.params;
    const job = kept.get(id);
    if (job === undefined || deps.clock.now() - job.at > KEEP_MS) {
      kept.delete(id);
      throw new VigilError('search.not_found', `no kept results for search ${JSON.stringify(id)}: results are kept ${KEEP_MS / 60_000} minutes for the ${KEEP_JOBS} most recent searches run with pageSize; run the search again`);
    }
    const offset = request.query.offset ?? 0;
    const count = request.query.count ?? 100;
    return { sid: id, offset, kept: job.result.rows.length, columns: job.result.columns, rows: job.result.rows.slice(offset, offset + count) };
  });
  app.delete('/api/v1/search/:id', { schema: { tags: ['siem'], summary: 'Cancel a running search started with that id', ...c.cancelSearch } }, async (request, reply) => {
    const controller = running.get(request.params.id);
    if (controller === undefined) throw new VigilError('search.not_found', 'no running search with that id');
    controller.abort();
    return reply.status(204).send();
  });
}
