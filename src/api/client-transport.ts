import { request as httpRequest, type ClientRequestArgs, type IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { pipeline } from 'node:stream/promises';
import type { Duplex, Writable } from 'node:stream';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect, rootCertificates, type TLSSocket } from 'node:tls';
import { VigilError } from '../core/index.js';

/** How the client trusts an HTTPS server: extra CAs on top of the system's, or one pinned certificate. */
export interface ClientTls {
  /** PEM CA certificates trusted besides the system roots (Vigil's built-in CA). */
  readonly ca?: readonly string[];
  /** SHA-256 fingerprint of the server certificate (hex, colons optional): when set, that certificate and no other is accepted. */
  readonly fingerprint?: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: Buffer;
}

/** One HTTP(S) request with a buffered answer. With a pinned fingerprint, nothing is sent before the certificate matched. */
export function sendRequest(url: URL, init: { method: string; headers: Record<string, string>; body?: Buffer; timeoutMs: number; tls?: ClientTls; sink?: Writable }): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const https = url.protocol === 'https:';
    const pin = init.tls?.fingerprint === undefined ? undefined : normalizeFingerprint(init.tls.fingerprint);
    const common = {
      method: init.method,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port === '' ? (https ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      headers: { ...init.headers, ...(init.body === undefined ? {} : { 'content-length': String(init.body.length) }) },
    };
    const fail = (error: Error): void => {
      reject(error);
      setImmediate(() => request.destroy());
    };
    const onResponse = (response: IncomingMessage): void => {
      const status = response.statusCode ?? 0;
      if (init.sink !== undefined && status >= 200 && status < 300) {
        // Streamed: an answer cut short (the server failed midway) rejects here.
        pipeline(response, init.sink).then(() => resolve({ status, body: Buffer.alloc(0) }), reject);
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    };
    const request = !https
      ? httpRequest({ ...common, agent: false }, onResponse)
      : httpsRequest(
          {
            ...common,
            ...(pin === undefined
              ? { ca: [...rootCertificates, ...(init.tls?.ca ?? [])], agent: false }
              : {
                  // No agent: an agent would open its own connection and ignore createConnection.
                  // The chain is not checked, the pinned certificate is: verified before the request is written.
                  createConnection: (_options: ClientRequestArgs, done: (error: Error | null, socket: Duplex) => void) => {
                    const socket: TLSSocket = tlsConnect({ host: common.hostname, port: common.port, ...(isIP(common.hostname) === 0 ? { servername: common.hostname } : {}), rejectUnauthorized: false });
                    socket.once('secureConnect', () => {
                      const presented = socket.getPeerCertificate().fingerprint256 ?? '(none)';
                      if (normalizeFingerprint(presented) === pin) {
                        done(null, socket);
                        return;
                      }
                      socket.destroy();
                      fail(new VigilError('client.tls_fingerprint_mismatch', `the server's certificate has SHA-256 fingerprint ${presented}, not the one expected`, { hint: 'compare with the fingerprint `vigil up` printed; if the certificate changed on purpose, pass the new one' }));
                    });
                    socket.once('error', (error) => fail(error));
                    return undefined;
                  },
                }),
          },
          onResponse,
        );
    request.setTimeout(init.timeoutMs, () => request.destroy(new Error(`no answer within ${init.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(init.body);
  });
}

/** `AB:CD:…` or `abcd…` → `ABCD…`. */
export function normalizeFingerprint(text: string): string {
  return text.replace(/^sha256[:=]/i, '').replace(/[^0-9a-f]/gi, '').toUpperCase();
}
