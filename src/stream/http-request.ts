import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Timer } from '../core/index.js';

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A failed exchange: `code` is Node's error code (ECONNREFUSED, ECONNRESET, ETIMEDOUT, a TLS code…). */
export interface TransportError {
  readonly code: string;
  readonly message: string;
}

export type Exchange = { readonly ok: true; readonly response: HttpResponse } | { readonly ok: false; readonly error: TransportError };

/** A keep-alive HTTP(S) client for one destination, with an optional custom CA (PEM file). */
export class HttpClient {
  private readonly agent: http.Agent;
  private readonly secure: boolean;

  constructor(private readonly base: URL, private readonly timer: Timer, options: { caFile?: string | undefined; maxSockets?: number } = {}) {
    this.secure = base.protocol === 'https:';
    const common = { keepAlive: true, maxSockets: options.maxSockets ?? 32 };
    this.agent = this.secure
      ? new https.Agent({ ...common, ...(options.caFile === undefined || options.caFile === '' ? {} : { ca: readFileSync(options.caFile) }) })
      : new http.Agent(common);
  }

  request(method: string, path: string, headers: Record<string, string>, body: Buffer | undefined, timeoutMs: number, signal?: AbortSignal): Promise<Exchange> {
    const url = new URL(path, this.base);
    const transport = this.secure ? https : http;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result: Exchange): void => {
        if (settled) return;
        settled = true;
        timeout.cancel();
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const request = transport.request(url, { method, agent: this.agent, headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(body.length) }) } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => finish({ ok: true, response: { status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) } }));
        response.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, error: { code: error.code ?? 'ECONNRESET', message: error.message } }));
      });
      const timeout = this.timer.setTimeout(() => {
        request.destroy();
        finish({ ok: false, error: { code: 'ETIMEDOUT', message: `no response within ${timeoutMs} ms` } });
      }, timeoutMs);
      const onAbort = (): void => {
        request.destroy();
        finish({ ok: false, error: { code: 'ABORTED', message: 'delivery aborted (stream stopping)' } });
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, error: { code: error.code ?? 'ECONNRESET', message: error.message } }));
      request.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
