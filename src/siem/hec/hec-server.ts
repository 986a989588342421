import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Static } from 'typebox';
import { storageFailure, type Clock, type Timer, type TimerHandle } from '../../core/index.js';
import { closeWithJson, formatAuthority, httpTimeouts, parseListen } from '../../config/index.js';
import type { Component, Endpoint, HecToken, HecTokenStore, SiemEvent, TlsCredentials } from '../../model/index.js';
import type { Telemetry } from '../../telemetry/index.js';
import { AckChannels } from './ack-channels.js';
import { HEC_NOT_FOUND, hecBody, hecCodeForError, type HecReply } from '../../protocol/index.js';
import { eventsFromEnvelopes, eventsFromRaw, type IngestContext } from './hec-body.js';
import type { hecConfigSchema } from './config.js';

const gunzipAsync = promisify(gunzip);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type HecConfig = Static<typeof hecConfigSchema>;

/** What the HEC receiver needs: tokens, index existence, and a committing sink. */
export interface HecDeps {
  readonly tokens: HecTokenStore;
  indexExists(name: string): Promise<boolean>;
  /** Resolves once the events are committed. */
  commit(events: readonly SiemEvent[]): Promise<void>;
  pendingEvents(): number;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
  /** PEM certificate and key: the listener speaks HTTPS. */
  readonly tls?: TlsCredentials;
}

export interface HecServer extends Component {
  endpoint(): Endpoint;
  readonly acks: AckChannels;
}

type Route = 'event' | 'raw' | 'ack' | 'health';

const ROUTES: ReadonlyMap<string, Route> = new Map([
  ['/services/collector', 'event'],
  ['/services/collector/event', 'event'],
  ['/services/collector/event/1.0', 'event'],
  ['/services/collector/raw', 'raw'],
  ['/services/collector/raw/1.0', 'raw'],
  ['/services/collector/ack', 'ack'],
  ['/services/collector/ack/1.0', 'ack'],
  ['/services/collector/health', 'health'],
  ['/services/collector/health/1.0', 'health'],
]);

