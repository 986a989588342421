import type { ReplayView, StreamBody, StreamStatusView, StreamView } from './contract/index.js';
import type { VigilClient } from './client.js';

/** Typed calls of `/api/v1/streams` for the CLI and tests. */
export function streamClient(client: VigilClient) {
  const path = (name: string, suffix = ''): string => `/api/v1/streams/${encodeURIComponent(name)}${suffix}`;
  return {
    create: (definition: StreamBody) => client.request<StreamView>('POST', '/api/v1/streams', definition),
    list: () => client.request<{ streams: StreamView[] }>('GET', '/api/v1/streams'),
    describe: (name: string) => client.request<StreamView>('GET', path(name)),
    update: (name: string, definition: StreamBody, expectedVersion?: number) => client.request<StreamView>('PUT', path(name, expectedVersion === undefined ? '' : `?expectedVersion=${expectedVersion}`), definition),
    delete: (name: string) => client.request<void>('DELETE', path(name)),
    status: (name: string) => client.request<StreamStatusView>('GET', path(name, '/status')),
    replay: (name: string) => client.request<ReplayView>('POST', path(name, '/replay')),
    put: (name: string, records: readonly string[], encoding?: 'utf8' | 'base64') => client.request<{ recordIds: string[] }>('POST', path(name, '/records'), encoding === undefined ? { records } : { records, encoding }),
  };
}

export type StreamClient = ReturnType<typeof streamClient>;
