import type { VigilClient } from './client.js';

export type AlertTriggerView = { type: 'per_result' } | { type: 'number_of_results'; comparator: '>' | '<' | '=' | '!=' | '>=' | '<='; threshold: number };
export type AlertActionView = { type: 'webhook'; url: string } | { type: 'topic'; topic: string };

export interface SavedSearchView {
  readonly name: string;
  readonly description: string;
  readonly search: string;
  readonly earliest: string;
  readonly latest: string;
  readonly cron: string;
  readonly enabled: boolean;
  readonly bundled: boolean;
  readonly alert?: { trigger: AlertTriggerView; triggerText: string; actions: AlertActionView[]; throttle?: { periodSecs: number; fields: string[] } };
  readonly nextRunAt?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SavedSearchRequest {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly search?: string | undefined;
  readonly earliest?: string | undefined;
  readonly latest?: string | undefined;
  readonly cron?: string | undefined;
  readonly enabled?: boolean | undefined;
  readonly alert?: { trigger?: AlertTriggerView | string; actions?: AlertActionView[]; throttle?: { periodSecs: number; fields?: string[] } | null } | null | undefined;
}

export interface AlertRunView {
  readonly id: string;
  readonly searchName: string;
  readonly time: string;
  readonly cause: 'schedule' | 'dispatch';
  readonly status: 'fired' | 'not_fired' | 'throttled' | 'failed';
  readonly resultCount: number;
  readonly firedCount: number;
  readonly suppressedCount: number;
  readonly rows: Array<Record<string, string | string[]>>;
  readonly actions: Array<{ type: 'webhook' | 'topic'; target: string; ok: boolean; attempts: number; error?: string }>;
  readonly error?: { code: string; message: string };
  readonly durationMs: number;
}

/** Typed calls of `/api/v1/saved-searches` (saved searches, alerts, dispatch, history). */
export function alertsClient(client: VigilClient) {
  const path = (name: string, suffix = '') => `/api/v1/saved-searches/${encodeURIComponent(name)}${suffix}`;
  const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
  return {
    list: () => client.request<{ savedSearches: SavedSearchView[] }>('GET', '/api/v1/saved-searches'),
    create: (request: SavedSearchRequest & { name: string; search: string }) => client.request<SavedSearchView>('POST', '/api/v1/saved-searches', defined(request)),
    get: (name: string) => client.request<SavedSearchView>('GET', path(name)),
    update: (name: string, request: SavedSearchRequest) => client.request<SavedSearchView>('PUT', path(name), defined(request)),
    delete: (name: string) => client.request<void>('DELETE', path(name)),
    setEnabled: (name: string, enabled: boolean) => client.request<SavedSearchView>('POST', path(name, enabled ? '/enable' : '/disable')),
    dispatch: (name: string) => client.request<AlertRunView>('POST', path(name, '/dispatch')),
    history: (name: string, limit?: number) => client.request<{ runs: AlertRunView[] }>('GET', path(name, `/history${limit === undefined ? '' : `?limit=${limit}`}`)),
  };
}

export type AlertsClient = ReturnType<typeof alertsClient>;
