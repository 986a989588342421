import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { VigilError, constantTimeEqual, newSecret } from '../../core/index.js';
import { formatSplError, type ResultRow, type SearchResult } from '../../siem/index.js';
import { splunkContract as c, type SplunkResults } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { logSearchFailure, searchErrorStatus } from './search-native.js';

interface Job {
  readonly sid: string;
  readonly search: string;
  readonly createdAt: number;
  state: 'RUNNING' | 'DONE' | 'FAILED';
  result?: SearchResult;
  error?: string;
  readonly controller: AbortController;
}

const NOT_AUTHENTICATED = { messages: [{ type: 'WARN', text: 'call not properly authenticated' }] };
const SPLUNK = { public: true } as const;
const tags = ['Splunk REST search'];

/** Request parameters from the query string and a form-encoded or JSON body. */
function params(request: FastifyRequest): URLSearchParams {
  const out = new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '');
  const body = request.body;
  if (Buffer.isBuffer(body)) for (const [k, v] of new URLSearchParams(body.toString('utf8'))) out.append(k, v);
  else if (body !== null && typeof body === 'object') for (const [k, v] of Object.entries(body as Record<string, unknown>)) out.append(k, String(v));
  return out;
}

/**
 * A Splunk search string must start with `search ` or `|`; a bare one gets `search ` (lenient, spec
 * C.8). A leading `|` stays: it starts a generating command (`| inputlookup users`).
 */
function splStatement(text: string): string {
  return text.trim();
}

/** The FATAL message text of a failed search; an internal failure is logged once and the text names the request id. */
function failureText(deps: ApiDeps, request: FastifyRequest, query: string, error: unknown): string {
  if (searchErrorStatus(error) === undefined) {
    const id = logSearchFailure(deps, request, query, error);
    return `internal error while running the search; the server log has it under request id ${id}`;
  }
  const e = error as VigilError;
  return e.code.startsWith('spl.') ? `Error in 'search' command: ${formatSplError(query, e)}` : e.message;
}

function fatal(deps: ApiDeps, request: FastifyRequest, reply: FastifyReply, query: string, error: unknown): FastifyReply {
  return reply.status(400).type('application/json').send({ messages: [{ type: 'FATAL', text: failureText(deps, request, query, error) }] });
}

function fieldsOf(result: SearchResult): Array<{ name: string }> {
  return result.columns.map((name) => ({ name }));
}

