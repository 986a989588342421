import type { FastifyInstance, FastifyRequest } from 'fastify';
import { VigilError, constantTimeEqual } from '../core/index.js';
import type { ApiDeps } from './deps.js';
import { errorStyleFor } from './errors.js';
import { parseAuthorization, verifySigV4 } from './sigv4.js';
import { authenticateSession, sessionsOf } from './session.js';

/**
 * Services whose SigV4 credential scope Vigil accepts. Older AWS CLI / boto3 (awscli 2.9, botocore
 * before the IoT model named its signing name) sign AWS IoT requests for `execute-api`: accepted on
 * every route except Firehose's, whose clients always sign for `firehose`.
 */
const SIGNED_SERVICES = new Set(['iot', 'firehose', 'execute-api']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received (SigV4 covers its hash). */
    rawBody?: Buffer;
    /** Who made the request, once authenticated. */
    principal?: Principal;
    /** Set when the request carried a SigV4 signature: errors then answer AWS-style. */
    signed?: boolean;
  }
  interface FastifyContextConfig {
    /** Routes reachable without credentials (only /health). */
    public?: boolean;
    errorStyle?: import('./errors.js').ErrorStyle;
  }
}

export type Principal = { readonly kind: 'token'; readonly name: string } | { readonly kind: 'access-key'; readonly accessKeyId: string } | { readonly kind: 'session' };

/**
 * Installs authentication: `Authorization: Bearer <token>` is checked when the request arrives;
 * a SigV4 signature is checked once the body is read (its hash is signed). Anything else is refused.
 */
export function installAuth(app: FastifyInstance, deps: ApiDeps, maxSkewMs: number): void {
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public === true) return;
    const header = request.headers.authorization;
    if (header === undefined || header.trim() === '') {
      // The console's path: a session cookie (plus X-CSRF-Token on state-changing requests).
      if (authenticateSession(request, sessionsOf(deps))) {
        request.principal = { kind: 'session' };
        return;
      }
      throw new VigilError('auth.missing_credentials', 'this endpoint needs credentials', { hint: 'send Authorization: Bearer <token> (see secrets/admin-token) or sign the request with a Vigil access key (AWS SigV4)' });
    }
    if (/^AWS4-HMAC-SHA256\s/i.test(header)) {
      request.signed = true;
      return;
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (bearer === null) throw new VigilError('auth.missing_credentials', 'unsupported Authorization scheme', { hint: 'use Bearer <token> or AWS4-HMAC-SHA256' });
    const token = bearer[1] ?? '';
    // Check every token (no early exit) so timing does not reveal which one almost matched.
    let matched = false;
    for (const candidate of deps.adminTokens) matched = constantTimeEqual(candidate, token) || matched;
    let metricsOnly = false;
    for (const candidate of deps.metricsTokens ?? []) metricsOnly = constantTimeEqual(candidate, token) || metricsOnly;
    if (!matched && metricsOnly) {
      if (request.method === 'GET' && request.routeOptions.url === '/metrics') {
        request.principal = { kind: 'token', name: 'metrics' };
        return;
      }
      throw new VigilError('auth.invalid_token', 'the metrics token is valid only for GET /metrics', { hint: 'use the token in <data_dir>/secrets/admin-token for the rest of the API' });
    }
    if (!matched) throw new VigilError('auth.invalid_token', 'the API token is not valid', { hint: 'use the token in <data_dir>/secrets/admin-token' });
    request.principal = { kind: 'token', name: 'admin' };
  });

  app.addHook('preValidation', async (request: FastifyRequest) => {
    if (request.signed !== true || request.principal !== undefined) return;
    const parsed = parseAuthorization(request.headers.authorization ?? '');
    if (!parsed.ok) throw parsed.error;
    const auth = parsed.value;
    if (!SIGNED_SERVICES.has(auth.service) || (auth.service === 'execute-api' && errorStyleFor(request) === 'aws-json')) {
      throw new VigilError('auth.wrong_service', `credential scope service "${auth.service}" is not served here`, { hint: 'sign for service iot (or execute-api on AWS IoT routes) or firehose' });
    }
    const key = await deps.accessKeys.find(auth.accessKeyId);
    if (key === undefined) throw new VigilError('auth.unknown_access_key', 'The security token included in the request is invalid.', { hint: 'create a key with `vigil access-key create`' });
    const verified = verifySigV4({ method: request.method, url: request.raw.url ?? request.url, headers: request.headers, body: request.rawBody }, auth, key.secretAccessKey, deps.clock.now(), maxSkewMs);
    if (!verified.ok) throw verified.error;
    request.principal = { kind: 'access-key', accessKeyId: key.accessKeyId };
  });
}
