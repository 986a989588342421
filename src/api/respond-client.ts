import type { PlaybookBody, PlaybookRunView, PlaybookView } from './contract/index.js';
import type { VigilClient } from './client.js';

/** Typed calls of `/api/v1/playbooks` and `/api/v1/playbook-runs`. */
export function respondClient(client: VigilClient) {
  const path = (name: string, suffix = '') => `/api/v1/playbooks/${encodeURIComponent(name)}${suffix}`;
  const run = (id: string, suffix = '') => `/api/v1/playbook-runs/${encodeURIComponent(id)}${suffix}`;
  const query = (options: { limit?: number | undefined; nextToken?: string | undefined; state?: string | undefined }): string => {
    const params = new URLSearchParams();
    if (options.limit !== undefined) params.set('limit', String(options.limit));
    if (options.nextToken !== undefined) params.set('nextToken', options.nextToken);
    if (options.state !== undefined) params.set('state', options.state);
    const text = params.toString();
    return text === '' ? '' : `?${text}`;
  };
  return {
    list: () => client.request<{ playbooks: PlaybookView[] }>('GET', '/api/v1/playbooks'),
    create: (document: PlaybookBody) => client.request<PlaybookView>('POST', '/api/v1/playbooks', document),
    get: (name: string) => client.request<PlaybookView>('GET', path(name)),
    replace: (name: string, document: PlaybookBody) => client.request<PlaybookView>('PUT', path(name), document),
    delete: (name: string) => client.request<void>('DELETE', path(name)),
    setEnabled: (name: string, enabled: boolean) => client.request<PlaybookView>('POST', path(name, enabled ? '/enable' : '/disable')),
    run: (name: string, variables: Readonly<Record<string, string>>) => client.request<PlaybookRunView>('POST', path(name, '/run'), { variables }),
    runs: (name: string, options: { limit?: number; nextToken?: string; state?: string } = {}) => client.request<{ runs: PlaybookRunView[]; nextToken?: string }>('GET', path(name, `/runs${query(options)}`)),
    allRuns: (options: { limit?: number; nextToken?: string; state?: string } = {}) => client.request<{ runs: PlaybookRunView[]; nextToken?: string }>('GET', `/api/v1/playbook-runs${query(options)}`),
    getRun: (id: string) => client.request<PlaybookRunView>('GET', run(id)),
    approve: (id: string, by?: string) => client.request<PlaybookRunView>('POST', run(id, '/approve'), by === undefined ? {} : { by }),
    deny: (id: string, by?: string) => client.request<PlaybookRunView>('POST', run(id, '/deny'), by === undefined ? {} : { by }),
    undo: (id: string) => client.request<PlaybookRunView>('POST', run(id, '/undo')),
  };
}

export type RespondClient = ReturnType<typeof respondClient>;
