import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/index.js';
import { consoleRoutesFor, type ConsoleDeps } from '../../src/api/routes/console.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';
import { tempDir } from '../support/temp.js';

let vigil: TestVigil;
let api: string;

/** Every /api/v1 route (and AWS route) the console calls, as the console calls it. */
const CONSOLE_ROUTES: ReadonlyArray<readonly [string, string, unknown?]> = [
  ['GET', '/api/v1/session'],
  ['DELETE', '/api/v1/session'],
  ['POST', '/api/v1/session/tickets'],
  ['POST', '/api/v1/search', { query: 'index=main' }],
  ['DELETE', '/api/v1/search/console-1'],
  ['GET', '/api/v1/dashboards'],
  ['POST', '/api/v1/dashboards', { name: 'x', panels: [] }],
  ['GET', '/api/v1/dashboards/abc'],
  ['PUT', '/api/v1/dashboards/abc', { name: 'x', panels: [] }],
  ['DELETE', '/api/v1/dashboards/abc'],
  ['GET', '/api/v1/streams'],
  ['GET', '/api/v1/streams/siem/status'],
  ['POST', '/api/v1/streams/siem/replay'],
  ['GET', '/api/v1/events/stream'],
  ['GET', '/things?maxResults=250'],
  ['GET', '/things/pump-1'],
  ['GET', '/thing-groups?maxResults=250'],
  ['GET', '/certificates?pageSize=250'],
  ['GET', '/policies?pageSize=250'],
  ['GET', '/active-violations?maxResults=250'],
  ['GET', '/api/v1/lists/things?sort=violations'],
  ['GET', '/api/v1/lists/thing-groups'],
  ['GET', '/api/v1/lists/active-violations'],
  ['GET', '/api/v1/lists/violation-events?days=7'],
  ['GET', '/api/v1/lists/audit-tasks'],
  ['GET', '/api/v1/lists/audit-findings?suppressed=false'],
  ['GET', '/metric-values?thingName=pump-1&metricName=aws:all-bytes-out&startTime=0&endTime=1'],
  ['POST', '/audit/findings', { maxResults: 250 }],
  ['GET', '/api/v1/saved-searches'],
  ['GET', '/api/v1/saved-searches/x'],
  ['PUT', '/api/v1/saved-searches/x', { enabled: true }],
  ['POST', '/api/v1/saved-searches/x/dispatch'],
  ['GET', '/api/v1/saved-searches/x/history?limit=1'],
];

