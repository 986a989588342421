import { signal } from '@preact/signals';

export interface Notice {
  id: number;
  type: string;
  text: string;
}

/** Live updates (server-sent events): recent notices, and a counter panels re-load on. */
export const notices = signal<Notice[]>([]);
export const liveTick = signal(0);
export const liveConnected = signal(false);
export const streamHealth = signal<Record<string, Record<string, unknown>>>({});
let source: EventSource | undefined;
let ids = 0;

function describe(type: string, data: Record<string, unknown>): string {
  if (type === 'violation') return `New violation: ${String(data['thingName'])} — ${String((data['behavior'] as { name?: string } | undefined)?.name ?? '')}`;
  if (type === 'audit-task') return `Audit task ${String(data['taskId'])} ${String(data['taskStatus']).toLowerCase()}`;
  return `Stream ${String(data['name'])}: ${String(data['deliveredRecords'])} delivered, ${String(data['failed'])} failed, freshness ${String(data['dataFreshnessSecs'])} s`;
}

export function startLive(): void {
  if (source !== undefined || typeof EventSource === 'undefined') return;
  source = new EventSource('/api/v1/events/stream');
  source.onopen = () => (liveConnected.value = true);
  source.onerror = () => (liveConnected.value = false);
  for (const type of ['violation', 'audit-task', 'stream-health']) {
    source.addEventListener(type, (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as Record<string, unknown>;
      if (type === 'stream-health') {
        streamHealth.value = { ...streamHealth.value, [String(data['name'])]: data };
        if (data['lastError'] === null || data['lastError'] === undefined) return;
      } else liveTick.value++;
      notices.value = [{ id: ++ids, type, text: describe(type, data) }, ...notices.value].slice(0, 5);
    });
  }
}

export function stopLive(): void {
  source?.close();
  source = undefined;
  liveConnected.value = false;
}
