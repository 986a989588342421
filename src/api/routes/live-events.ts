import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EngineEvent } from '../../model/index.js';
import { liveContract as c, type LiveEvent } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';
import { activeViolationJson } from './detect-violations.js';

const STREAM_POLL_MS = 5000;
const HEARTBEAT_MS = 15_000;

/**
 * What the console shows live: violations that start and audit tasks that end, as the engines tell
 * them (`deps.live`), and stream health, sampled from the stream engine every 5 s (freshness moves
 * with time, so there is nothing to be told). One source serves every connected client.
 */
function liveSource(app: FastifyInstance, deps: Pick<ApiDeps, 'live' | 'streams'>): { subscribe(send: (event: LiveEvent) => void): () => void } {
  const listeners = new Set<(event: LiveEvent) => void>();
  let timer: NodeJS.Timeout | undefined;
  let stopEngineEvents: (() => void) | undefined;
  const streamState = new Map<string, string>();

  const publish = (event: LiveEvent): void => {
    for (const listener of listeners) listener(event);
  };
  const fromEngine = (event: EngineEvent): void => {
    if (event.kind === 'violation_started') publish({ type: 'violation', data: activeViolationJson(event.violation) });
    else publish({ type: 'audit-task', data: { taskId: event.task.taskId, taskStatus: event.task.taskStatus, taskType: event.task.taskType } });
  };

  const pollStreams = async (): Promise<void> => {
    for (const stream of await deps.streams.list().catch(() => [])) {
      const status = await deps.streams.status(stream.name).catch(() => undefined);
      if (status === undefined) continue;
      const health: Extract<LiveEvent, { type: 'stream-health' }>['data'] = { name: status.name, deliveredRecords: status.deliveredRecords, failed: Object.values(status.backedUpRecords).reduce((a, b) => a + b, 0), dataFreshnessSecs: status.dataFreshnessSecs, outboxRecords: status.outboxRecords, lastError: status.lastError };
      const key = JSON.stringify(health);
      if (streamState.get(status.name) !== key) publish({ type: 'stream-health', data: health });
      streamState.set(status.name, key);
    }
  };

  let polling = false;
  const tick = (): void => {
    if (polling) return;
    polling = true;
    void pollStreams()
      .catch(() => undefined)
      .finally(() => {
        polling = false;
      });
  };

  const stop = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    stopEngineEvents?.();
    stopEngineEvents = undefined;
    streamState.clear();
  };
  app.addHook('onClose', async () => stop());

  return {
    subscribe(send) {
      listeners.add(send);
      if (timer === undefined) {
        stopEngineEvents = deps.live.subscribe(fromEngine);
        timer = setInterval(tick, STREAM_POLL_MS);
        timer.unref();
        tick();
      }
      return () => {
        listeners.delete(send);
        if (listeners.size === 0) stop();
      };
    },
  };
}

/** `GET /api/v1/events/stream`: server-sent events for the console (violation, audit-task, stream-health). */
export function liveEventRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'live' | 'streams'>): void {
  const app = typed(fastify);
  const source = liveSource(fastify, deps);
  const open = new Set<() => void>();
  // SSE responses never go idle: end them before the server waits for connections to finish.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });
  app.get('/api/v1/events/stream', { schema: { tags: ['console'], summary: 'Live updates as server-sent events', ...c.events } }, async (request, reply: FastifyReply) => {
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
