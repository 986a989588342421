import type { StreamDefinition } from '../model/index.js';
import type { ReplayResult, StreamStatus } from '../stream/index.js';
import type { VigilClient } from './client.js';

/** Typed calls of `/api/v1/streams` for the CLI and tests. */
export function streamClient(client: VigilClient) {
  const path = (name: string, suffix = ''): string => `/api/v1/streams/${encodeURIComponent(name)}${suffix}`;
  return {
    create: (definition: unknown) => client.request<StreamDefinition>('POST', '/api/v1/streams', definition),
    list: () => client.request<{ streams: StreamDefinition[] }>('GET', '/api/v1/streams'),
    describe: (name: string) => client.request<StreamDefinition>('GET', path(name)),
    update: (name: string, definition: unknown, expectedVersion?: number) => client.request<StreamDefinition>('PUT', path(name, expectedVersion === undefined ? '' : `?expectedVersion=${expectedVersion}`), definition),
    delete: (name: string) => client.request<void>('DELETE', path(name)),
    status: (name: string) => client.request<StreamStatus>('GET', path(name, '/status')),
    replay: (name: string) => client.request<ReplayResult>('POST', path(name, '/replay')),
    put: (name: string, records: readonly string[]) => client.request<{ recordIds: string[] }>('POST', path(name, '/records'), { records }),
  };
}

export type StreamClient = ReturnType<typeof streamClient>;