function csvCell(value: string | string[] | undefined): string {
  const text = value === undefined ? '' : Array.isArray(value) ? value.join('\n') : value;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

/** Renders a finished search in one of Splunk's export output modes. */
function renderExport(result: SearchResult, mode: string): { type: string; body: string } {
  const rows = result.rows;
  if (mode === 'csv') return { type: 'text/csv', body: [result.columns.map((c) => csvCell(c)).join(','), ...rows.map((r) => result.columns.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n' };
  if (mode === 'raw') return { type: 'text/plain', body: rows.map((r) => (typeof r['_raw'] === 'string' ? r['_raw'] : JSON.stringify(r))).join('\n') + (rows.length > 0 ? '\n' : '') };
  if (mode === 'json') {
    if (rows.length === 0) return { type: 'application/json', body: `${JSON.stringify({ preview: false, lastrow: true })}\n` };
    const lines = rows.map((row, offset) => JSON.stringify({ preview: false, offset, ...(offset === rows.length - 1 ? { lastrow: true } : {}), result: row }));
    return { type: 'application/json', body: `${lines.join('\n')}\n` };
  }
  const xmlRows = rows.map((row, offset) => `<result offset='${offset}'>${Object.entries(row).map(([k, v]) => `<field k='${xmlEscape(k)}'>${(Array.isArray(v) ? v : [v]).map((x) => `<value><text>${xmlEscape(x)}</text></value>`).join('')}</field>`).join('')}</result>`);
  return { type: 'text/xml', body: `<?xml version='1.0' encoding='UTF-8'?>\n<results preview='0'>\n${xmlRows.join('\n')}\n</results>\n` };
}

function resultsBody(result: SearchResult, offset: number, count: number): SplunkResults {
  const slice: ResultRow[] = count === 0 ? result.rows.slice(offset) : result.rows.slice(offset, offset + count);
  return { preview: false, init_offset: offset, messages: result.messages.map((m) => ({ type: m.type, text: m.text })), fields: fieldsOf(result), results: slice, highlighted: {} };
}

/**
 * Splunk's REST search surface on the API port (spec C.8): `/services/auth/login`, streaming export
 * (v1 and v2) and `/services/search/jobs`. Accepts `Authorization: Splunk <sessionKey>`, Basic with
 * the admin token as password, or `Bearer <admin token>`.
 */
export function searchSplunkRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const sessions = new Set<string>();
  const jobs = new Map<string, Job>();
  let counter = 0;

  const isAdmin = (secret: string): boolean => deps.adminTokens.reduce((m, t) => constantTimeEqual(t, secret) || m, false);
  const authorized = (request: FastifyRequest): boolean => {
    const header = request.headers.authorization ?? '';
    const splunk = /^Splunk\s+(\S+)$/i.exec(header);
    if (splunk !== null) return sessions.has(splunk[1] as string) || isAdmin(splunk[1] as string);
    const bearer = /^Bearer\s+(\S+)$/i.exec(header);
    if (bearer !== null) return isAdmin(bearer[1] as string);
    const basic = /^Basic\s+(\S+)$/i.exec(header);
    if (basic !== null) {
      const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
      return isAdmin(decoded.slice(decoded.indexOf(':') + 1));
    }
    return false;
  };
  const guard = (request: FastifyRequest, reply: FastifyReply): boolean => {
    if (authorized(request)) return true;
    void reply.status(401).type('application/json').send(NOT_AUTHENTICATED);
    return false;
  };

  app.post('/services/auth/login', { config: SPLUNK, schema: { tags, summary: 'Log in with the admin token as password; answers a session key', ...c.login } }, async (request, reply) => {
    const p = params(request);
    if (!isAdmin(p.get('password') ?? '')) return reply.status(401).type('application/json').send({ messages: [{ type: 'WARN', text: 'Login failed' }] });
    const sessionKey = newSecret(24);
    sessions.add(sessionKey);
    if (p.get('output_mode') === 'json') return reply.type('application/json').send({ sessionKey });
    return reply.type('text/xml').send(`<response>\n  <sessionKey>${sessionKey}</sessionKey>\n</response>\n`);
  });

  const exportHandler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (!guard(request, reply)) return reply;
    const p = params(request);
    const query = splStatement(p.get('search') ?? '');
    if (query === '') return fatal(deps, request, reply, query, new VigilError('spl.missing_search', 'the search parameter is required'));
    const controller = new AbortController();
    const onClose = (): void => controller.abort();
    request.raw.socket.once('close', onClose);
    let result: SearchResult;
    try {
      result = await deps.siem.search({ query, earliest: p.get('earliest_time') ?? undefined, latest: p.get('latest_time') ?? undefined, signal: controller.signal, ...(p.get('count') === null ? {} : { maxRows: Number(p.get('count')) || undefined }) });
    } catch (error) {
      return fatal(deps, request, reply, query, error);
    } finally {
      // A keep-alive connection carries many searches: one listener per search would pile up.
      request.raw.socket.off('close', onClose);
    }
    const rendered = renderExport(result, p.get('output_mode') ?? 'xml');
    return reply.type(rendered.type).send(rendered.body);
  };
  for (const path of ['/services/search/jobs/export', '/services/search/v2/jobs/export']) {
    app.get(path, { config: SPLUNK, schema: { tags, summary: 'Run a search and stream its results', ...c.exportGet } }, exportHandler);
    app.post(path, { config: SPLUNK, schema: { tags, summary: 'Run a search and stream its results', ...c.export } }, exportHandler);
  }

  const startJob = (request: FastifyRequest, query: string, p: URLSearchParams): Job => {
    const sid = p.get('id') ?? `${(deps.clock.now() / 1000).toFixed(3)}.${++counter}`;
    const job: Job = { sid, search: query, createdAt: deps.clock.now(), state: 'RUNNING', controller: new AbortController() };
    jobs.set(sid, job);
    const maxCount = p.get('max_count');
    const done = deps.siem
      .search({ query, earliest: p.get('earliest_time') ?? undefined, latest: p.get('latest_time') ?? undefined, signal: job.controller.signal, ...(maxCount === null ? {} : { maxRows: Number(maxCount) || undefined }) })
      .then(
        (result) => {
          job.result = result;
          job.state = 'DONE';
        },
        (error: unknown) => {
          job.error = error instanceof VigilError && error.code.startsWith('spl.') ? formatSplError(query, error) : failureText(deps, request, query, error);
          job.state = 'FAILED';
        },
      );
    (job as { done?: Promise<void> }).done = done;
    return job;
  };

  app.post('/services/search/jobs', { config: SPLUNK, schema: { tags, summary: 'Create a search job (normal, blocking or oneshot)', ...c.createJob } }, async (request, reply) => {
    if (!guard(request, reply)) return reply;
    const p = params(request);
    const query = splStatement(p.get('search') ?? '');
    if (query === '') return fatal(deps, request, reply, query, new VigilError('spl.missing_search', 'the search parameter is required'));
    const mode = p.get('exec_mode') ?? 'normal';
    const job = startJob(request, query, p);
    if (mode === 'oneshot' || mode === 'blocking') await (job as { done?: Promise<void> }).done;
    if (mode === 'oneshot') {
      jobs.delete(job.sid);
      if (job.state === 'FAILED') return reply.status(400).type('application/json').send({ messages: [{ type: 'FATAL', text: job.error ?? 'search failed' }] });
      const result = job.result as SearchResult;
      if (p.get('output_mode') !== 'json') {
        const rendered = renderExport(result, p.get('output_mode') ?? 'xml');
        return reply.type(rendered.type).send(rendered.body);
      }
      return reply.type('application/json').send(resultsBody(result, Number(p.get('offset') ?? 0), Number(p.get('count') ?? 0)));
    }
    if (p.get('output_mode') === 'json') return reply.status(201).type('application/json').send({ sid: job.sid });
    return reply.status(201).type('text/xml').send(`<?xml version="1.0" encoding="UTF-8"?>\n<response>\n  <sid>${job.sid}</sid>\n</response>\n`);
  });

  const findJob = (request: FastifyRequest): Job => {
    const job = jobs.get((request.params as { sid: string }).sid);
    if (job === undefined) throw new VigilError('search.not_found', 'Unknown sid.');
    return job;
  };

  app.get('/services/search/jobs/:sid', { config: SPLUNK, schema: { tags, summary: 'A search job\'s state', ...c.job } }, async (request, reply) => {
    if (!guard(request, reply)) return reply;
    const job = findJob(request);
    const count = job.result?.rows.length ?? 0;
    const content = {
      sid: job.sid,
      dispatchState: job.state,
      isDone: job.state !== 'RUNNING',
      isFailed: job.state === 'FAILED',
      doneProgress: job.state === 'RUNNING' ? 0 : 1,
      resultCount: count,
      eventCount: job.result?.transforming === false ? count : 0,
      scanCount: count,
      messages: job.error === undefined ? {} : { fatal: job.error },
      earliestTime: job.result?.earliestMs === undefined ? null : new Date(job.result.earliestMs).toISOString(),
      latestTime: job.result?.latestMs === undefined ? null : new Date(job.result.latestMs).toISOString(),
      eventSearch: job.search,
    };
    return reply.type('application/json').send({ entry: [{ name: job.sid, content }] });
  });

  const resultsHandler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    if (!guard(request, reply)) return reply;
    const job = findJob(request);
    if (job.state === 'RUNNING') return reply.status(204).send();
    if (job.state === 'FAILED') return reply.status(400).type('application/json').send({ messages: [{ type: 'FATAL', text: job.error ?? 'search failed' }] });
    const p = params(request);
    return reply.type('application/json').send(resultsBody(job.result as SearchResult, Number(p.get('offset') ?? 0), Number(p.get('count') ?? 100)));
  };
  for (const suffix of ['results', 'events', 'results_preview']) app.get(`/services/search/jobs/:sid/${suffix}`, { config: SPLUNK, schema: { tags, summary: `A finished job's ${suffix.replace('_', ' ')} (204 while running)`, ...c.results } }, resultsHandler);

  const cancel = (job: Job): void => {
    job.controller.abort();
    jobs.delete(job.sid);
  };
  app.delete('/services/search/jobs/:sid', { config: SPLUNK, schema: { tags, summary: 'Cancel and remove a search job', ...c.cancel } }, async (request, reply) => {
    if (!guard(request, reply)) return reply;
    cancel(findJob(request));
    return reply.type('application/json').send({ messages: [{ type: 'INFO', text: 'Search job cancelled.' }] });
  });
  app.post('/services/search/jobs/:sid/control', { config: SPLUNK, schema: { tags, summary: 'Control a search job (action=cancel)', ...c.control } }, async (request, reply) => {
    if (!guard(request, reply)) return reply;
    const job = findJob(request);
    if (params(request).get('action') !== 'cancel') throw new VigilError('search.invalid_action', 'only action=cancel is supported');
    cancel(job);
    return reply.type('application/json').send({ messages: [{ type: 'INFO', text: 'Search job cancelled.' }] });
  });
}
