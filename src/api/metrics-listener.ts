import { createServer, type Server } from 'node:http';
import { formatAuthority, parseListen } from '../config/index.js';
import type { Endpoint } from '../model/index.js';

/**
 * `GET /metrics` on a listener of its own, without authentication (`api.metrics.listen`; loopback
 * unless `allow_public`): what a Prometheus scraper beside Vigil reads. Everything else is 404.
 */
export interface MetricsListener {
  start(): Promise<Endpoint>;
  stop(): Promise<void>;
}

export function createMetricsListener(listen: string, render: () => string): MetricsListener {
  let server: Server | undefined;
  return {
    async start() {
      const { host, port } = parseListen(listen);
      const listening = createServer((request, response) => {
        const path = (request.url ?? '/').split('?')[0];
        if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
          response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('only GET /metrics is served here\n');
          return;
        }
        const body = render();
        response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        response.end(request.method === 'HEAD' ? undefined : body);
      });
      server = listening;
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(port, host, () => resolve());
      });
      const address = listening.address();
      const actual = typeof address === 'object' && address !== null ? address.port : port;
      const connect = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
      return { name: 'metrics', url: `http://${formatAuthority(connect, actual)}` };
    },
    async stop() {
      const listening = server;
      server = undefined;
      if (listening === undefined) return;
      await new Promise<void>((resolve) => {
        listening.close(() => resolve());
        listening.closeAllConnections();
      });
    },
  };
}
