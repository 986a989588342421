import type { LookupView } from './contract/index.js';
import type { VigilClient } from './client.js';

/** Typed calls of `/api/v1/lookups` (CSV lookups for SPL). */
export function lookupClient(client: VigilClient) {
  const path = (name: string): string => `/api/v1/lookups/${encodeURIComponent(name)}`;
  return {
    upload: (name: string, csv: string) => client.request<LookupView>('PUT', path(name), { csv }),
    list: () => client.request<{ lookups: LookupView[] }>('GET', '/api/v1/lookups'),
    get: (name: string) => client.request<LookupView>('GET', path(name)),
    delete: (name: string) => client.request<void>('DELETE', path(name)),
  };
}

export type LookupClient = ReturnType<typeof lookupClient>;
