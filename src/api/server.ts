import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import AjvCompiler from '@fastify/ajv-compiler';
import type { Static } from 'typebox';
import { VigilError, errorKind, jsonDepth } from '../core/index.js';
import { closeWithJson, formatAuthority, httpTimeouts, parseListen } from '../config/index.js';
import type { Component, Endpoint, TlsCredentials } from '../model/index.js';
import { installAuth } from './auth.js';
import type { apiConfigSchema } from './config.js';
import type { ApiDeps } from './deps.js';
import { errorStyleFor, fromFastifyError, mapErrorCode, sendError, type ErrorStyle } from './errors.js';
import { formatValidationErrors, responseSerializerCompiler, validateResponses } from './contract-checks.js';
import { ROUTE_GROUPS } from './routes/index.js';
import { createMetricsListener, type MetricsListener } from './metrics-listener.js';

export type ApiConfig = Static<typeof apiConfigSchema>;

/**
 * The longest path parameter the router takes, in characters as sent (percent-encoding included):
 * well above AWS's name maxima (128 for things, groups, policies, rules; 64 for delivery streams),
 * which the route contracts enforce with a 400 naming the parameter.
 */
export const MAX_PATH_PARAM_CHARS = 1024;

function frameworkError(error: { code?: string; message: string }): VigilError {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return new VigilError('api.invalid_path_parameter', `a path segment is longer than ${MAX_PATH_PARAM_CHARS} characters`, { hint: 'names are at most 128 characters (delivery streams 64); check the URL' });
  }
  if (error.code === 'FST_ERR_BAD_URL') return new VigilError('api.invalid_url', 'the URL path is not valid percent-encoding', { hint: 'encode reserved characters in names as %XX' });
  return fromFastifyError(error);
}

/** The error style of a request no route matched yet: Vigil-native under /api/v1, AWS rest-json elsewhere. */
function unmatchedErrorStyle(url: string): ErrorStyle {
  return url.startsWith('/api/v1/') || url === '/api/v1' ? 'vigil' : 'aws-rest';
}

export interface ApiServer extends Component {
  readonly app: FastifyInstance;
  /** The bound address; available after start(). */
  endpoint(): Endpoint;
  /** The unauthenticated metrics listener's address (`api.metrics.listen`), when there is one. */
  metricsEndpoint(): Endpoint | undefined;
}

export interface ApiServerOptions {
  /** Serve HTTPS with this identity (`api.tls`, resolved by the caller). */
  readonly tls?: TlsCredentials;
}

