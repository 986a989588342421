import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiDeps } from '../deps.js';

/** One live update for the console. */
export interface LiveEvent {
  readonly type: 'violation' | 'audit-task' | 'stream-health';
  readonly data: unknown;
}

const POLL_MS = 5000;
const HEARTBEAT_MS = 15_000;

/**
 * Watches what the console shows live, through the API's own routes (so it follows whatever the
 * detect, audit and stream routes answer, and skips those not present): new active violations,
 * audit tasks that completed, stream health changes. One poll loop serves every connected client.
 */
function liveSource(app: FastifyInstance, deps: ApiDeps): { subscribe(send: (event: LiveEvent) => void): () => void } {
  const listeners = new Set<(event: LiveEvent) => void>();
  let timer: NodeJS.Timeout | undefined;
  let seenViolations: Set<string> | undefined;
  let seenTasks: Set<string> | undefined;
  const streamState = new Map<string, string>();
  const token = deps.adminTokens[0];

  const get = async (url: string): Promise<Record<string, unknown> | undefined> => {
    if (token === undefined) return undefined;
    const response = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    return response.statusCode === 200 ? (response.json() as Record<string, unknown>) : undefined;
  };
  const publish = (event: LiveEvent): void => {
    for (const listener of listeners) listener(event);
  };

  const poll = async (): Promise<void> => {
    const violations = await get('/active-violations?maxResults=250').catch(() => undefined);
    const active = (violations?.['activeViolations'] as Array<Record<string, unknown>> | undefined) ?? [];
    const ids = new Set(active.map((v) => String(v['violationId'])));
    if (seenViolations !== undefined) for (const v of active) if (!seenViolations.has(String(v['violationId']))) publish({ type: 'violation', data: v });
    seenViolations = ids;

    const now = deps.clock.now();
    const tasks = await get(`/audit/tasks?startTime=${new Date(now - 86_400_000).toISOString()}&endTime=${new Date(now + 60_000).toISOString()}`).catch(() => undefined);
    const list = (tasks?.['tasks'] as Array<Record<string, unknown>> | undefined) ?? [];
    const done = new Set(list.filter((t) => t['taskStatus'] !== 'IN_PROGRESS').map((t) => String(t['taskId'])));
    if (seenTasks !== undefined) for (const t of list) if (done.has(String(t['taskId'])) && !seenTasks.has(String(t['taskId']))) publish({ type: 'audit-task', data: t });
    seenTasks = done;

    if (deps.streams !== undefined) {
      for (const stream of await deps.streams.list().catch(() => [])) {
        const status = await deps.streams.status(stream.name).catch(() => undefined);
        if (status === undefined) continue;
        const health = { name: status.name, deliveredRecords: status.deliveredRecords, failed: Object.values(status.backedUpRecords).reduce((a, b) => a + b, 0), dataFreshnessSecs: status.dataFreshnessSecs, outboxRecords: status.outboxRecords, lastError: status.lastError };
        const key = JSON.stringify(health);
        if (streamState.get(status.name) !== key) publish({ type: 'stream-health', data: health });
        streamState.set(status.name, key);
      }
    }
  };

  let polling = false;
  const tick = (): void => {
    if (polling) return;
    polling = true;
    void poll()
      .catch(() => undefined)
      .finally(() => {
        polling = false;
      });
  };

  app.addHook('onClose', async () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  });

  return {
    subscribe(send) {
      listeners.add(send);
      if (timer === undefined) {
        timer = setInterval(tick, POLL_MS);
        timer.unref();
        tick();
      }
      return () => {
        listeners.delete(send);
        if (listeners.size === 0 && timer !== undefined) {
          clearInterval(timer);
          timer = undefined;
          seenViolations = undefined;
          seenTasks = undefined;
          streamState.clear();
        }
      };
    },
  };
}

/** `GET /api/v1/events/stream`: server-sent events for the console (violation, audit-task, stream-health). */
export function liveEventRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const source = liveSource(app, deps);
  const open = new Set<() => void>();
  // SSE responses never go idle: end them before the server waits for connections to finish.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });
  app.get('/api/v1/events/stream', { schema: { tags: ['console'], summary: 'Live updates as server-sent events' } }, async (request, reply: FastifyReply) => {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    raw.write(': connected\n\n');
    const unsubscribe = source.subscribe((event) => raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`));
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const close = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(end);
    };
    const end = (): void => {
      close();
      raw.end();
    };
    open.add(end);
    request.raw.once('close', close);
  });
}
