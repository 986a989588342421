import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VigilError, isErrorCode, type ErrorCode } from '../core/index.js';
import { dataDirLayout } from '../store/index.js';

export interface ClientOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly timeoutMs?: number;
}

/**
 * A typed client of Vigil's own HTTP routes, for the CLI and tests. Errors come back as VigilErrors
 * with the server's code, message and hint.
 */
export class VigilClient {
  constructor(private readonly options: ClientOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** A client for the server running on `dataDir` (from run/endpoints.json and secrets/admin-token). */
  static forDataDir(dataDir: string, overrides: { server?: string | undefined; token?: string | undefined } = {}): VigilClient {
    const layout = dataDirLayout(dataDir);
    let baseUrl = overrides.server;
    if (baseUrl === undefined) {
      if (!existsSync(layout.endpointsPath)) {
        throw new VigilError('client.no_server', `no running Vigil found (${layout.endpointsPath} does not exist)`, { hint: 'start it with `vigil up`, or pass --server URL' });
      }
      const endpoints = JSON.parse(readFileSync(layout.endpointsPath, 'utf8')) as Record<string, string>;
      baseUrl = endpoints['api'];
      if (baseUrl === undefined) throw new VigilError('client.no_server', `${layout.endpointsPath} names no api endpoint`);
    }
    let token = overrides.token;
    if (token === undefined) {
      const path = join(layout.secretsDir, 'admin-token');
      if (!existsSync(path)) throw new VigilError('client.no_token', `no API token: ${path} does not exist`, { hint: 'pass --token or set VIGIL_TOKEN' });
      token = readFileSync(path, 'utf8').trim();
    }
    return new VigilClient({ baseUrl, token });
  }

  async request<T>(method: string, path: string, body?: unknown, headers: Readonly<Record<string, string>> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.options.baseUrl), {
        method,
        headers: { ...headers, authorization: `Bearer ${this.options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
      });
    } catch (error) {
      throw new VigilError('client.unreachable', `cannot reach Vigil at ${this.options.baseUrl}: ${error instanceof Error ? error.message : String(error)}`, { hint: 'is `vigil up` running?', cause: error });
    }
    const text = await response.text();
    const parsed = text === '' ? undefined : safeJson(text);
    if (!response.ok) {
      const problem = (parsed ?? {}) as { code?: string; message?: string; hint?: string };
      throw new VigilError(isErrorCode(problem.code) ? problem.code : httpErrorCode(response.status), problem.message ?? `HTTP ${response.status}`, problem.hint === undefined ? {} : { hint: problem.hint });
    }
    return (parsed ?? text) as T;
  }

  async health(): Promise<boolean> {
    try {
      const response = await fetch(new URL('/health', this.options.baseUrl), { signal: AbortSignal.timeout(2000) });
      return response.ok;
    } catch {
      return false;
    }
  }

  readonly accessKeys = {
    create: (description = '') => this.request<{ accessKeyId: string; secretAccessKey: string; description: string; createdAt: string }>('POST', '/api/v1/access-keys', { description }),
    list: () => this.request<{ accessKeys: Array<{ accessKeyId: string; description: string; createdAt: string }> }>('GET', '/api/v1/access-keys'),
    delete: (accessKeyId: string) => this.request<void>('DELETE', `/api/v1/access-keys/${encodeURIComponent(accessKeyId)}`),
  };
}

/** The code of an error answer that names none (AWS-style routes answer `{"message"}` only). */
function httpErrorCode(status: number): ErrorCode {
  const code = `http.${status}`;
  return isErrorCode(code) ? code : 'http.error';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
