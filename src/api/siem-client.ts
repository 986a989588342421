import type { VigilClient } from './client.js';

export interface SearchView {
  readonly columns: string[];
  readonly rows: Array<Record<string, string | string[]>>;
  readonly transforming: boolean;
  readonly earliest: string | null;
  readonly latest: string | null;
  readonly series: { x: string; xValues: Array<string | number>; series: Array<{ name: string; values: Array<number | null> }> } | null;
  /** How the search ran, e.g. a subsearch cut at maxout (absent from older servers). */
  readonly messages?: ReadonlyArray<{ readonly type: 'INFO' | 'WARN'; readonly text: string }>;
}

export interface SearchOptions {
  readonly earliest?: string | undefined;
  readonly latest?: string | undefined;
  readonly maxRows?: number | undefined;
  readonly timeoutSecs?: number | undefined;
  readonly id?: string | undefined;
}

export interface HecTokenView {
  readonly name: string;
  readonly token: string;
  readonly description: string;
  readonly disabled: boolean;
  readonly index: string;
  readonly indexes: string[];
  readonly sourcetype?: string;
  readonly source?: string;
  readonly host?: string;
  readonly useAck: boolean;
  readonly allowQueryStringAuth: boolean;
  readonly createdAt: string;
}

export interface HecTokenRequest {
  readonly name: string;
  readonly index?: string | undefined;
  readonly indexes?: string[] | undefined;
  readonly sourcetype?: string | undefined;
  readonly source?: string | undefined;
  readonly host?: string | undefined;
  readonly useAck?: boolean | undefined;
  readonly allowQueryStringAuth?: boolean | undefined;
  readonly description?: string | undefined;
}

export interface IndexView {
  readonly name: string;
  readonly retentionDays: number;
  readonly createdAt: string;
  readonly events?: number;
}

/** Typed calls of the SIEM's `/api/v1` routes (search, HEC tokens, indexes). */
export function siemClient(client: VigilClient) {
  const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
  return {
    search: (query: string, options: SearchOptions = {}) => client.request<SearchView>('POST', '/api/v1/search', defined({ query, ...options })),
    explain: (query: string, options: Pick<SearchOptions, 'earliest' | 'latest'> = {}) => client.request<{ explain: string }>('POST', '/api/v1/search', defined({ query, ...options, explain: true })),
    cancel: (id: string) => client.request<void>('DELETE', `/api/v1/search/${encodeURIComponent(id)}`),
    tokens: {
      create: (request: HecTokenRequest) => client.request<HecTokenView>('POST', '/api/v1/hec/tokens', defined(request)),
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
