import { createWriteStream, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { VigilError, isErrorCode, type ErrorCode } from '../core/index.js';
import { dataDirLayout } from '../store/index.js';
import { sendRequest, type ClientTls } from './client-transport.js';

export interface ClientOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly timeoutMs?: number;
  /** Trust for an https baseUrl (Vigil's built-in CA, a pinned fingerprint); the system roots always count. */
  readonly tls?: ClientTls;
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

  /**
   * A client for the server running on `dataDir` (from run/endpoints.json and secrets/admin-token).
   * Over HTTPS it trusts the system roots, the data directory's built-in CA (secrets/ca.pem) and
   * `caPem`, or exactly the certificate with `fingerprint`.
   */
  static forDataDir(dataDir: string, overrides: { server?: string | undefined; token?: string | undefined; caPem?: string | undefined; fingerprint?: string | undefined } = {}): VigilClient {
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
    const builtInCa = join(layout.secretsDir, 'ca.pem');
    const ca = [...(existsSync(builtInCa) ? [readFileSync(builtInCa, 'utf8')] : []), ...(overrides.caPem === undefined ? [] : [overrides.caPem])];
    return new VigilClient({ baseUrl, token, tls: { ca, ...(overrides.fingerprint === undefined || overrides.fingerprint === '' ? {} : { fingerprint: overrides.fingerprint }) } });
  }

  async request<T>(method: string, path: string, body?: unknown, headers: Readonly<Record<string, string>> = {}): Promise<T> {
    let response: { status: number; body: Buffer };
    try {
      response = await sendRequest(new URL(path, this.options.baseUrl), {
        method,
        headers: { ...headers, authorization: `Bearer ${this.options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: Buffer.from(JSON.stringify(body)) }),
        timeoutMs: this.options.timeoutMs ?? 60_000,
        ...(this.options.tls === undefined ? {} : { tls: this.options.tls }),
      });
    } catch (error) {
      if (error instanceof VigilError) throw error;
      throw new VigilError('client.unreachable', `cannot reach Vigil at ${this.options.baseUrl}: ${error instanceof Error ? error.message : String(error)}`, { hint: 'is `vigil up` running?', cause: error });
    }
    const text = response.body.toString('utf8');
    const parsed = text === '' ? undefined : safeJson(text);
    if (response.status < 200 || response.status > 299) {
      const problem = (parsed ?? {}) as { code?: string; message?: string; hint?: string };
      throw new VigilError(isErrorCode(problem.code) ? problem.code : httpErrorCode(response.status), problem.message ?? `HTTP ${response.status}`, problem.hint === undefined ? {} : { hint: problem.hint });
    }
    return (parsed ?? text) as T;
  }

  /**
   * Streams a route's answer into `file` (mode 0600, written as `<file>.partial` and renamed when
   * complete): the same authentication and trust as `request`. For backups, which hold secrets.
   */
  async downloadToFile(method: string, path: string, file: string, timeoutMs = 6 * 3_600_000): Promise<void> {
    const partial = `${file}.partial`;
    const out = createWriteStream(partial, { mode: 0o600, flags: 'w' });
    let response: { status: number; body: Buffer };
    try {
      response = await sendRequest(new URL(path, this.options.baseUrl), { method, headers: { authorization: `Bearer ${this.options.token}` }, timeoutMs, sink: out, ...(this.options.tls === undefined ? {} : { tls: this.options.tls }) });
    } catch (error) {
      out.destroy();
      rmSync(partial, { force: true });
      if (error instanceof VigilError) throw error;
      throw new VigilError('client.transfer_failed', `the transfer from ${this.options.baseUrl}${path} failed: ${error instanceof Error ? error.message : String(error)}`, { hint: 'see the server log for why; nothing was kept', cause: error });
    }
    if (response.status < 200 || response.status > 299) {
      out.destroy();
      rmSync(partial, { force: true });
      const problem = (safeJson(response.body.toString('utf8')) ?? {}) as { code?: string; message?: string; hint?: string };
      throw new VigilError(isErrorCode(problem.code) ? problem.code : httpErrorCode(response.status), problem.message ?? `HTTP ${response.status}`, problem.hint === undefined ? {} : { hint: problem.hint });
    }
    renameSync(partial, file);
  }

  async health(): Promise<boolean> {
    try {
      const response = await sendRequest(new URL('/health', this.options.baseUrl), { method: 'GET', headers: {}, timeoutMs: 2000, ...(this.options.tls === undefined ? {} : { tls: this.options.tls }) });
      return response.status === 200;
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
