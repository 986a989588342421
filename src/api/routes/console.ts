import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { VigilError, constantTimeEqual } from '../../core/index.js';
import type { ApiDeps } from '../deps.js';
import { consoleContract as c } from '../contract/index.js';
import { typed } from '../route-app.js';
import type { SessionStore } from '../session.js';
import { SESSION_COOKIE, readCookie, sessionCookie, sessionsOf } from '../session.js';

const PUBLIC = { public: true } as const;

/** `<package root>/dist/web`: found by walking up from this file (works from src/ and from a build). */
export function defaultConsoleDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'web');
    dir = dirname(dir);
  }
  return resolve('dist', 'web');
}

/** The console: sign-in/out (session cookie + CSRF token), `/ui/` static files, `/` → `/ui/`. */
/** What the console routes use; without `sessions` (a test mounting only these routes) they keep their own in memory. */
export type ConsoleDeps = Pick<ApiDeps, 'clock' | 'adminTokens'> & { readonly sessions?: SessionStore };

export function consoleRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  consoleRoutesFor(defaultConsoleDir())(app, deps);
}

export function consoleRoutesFor(webDir: string): (app: FastifyInstance, deps: ConsoleDeps) => void {
  return (fastify, deps) => {
    const app = typed(fastify);
    const sessions = sessionsOf(deps);

    app.post(
      '/api/v1/session',
      {
        config: PUBLIC,
        schema: { tags: ['console'], summary: 'Sign in: exchange an API token (or a one-time ticket) for a session cookie', ...c.signIn },
      },
      async (request, reply) => {
        const body = request.body;
        let valid = false;
        if (body.token !== undefined) for (const candidate of deps.adminTokens) valid = constantTimeEqual(candidate, body.token) || valid;
        else if (body.ticket !== undefined) valid = sessions.redeemTicket(body.ticket);
        if (!valid) {
          throw new VigilError('auth.invalid_token', body.ticket !== undefined ? 'the sign-in link was already used or has expired' : 'the API token is not valid', { hint: 'use the token in <data_dir>/secrets/admin-token' });
        }
        const { id, session } = sessions.create();
        reply.header('set-cookie', sessionCookie(id, Math.floor(sessions.ttlMs / 1000), request.protocol === 'https'));
        reply.header('cache-control', 'no-store');
        return { csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString() };
      },
    );

    app.get('/api/v1/session', { schema: { tags: ['console'], summary: 'The current session (its CSRF token) or the kind of credential used', ...c.session } }, async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
      const session = request.principal?.kind === 'session' && cookie !== undefined ? sessions.find(cookie) : undefined;
      if (session === undefined) return { principal: request.principal?.kind ?? 'none' };
      return { principal: 'session', csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString() };
    });

    app.delete('/api/v1/session', { schema: { tags: ['console'], summary: 'Sign out (ends the session, clears the cookie)', ...c.signOut } }, async (request, reply) => {
      const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (cookie !== undefined) sessions.delete(cookie);
      reply.header('set-cookie', sessionCookie('', 0, request.protocol === 'https'));
      return reply.status(204).send();
    });

    app.post('/api/v1/session/tickets', { schema: { tags: ['console'], summary: 'Create a one-time sign-in link (valid 15 minutes)', ...c.createTicket } }, async () => {
      const ticket = sessions.createTicket();
      return { ticket, path: `/ui/?ticket=${ticket}` };
    });

    app.get('/', { config: PUBLIC, schema: { hide: true } }, async (_request, reply) => reply.redirect('/ui/'));

    const built = existsSync(join(webDir, 'index.html'));
    if (!built) {
      const missing = async (_request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> =>
        reply.status(503).type('text/plain; charset=utf-8').send(`The Vigil console is not built (no ${join(webDir, 'index.html')}).\nRun \`npm run build:web\` (npm ci runs it) and reload.\n`);
      // The server ignores trailing slashes, so /ui also answers /ui/ (which /ui/* does not match).
      app.get('/ui', { config: PUBLIC, schema: { hide: true } }, missing);
      app.get('/ui/*', { config: PUBLIC, schema: { hide: true } }, missing);
      return;
    }

    void app.register(fastifyStatic, { root: webDir, serve: false });
    const root = resolve(webDir);
    const serve = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const wildcard = ((request.params as { '*'?: string })['*'] ?? '').split('?')[0] ?? '';
      const target = resolve(root, wildcard);
      const inside = target === root || target.startsWith(root + sep);
      // Client-side routes (/ui/search, /ui/fleet/x) get the app shell; hashed assets are immutable.
      if (inside && wildcard !== '' && existsSync(target) && statSync(target).isFile()) {
        return wildcard.startsWith('assets/') ? reply.sendFile(wildcard, { maxAge: 365 * 86_400_000, immutable: true }) : reply.sendFile(wildcard, { cacheControl: false });
      }
      if (wildcard.startsWith('assets/')) return reply.status(404).type('text/plain; charset=utf-8').send(`no console asset ${wildcard}\n`);
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html', { cacheControl: false });
    };
    app.get('/ui', { config: PUBLIC, schema: { hide: true } }, serve);
    app.get('/ui/*', { config: PUBLIC, schema: { hide: true } }, serve);
  };
}