async function call(method: string, path: string, options: { body?: unknown; cookie?: string; csrf?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Headers; text: string; json: () => any }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie !== undefined) headers['cookie'] = options.cookie;
  if (options.csrf !== undefined) headers['x-csrf-token'] = options.csrf;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${api}${path}`, { method, headers, redirect: 'manual', ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

async function signIn(): Promise<{ cookie: string; csrf: string; setCookie: string }> {
  const reply = await call('POST', '/api/v1/session', { body: { token: vigil.adminToken } });
  expect(reply.status).toBe(200);
  const setCookie = reply.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0] ?? '', csrf: reply.json().csrfToken as string, setCookie };
}

beforeAll(async () => {
  vigil = await startTestVigil();
  api = vigil.running.endpoints['api'] as string;
});
afterAll(async () => {
  await vigil.stop();
});

describe('console sign-in and session cookie', () => {
  it('answers 401 to signed-out requests on every route the console uses', async () => {
    for (const [method, path, body] of CONSOLE_ROUTES) {
      const reply = await call(method, path, body === undefined ? {} : { body });
      expect({ method, path, status: reply.status }).toEqual({ method, path, status: 401 });
    }
  });

  it('refuses a wrong token and issues an httpOnly SameSite=Strict cookie for the right one', async () => {
    const wrong = await call('POST', '/api/v1/session', { body: { token: 'not-the-token' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const { setCookie, csrf } = await signIn();
    expect(setCookie).toMatch(/^vigil_session=[^;]{20,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    expect(csrf.length).toBeGreaterThan(20);
    expect(setCookie).not.toContain(vigil.adminToken);
  });

  it('authenticates GETs with the cookie alone and state-changing requests only with the CSRF token', async () => {
    const { cookie, csrf } = await signIn();
    expect((await call('GET', '/api/v1/session', { cookie })).json()).toMatchObject({ principal: 'session', csrfToken: csrf });
    expect((await call('GET', '/things?maxResults=250', { cookie })).status).toBe(200);
    expect((await call('GET', '/api/v1/dashboards', { cookie })).status).toBe(200);
    const searched = await call('POST', '/api/v1/search', { cookie, csrf, body: { query: 'index=main | stats count' } });
    expect(searched.status).toBe(200);
    expect(searched.json().columns).toEqual(['count']);

    const crossSite = await call('POST', '/api/v1/dashboards', { cookie, body: { name: 'planted', panels: [] }, headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    expect(crossSite.json()).toMatchObject({ code: 'auth.forbidden' });
    expect((await call('POST', '/api/v1/dashboards', { cookie, csrf: 'x'.repeat(csrf.length), body: { name: 'planted', panels: [] } })).status).toBe(403);
    expect((await call('PUT', '/thing-groups/addThingToThingGroup', { cookie, body: { thingGroupName: 'g', thingName: 't' } })).status).toBe(403);
    expect((await call('GET', '/api/v1/dashboards', { cookie })).json().dashboards).toEqual([]);
  });

  it('stores user dashboards through the session and enforces their version', async () => {
    const { cookie, csrf } = await signIn();
    const created = await call('POST', '/api/v1/dashboards', { cookie, csrf, body: { name: 'Ports', panels: [{ title: 'p', query: 'index=main | stats count', visualization: 'table' }] } });
    expect(created.status).toBe(201);
    const id = created.json().id as string;
    const updated = await call('PUT', `/api/v1/dashboards/${id}`, { cookie, csrf, body: { name: 'Ports 2', panels: [], version: 1 } });
    expect(updated.json()).toMatchObject({ name: 'Ports 2', version: 2, panels: [] });
    expect((await call('PUT', `/api/v1/dashboards/${id}`, { cookie, csrf, body: { name: 'stale', panels: [], version: 1 } })).status).toBe(409);
    expect((await call('POST', '/api/v1/dashboards', { cookie, csrf, body: { name: 'bad', panels: [{ title: 't', query: 'q', visualization: 'pie' }] } })).status).toBe(400);
    expect((await call('DELETE', `/api/v1/dashboards/${id}`, { cookie, csrf })).status).toBe(204);
    expect((await call('GET', `/api/v1/dashboards/${id}`, { cookie })).status).toBe(404);
  });

  it('signs out: the cookie is cleared and no longer authenticates', async () => {
    const { cookie, csrf } = await signIn();
    expect((await call('DELETE', '/api/v1/session', { cookie })).status).toBe(403);
    const out = await call('DELETE', '/api/v1/session', { cookie, csrf });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^vigil_session=; .*Max-Age=0/);
    expect((await call('GET', '/api/v1/dashboards', { cookie })).status).toBe(401);
  });

  it('redeems a one-time sign-in ticket exactly once', async () => {
    const ticket = (await vigil.client.request<{ ticket: string; path: string }>('POST', '/api/v1/session/tickets')).ticket;
    expect((await call('POST', '/api/v1/session', { body: { ticket } })).status).toBe(200);
    expect((await call('POST', '/api/v1/session', { body: { ticket } })).status).toBe(401);
  });

  it('streams live events to a signed-in console as text/event-stream', async () => {
    const { cookie } = await signIn();
    const controller = new AbortController();
    const response = await fetch(`${api}/api/v1/events/stream`, { headers: { cookie }, signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain(': connected');
    controller.abort();
  });

  it('redirects / to the console at /ui/, which needs no credentials', async () => {
    const reply = await call('GET', '/');
    expect(reply.status).toBe(302);
    expect(reply.headers.get('location')).toBe('/ui/');
    for (const path of ['/ui', '/ui/', '/ui/search']) {
      const page = await call('GET', path);
      // 200 with the app shell once `npm run build:web` ran, else 503 saying to run it; never 401.
      expect(page.status === 200 ? page.text : page.text).toContain(page.status === 200 ? '<div id="app">' : 'npm run build:web');
    }
  });
});

describe('console static files', () => {
  // Only the console routes: the typed slice they need (sessions kept in memory).
  const deps: ConsoleDeps = { clock: systemClock, adminTokens: ['t'] };

  it('tells the operator to run npm run build:web when dist/web is missing', async () => {
    const app = Fastify();
    consoleRoutesFor('/nonexistent/vigil-web')(app, deps);
    const reply = await app.inject({ method: 'GET', url: '/ui/' });
    expect(reply.statusCode).toBe(503);
    expect(reply.body).toContain('npm run build:web');
    await app.close();
  });

  it('serves assets, the app shell for client routes, and nothing outside the build', async () => {
    const dir = tempDir();
    mkdirSync(join(dir.path, 'assets'));
    writeFileSync(join(dir.path, 'index.html'), '<!doctype html><div id="app"></div>');
    writeFileSync(join(dir.path, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir.path, '..', 'secret.txt'), 'no');
    const app = Fastify();
    consoleRoutesFor(dir.path)(app, deps);
    expect((await app.inject({ url: '/ui/' })).body).toContain('id="app"');
    expect((await app.inject({ url: '/ui/fleet/things/pump-1' })).body).toContain('id="app"');
    const asset = await app.inject({ url: '/ui/assets/app.js' });
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ url: '/ui/assets/missing.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/ui/../secret.txt' })).body).not.toBe('no');
    expect((await app.inject({ url: '/ui/%2e%2e/secret.txt' })).body).not.toBe('no');
    await app.close();
    dir.remove();
  });
});