/** Builds the HTTP API: auth, the error mapper, every route group. `start()` listens. */
export async function createApiServer(config: ApiConfig, deps: ApiDeps, options: ApiServerOptions = {}): Promise<ApiServer> {
  const timeouts = httpTimeouts(config.header_timeout_secs, config.request_timeout_secs);
  const app = Fastify({ logger: false, ...(options.tls === undefined ? {} : { https: { cert: options.tls.cert, key: options.tls.key, headersTimeout: timeouts.headersMs, connectionsCheckingInterval: timeouts.checkEveryMs } }), bodyLimit: config.body_limit_bytes, routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PATH_PARAM_CHARS }, return503OnClosing: true, forceCloseConnections: 'idle',
    // A client that is too slow with its headers or its body gets 408 and loses the connection.
    http: { headersTimeout: timeouts.headersMs, connectionsCheckingInterval: timeouts.checkEveryMs },
    requestTimeout: timeouts.requestMs,
    clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => {
      if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
        const limit = requestStarted.has(socket) ? 'api.request_timeout_secs' : 'api.header_timeout_secs';
        deps.telemetry.count('limit_hit', { component: 'api', limit });
        return closeWithJson(socket, 408, { code: 'api.request_timeout', message: `the request was not received in time (${limit})`, hint: 'send the whole request promptly' });
      }
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
      closeWithJson(socket, tooLarge ? 431 : 400, { code: tooLarge ? 'api.headers_too_large' : 'api.bad_http', message: tooLarge ? 'the request headers are too large' : 'the request is not valid HTTP/1.1' });
    },
    // Errors the router raises before a route is found (a path segment past MAX_PATH_PARAM_CHARS, bad
    // percent-encoding) answer in the API's own shapes, not fastify's default body.
    frameworkErrors: (error, request, reply) => {
      void sendError(reply, frameworkError(error), unmatchedErrorStyle(request.url));
    },
    // Unknown body keys are errors, not silently dropped (fastify's default removes them).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    schemaController: { compilersFactory: { buildValidator: lazyValidators } },
    schemaErrorFormatter: formatValidationErrors,
  });
  app.setSerializerCompiler(responseSerializerCompiler(validateResponses()));

  // Keep every body as received (SigV4 signs its hash); parse JSON for JSON content types.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    const buffer = body as Buffer;
    request.rawBody = buffer;
    const type = request.headers['content-type'] ?? '';
    if (!/json/i.test(type) || buffer.length === 0) {
      done(null, buffer.length === 0 ? undefined : buffer);
      return;
    }
    const text = buffer.toString('utf8');
    // One check for every route: handlers and schemas walk bodies recursively, so depth is bounded here.
    if (jsonDepth(text, config.max_json_depth) > config.max_json_depth) {
      deps.telemetry.count('limit_hit', { component: 'api', limit: 'api.max_json_depth' });
      done(new VigilError('api.json_too_deep', `the request body nests objects and arrays deeper than the limit of ${config.max_json_depth} levels (api.max_json_depth)`, { hint: 'send a flatter document' }), undefined);
      return;
    }
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(new VigilError('api.invalid_json', 'the request body is not valid JSON'), undefined);
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Vigil API', version: '1', description: 'Vigil-native API. AWS IoT-compatible and Firehose-compatible routes follow the AWS service models.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  installAuth(app, deps, config.sigv4_max_skew_secs * 1000);

  // Which connections are past their headers, so a timeout can say which limit it was.
  const requestStarted = new WeakSet<Socket>();
  app.server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    requestStarted.add(request.socket);
    response.once('finish', () => requestStarted.delete(request.socket));
  });

  app.setErrorHandler((error, request, reply) => {
    const vigilError = fromFastifyError(error);
    const style = request.signed === true && vigilError.code.startsWith('auth.') ? (errorStyleFor(request) === 'vigil' ? 'aws-rest' : errorStyleFor(request)) : errorStyleFor(request);
    if (vigilError.code.startsWith('auth.')) deps.telemetry.emit('api_auth_failed', { reason: vigilError.code }, { url: request.url, ip: request.ip });
    else if (errorKind(vigilError.code) === 'internal' || errorKind(vigilError.code) === 'fault' || vigilError.code === 'store.unavailable') deps.telemetry.emit('component_error', { component: 'api', code: vigilError.code, stage: 'request' }, { url: request.url, err: error });
    const limit = vigilError.code === 'api.body_too_large' ? 'api.body_limit_bytes' : vigilError.details?.['limit'];
    if (typeof limit === 'string') deps.telemetry.count('limit_hit', { component: limit.split('.')[0] as string, limit });
    // After refusing credentials, stop reading: the rest of a (possibly slow) body is not wanted.
    if (mapErrorCode(vigilError.code).status === 401 || mapErrorCode(vigilError.code).status === 403) {
      reply.header('connection', 'close');
    }
    return sendError(reply, vigilError, style);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, new VigilError('api.route_not_found', `no route ${request.method} ${request.url.split('?')[0]}`), errorStyleFor(request)));

  app.addHook('onResponse', async (request, reply) => {
    deps.telemetry.count('api_request', { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode });
  });

  for (const register of ROUTE_GROUPS) register(app, deps);

  let bound: Endpoint | undefined;
  let metricsBound: Endpoint | undefined;
  const metrics: MetricsListener | undefined = config.metrics.listen === '' ? undefined : createMetricsListener(config.metrics.listen, () => deps.telemetry.renderPrometheus());
  let stopped = false;
  return {
    name: 'api',
    app,
    async start() {
      const { host, port } = parseListen(config.listen);
      await app.listen({ host, port });
      app.server.headersTimeout = timeouts.headersMs;
      const address = app.server.address();
      const actualPort = typeof address === 'object' && address !== null ? address.port : port;
      bound = { name: 'api', url: `${options.tls === undefined ? 'http' : 'https'}://${formatAuthority(connectHost(host), actualPort)}` };
      deps.telemetry.emit('server_started', { component: 'api' }, { url: bound.url });
      if (metrics !== undefined) {
        metricsBound = await metrics.start();
        deps.telemetry.emit('server_started', { component: 'metrics' }, { url: metricsBound.url });
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await metrics?.stop();
      await app.close();
      deps.telemetry.emit('server_stopped', { component: 'api' });
    },
    endpoint() {
      if (bound === undefined) throw new Error('api server not started');
      return bound;
    },
    metricsEndpoint() {
      return metricsBound;
    },
  };
}

/** A wildcard bind address is reachable through loopback; endpoints.json names that. */
export function connectHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host;
}

const ajvValidators = AjvCompiler();

/**
 * fastify's own validators (same Ajv, same options), each compiled on its route's first request
 * instead of all ~200 at start: the API listens sooner and an unused route costs nothing.
 */
/** The JSON Pointer of the first number in `data` that is not finite, if any. */
export function nonFiniteNumberAt(data: unknown): string | undefined {
  const pending: [unknown, string][] = [[data, '']];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return path;
    } else if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value)) {
      for (const [key, member] of Object.entries(value)) pending.push([member, `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`]);
    }
  }
  return undefined;
}

function lazyValidators(...args: Parameters<typeof ajvValidators>): ReturnType<typeof ajvValidators> {
  const compile = ajvValidators(...args);
  return ((definition: Parameters<typeof compile>[0]) => {
    let compiled: ReturnType<typeof compile> | undefined;
    const validate = (data: unknown): unknown => {
      compiled ??= compile(definition);
      const result = compiled(data);
      validate.errors = compiled.errors;
      if (result !== true) return result;
      // JSON and the query's number coercion both turn an overflowing literal (1e309) into Infinity,
      // which JSON Schema's "integer" and "number" accept: no handler should ever see one.
      const at = nonFiniteNumberAt(data);
      if (at === undefined) return result;
      validate.errors = [{ instancePath: at, schemaPath: '#/type', keyword: 'type', params: { type: 'number' }, message: 'must be a finite number' }];
      return false;
    };
    validate.errors = null as unknown;
    return validate;
  }) as unknown as ReturnType<typeof ajvValidators>;
}
