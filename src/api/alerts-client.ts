import type { AlertRunView, SavedSearchCreateBody, SavedSearchUpdateBody, SavedSearchView } from './contract/index.js';
import type { VigilClient } from './client.js';

/** Typed calls of `/api/v1/saved-searches` (saved searches, alerts, dispatch, history). */
export function alertsClient(client: VigilClient) {
  const path = (name: string, suffix = '') => `/api/v1/saved-searches/${encodeURIComponent(name)}${suffix}`;
  const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
  return {
    list: () => client.request<{ savedSearches: SavedSearchView[] }>('GET', '/api/v1/saved-searches'),
    create: (request: SavedSearchCreateBody) => client.request<SavedSearchView>('POST', '/api/v1/saved-searches', defined(request)),
    get: (name: string) => client.request<SavedSearchView>('GET', path(name)),
    update: (name: string, request: SavedSearchUpdateBody) => client.request<SavedSearchView>('PUT', path(name), defined(request)),
    delete: (name: string) => client.request<void>('DELETE', path(name)),
    setEnabled: (name: string, enabled: boolean) => client.request<SavedSearchView>('POST', path(name, enabled ? '/enable' : '/disable')),
    dispatch: (name: string) => client.request<AlertRunView>('POST', path(name, '/dispatch')),
    history: (name: string, limit?: number) => client.request<{ runs: AlertRunView[] }>('GET', path(name, `/history${limit === undefined ? '' : `?limit=${limit}`}`)),
  };
}

export type AlertsClient = ReturnType<typeof alertsClient>;
