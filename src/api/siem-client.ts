import type { ExplainView, HecTokenBody, HecTokenView, IndexView, SearchView } from './contract/index.js';
import type { VigilClient } from './client.js';

export interface SearchOptions {
  readonly earliest?: string | undefined;
  readonly latest?: string | undefined;
  readonly maxRows?: number | undefined;
  readonly timeoutSecs?: number | undefined;
  readonly id?: string | undefined;
}

/** Typed calls of the SIEM's `/api/v1` routes (search, HEC tokens, indexes). */
export function siemClient(client: VigilClient) {
  const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
  return {
    search: (query: string, options: SearchOptions = {}) => client.request<SearchView>('POST', '/api/v1/search', defined({ query, ...options })),
    explain: (query: string, options: Pick<SearchOptions, 'earliest' | 'latest'> = {}) => client.request<ExplainView>('POST', '/api/v1/search', defined({ query, ...options, explain: true })),
    cancel: (id: string) => client.request<void>('DELETE', `/api/v1/search/${encodeURIComponent(id)}`),
    tokens: {
      create: (request: HecTokenBody) => client.request<HecTokenView>('POST', '/api/v1/hec/tokens', defined(request)),
      list: () => client.request<{ tokens: HecTokenView[] }>('GET', '/api/v1/hec/tokens'),
      delete: (name: string) => client.request<void>('DELETE', `/api/v1/hec/tokens/${encodeURIComponent(name)}`),
      setDisabled: (name: string, disabled: boolean) => client.request<void>('POST', `/api/v1/hec/tokens/${encodeURIComponent(name)}/${disabled ? 'disable' : 'enable'}`),
    },
    indexes: {
      create: (name: string, retentionDays?: number) => client.request<IndexView>('POST', '/api/v1/indexes', defined({ name, retentionDays })),
      list: () => client.request<{ indexes: IndexView[] }>('GET', '/api/v1/indexes'),
      delete: (name: string) => client.request<{ deletedEvents: number }>('DELETE', `/api/v1/indexes/${encodeURIComponent(name)}`),
    },
  };
}

export type SiemClient = ReturnType<typeof siemClient>;
