import type { AlertDefinition, AlertRun, SavedSearch } from '../model/index.js';
import type { SavedSearchInput } from '../siem/index.js';
import type { VigilClient } from './client.js';

/** A saved search as the API shows it: times as ISO text, the trigger also as text, and the next scheduled run. */
export type SavedSearchView = Omit<SavedSearch, 'alert' | 'createdAt' | 'updatedAt'> & {
  readonly alert?: AlertDefinition & { readonly triggerText: string };
  readonly nextRunAt?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
};

/** The body of a create or update: what the alert engine validates (a trigger object or its text). */
export type SavedSearchRequest = SavedSearchInput;

/** One alert history entry as the API shows it: its time as ISO text. */
export type AlertRunView = Omit<AlertRun, 'time'> & { readonly time: string };

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
