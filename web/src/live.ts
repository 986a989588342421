import { signal } from '@preact/signals';
import type { LiveEvent, LiveEventType } from '../../src/api/contract/index.js';

type Data<K extends LiveEventType> = Extract<LiveEvent, { type: K }>['data'];

export interface Notice {
  id: number;
  type: string;
  text: string;
}

/** Live updates (server-sent events): recent notices, and a counter panels re-load on. */
export const notices = signal<Notice[]>([]);
export const liveTick = signal(0);
export const liveConnected = signal(false);
export const streamHealth = signal<Record<string, Data<'stream-health'>>>({});
let source: EventSource | undefined;
let ids = 0;

function describe(event: LiveEvent): string {
  if (event.type === 'violation') return `New violation: ${event.data.thingName} — ${event.data.behavior.name}`;
  if (event.type === 'audit-task') return `Audit task ${event.data.taskId} ${event.data.taskStatus.toLowerCase()}`;
  const h = event.data;
  return `Stream ${h.name}: ${String(h.deliveredRecords)} delivered, ${String(h.failed)} failed, freshness ${String(h.dataFreshnessSecs)} s`;
}

export function startLive(): void {
  if (source !== undefined || typeof EventSource === 'undefined') return;
  source = new EventSource('/api/v1/events/stream');
  source.onopen = () => (liveConnected.value = true);
  source.onerror = () => (liveConnected.value = false);
  for (const type of ['violation', 'audit-task', 'stream-health'] as const satisfies readonly LiveEventType[]) {
    source.addEventListener(type, (message) => {
      const event = { type, data: JSON.parse((message as MessageEvent<string>).data) } as LiveEvent;
      if (event.type === 'stream-health') {
        streamHealth.value = { ...streamHealth.value, [event.data.name]: event.data };
        if (event.data.lastError === null || event.data.lastError === undefined) return;
      } else liveTick.value++;
      notices.value = [{ id: ++ids, type, text: describe(event) }, ...notices.value].slice(0, 5);
    });
  }
}

export function stopLive(): void {
  source?.close();
  source = undefined;
  liveConnected.value = false;
}