/** The Splunk HTTP Event Collector on its own listener (spec A). */
export function createHecServer(config: HecConfig, deps: HecDeps): HecServer {
  const acks = new AckChannels(config.max_ack_channels);
  const timeouts = httpTimeouts(config.header_timeout_secs, config.request_timeout_secs);
  const requestStarted = new WeakSet<Socket>();
  const tls = deps.tls;
  let shuttingDown = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let bound: Endpoint | undefined;
  let sweeper: TimerHandle | undefined;
  let server: Server | undefined;

  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    inFlight++;
    handle(request, response)
      .catch((error: unknown) => {
        deps.telemetry.emit('component_error', { component: 'hec', code: 'siem.hec_failed', stage: 'request' }, { err: error });
        if (!response.headersSent) send(response, hecBody({ code: hecCodeForError(error) }));
      })
      .finally(() => {
        inFlight--;
        if (inFlight === 0) drained?.();
      });
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://hec');
    const route = ROUTES.get(url.pathname.replace(/\/+$/, '') || '/');
    if (route === undefined || (route !== 'health' && request.method !== 'POST') || (route === 'health' && request.method !== 'GET' && request.method !== 'POST')) {
      request.resume();
      sendJson(response, 404, HEC_NOT_FOUND);
      return;
    }
    if (shuttingDown) {
      request.resume();
      return reply(response, { code: 23 });
    }
    if (route === 'health') {
      request.resume();
      return reply(response, await health(request, url));
    }

    // HEC: the token is checked before the channel and the body (spec A.3).
    const auth = await authenticate(request, url);
    if ('code' in auth) {
      request.resume();
      return reply(response, auth);
    }
    const token = auth.token;
    if (route === 'ack' && !token.useAck) {
      request.resume();
      return reply(response, { code: 14 });
    }
    const channel = headerValue(request, 'x-splunk-request-channel') ?? url.searchParams.get('channel') ?? undefined;
    if (channel === undefined && token.useAck) {
      request.resume();
      return reply(response, { code: 10 });
    }
    if (channel !== undefined && !GUID.test(channel)) {
      request.resume();
      return reply(response, { code: 11 });
    }

    const body = await readBody(request, response);
    if (body === undefined) return;
    const text = body.toString('utf8');

    if (route === 'ack') {
      let ids: number[];
      try {
        const parsed = JSON.parse(text) as { acks?: unknown };
        if (!Array.isArray(parsed.acks) || !parsed.acks.every((a) => Number.isInteger(a))) throw new Error('acks');
        ids = parsed.acks as number[];
      } catch {
        return reply(response, text.trim() === '' ? { code: 5 } : { code: 6 });
      }
      sendJson(response, 200, { acks: acks.query(channel as string, ids, deps.clock.now()) });
      return;
    }

    // HEC: an empty or whitespace-only body is code 5 (Firehose probes new streams with it).
    if (text.trim() === '') return reply(response, { code: 5 });
    if (deps.pendingEvents() >= config.max_pending_events) {
      deps.telemetry.count('limit_hit', { component: 'hec', limit: 'hec.max_pending_events' });
      return reply(response, { code: 9 });
    }

    const context: IngestContext = { token, now: deps.clock.now(), hostHeader: request.headers.host ?? 'vigil', maxEventBytes: config.max_event_bytes, maxEventDepth: config.max_event_depth, onLimit: (limit) => deps.telemetry.count('limit_hit', { component: 'hec', limit }) };
    const parsed = route === 'raw' ? eventsFromRaw(text, url.searchParams, context) : eventsFromEnvelopes(text, context);
    if (!parsed.ok) return reply(response, parsed.reply);
    const allowed = await checkIndexes(token, parsed.events);
    if (!allowed) return reply(response, { code: 7 });

    deps.telemetry.count('hec_events_received', { route }, );
    if (token.useAck) {
      const ackId = acks.open(channel as string, deps.clock.now());
      if (ackId === undefined) {
        deps.telemetry.count('limit_hit', { component: 'hec', limit: 'hec.max_ack_channels' });
        return reply(response, { code: 9 });
      }
      const ch = channel as string;
      const committed = deps.telemetry.startTimer('hec_commit_seconds');
      deps.commit(parsed.events).then(
        () => {
          committed({ result: 'ok' });
          acks.complete(ch, ackId);
        },
        (error: unknown) => {
          committed({ result: 'error' });
          deps.telemetry.emit('component_error', { component: 'hec', code: 'siem.write_failed', stage: 'commit' }, { err: error });
        },
      );
      return reply(response, { code: 0, ackId });
    }
    const committed = deps.telemetry.startTimer('hec_commit_seconds');
    try {
      await deps.commit(parsed.events);
      committed({ result: 'ok' });
    } catch (error) {
      committed({ result: 'error' });
      deps.telemetry.emit('component_error', { component: 'hec', code: 'siem.write_failed', stage: 'commit' }, { err: error });
      // A full disk or a locked store: "server is busy" (503, the sender retries), not code 8.
      return reply(response, { code: storageFailure(error) === undefined ? hecCodeForError(error) : 9 });
    }
    return reply(response, { code: 0 });
  }

  async function checkIndexes(token: HecToken, events: readonly SiemEvent[]): Promise<boolean> {
    const seen = new Set<string>();
    for (const event of events) {
      if (seen.has(event.index)) continue;
      seen.add(event.index);
      if (token.indexes.length > 0 && !token.indexes.includes(event.index)) return false;
      if (!(await deps.indexExists(event.index))) return false;
    }
    return true;
  }

  async function authenticate(request: IncomingMessage, url: URL): Promise<{ token: HecToken } | HecReply> {
    const queryToken = url.searchParams.get('token');
    // HEC: a query-string token takes precedence over the header, even when the feature is off.
    if (queryToken !== null) {
      const token = await deps.tokens.findByToken(queryToken);
      if (token === undefined) return { code: 4 };
      if (token.disabled) return { code: 1 };
      if (!token.allowQueryStringAuth) return { code: 16 };
      return { token };
    }
    const header = headerValue(request, 'authorization');
    if (header === undefined || header.trim() === '') return { code: 2 };
    const value = tokenFromHeader(header);
    if (value === undefined) return { code: 3 };
    const token = await deps.tokens.findByToken(value);
    if (token === undefined) return { code: 4 };
    if (token.disabled) return { code: 1 };
    return { token };
  }

  async function health(request: IncomingMessage, url: URL): Promise<HecReply> {
    const header = headerValue(request, 'authorization');
    const supplied = url.searchParams.get('token') ?? (header === undefined ? undefined : tokenFromHeader(header));
    if (supplied !== undefined) {
      const token = await deps.tokens.findByToken(supplied);
      if (token === undefined) return { code: 21 };
      if (token.disabled) return { code: 22 };
    }
    return deps.pendingEvents() >= config.max_pending_events ? { code: 18 } : { code: 17 };
  }

  async function readBody(request: IncomingMessage, response: ServerResponse): Promise<Buffer | undefined> {
    const encoding = (headerValue(request, 'content-encoding') ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== '') {
      request.resume();
      sendJson(response, 415, { text: 'Unsupported Content-Encoding: send gzip or identity', code: 6 });
      return undefined;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > config.max_content_bytes) {
        deps.telemetry.count('limit_hit', { component: 'hec', limit: 'hec.max_content_bytes' });
        sendJson(response, 413, { text: 'Content too large', code: 6 });
        request.destroy();
        return undefined;
      }
      chunks.push(chunk);
    }
    const raw = Buffer.concat(chunks);
    if (encoding !== 'gzip') return raw;
    try {
      return await gunzipAsync(raw, { maxOutputLength: config.max_content_bytes });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        deps.telemetry.count('limit_hit', { component: 'hec', limit: 'hec.max_content_bytes' });
        sendJson(response, 413, { text: 'Content too large', code: 6 });
      } else reply(response, { code: 6 });
      return undefined;
    }
  }

  function reply(response: ServerResponse, outcome: HecReply): void {
    deps.telemetry.count('hec_request', { code: outcome.code });
    send(response, hecBody(outcome));
  }

  return {
    name: 'hec',
    acks,
    async start() {
      const { host, port } = parseListen(config.listen);
      const timing = { headersTimeout: timeouts.headersMs, requestTimeout: timeouts.requestMs, connectionsCheckingInterval: timeouts.checkEveryMs };
      server = tls === undefined ? createHttpServer(timing, handler) : createHttpsServer({ cert: tls.cert, key: tls.key, ...timing }, handler);
      server.keepAliveTimeout = 60_000;
      server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
        requestStarted.add(request.socket);
        response.once('finish', () => requestStarted.delete(request.socket));
      });
      server.on('clientError', (error: Error & { code?: string }, socket: Socket) => {
        if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
          const limit = requestStarted.has(socket) ? 'hec.request_timeout_secs' : 'hec.header_timeout_secs';
          deps.telemetry.count('limit_hit', { component: 'hec', limit });
          return closeWithJson(socket, 408, { text: `Request not received in time (${limit})`, code: 408 });
        }
        if (error.code === 'ECONNRESET' || socket.destroyed) return;
        closeWithJson(socket, 400, { text: 'Bad request', code: 400 });
      });
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(port, host, () => resolve());
      });
      const address = server.address();
      const actual = typeof address === 'object' && address !== null ? address.port : port;
      const connectHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
      bound = { name: 'hec', url: `${tls === undefined ? 'http' : 'https'}://${formatAuthority(connectHost, actual)}` };
      sweeper = deps.timer.setInterval(() => acks.sweep(deps.clock.now(), config.ack_idle_secs * 1000), Math.min(60_000, config.ack_idle_secs * 1000));
      deps.telemetry.emit('server_started', { component: 'hec' }, { url: bound.url });
    },
    async stop() {
      if (shuttingDown || server === undefined) return;
      shuttingDown = true;
      sweeper?.cancel();
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      await new Promise<void>((resolve) => {
        server?.close(() => resolve());
        server?.closeIdleConnections();
      });
      deps.telemetry.emit('server_stopped', { component: 'hec' });
    },
    endpoint() {
      if (bound === undefined) throw new Error('hec server not started');
      return bound;
    },
  };
}

/** `Splunk <token>` or HTTP Basic with the token as password; anything else is code 3. */
function tokenFromHeader(header: string): string | undefined {
  const splunk = /^Splunk\s+(\S+)\s*$/i.exec(header);
  if (splunk !== null) return splunk[1];
  const basic = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (basic !== null) {
    const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    return password === '' ? undefined : password;
  }
  return undefined;
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function send(response: ServerResponse, { status, body }: { status: number; body: Record<string, unknown> }): void {
  sendJson(response, status, body);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) };
  // After refusing credentials, stop reading: the rest of a (possibly slow) body is not wanted.
  if (status === 401 || status === 403) headers['connection'] = 'close';
  response.writeHead(status, headers);
  response.end(text);
}
