import { readFileSync, statSync } from 'node:fs';
import { VigilError } from '../core/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { ClusterConfig } from './config.js';

/** What the cluster needs of NATS: fire-and-forget subjects with JSON bodies, and the connection for JetStream. */
export interface ClusterBus {
  readonly connection: import('@nats-io/transport-node').NatsConnection;
  publish(subject: string, body: unknown): void;
  /** Calls `handler` for every message on `subject` (wildcards allowed); returns the unsubscribe function. */
  subscribe(subject: string, handler: (body: unknown, subject: string) => void): () => void;
  /** True while connected to a NATS server (reconnects run in the background). */
  connected(): boolean;
  /** Calls `listener` after each reconnect (messages sent meanwhile were missed); returns the unsubscribe function. */
  onReconnect(listener: () => void): () => void;
  /** Waits until everything published so far reached the server. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Connects to NATS (the client library loads only in cluster mode) and keeps reconnecting for as long as the node runs. */
export async function connectBus(config: ClusterConfig, nodeId: string, telemetry: Telemetry): Promise<ClusterBus> {
  const nats = await import('@nats-io/transport-node');
  const authenticator = natsAuthenticator(config, nats);
  const tls = natsTls(config);
  let connection: Awaited<ReturnType<typeof nats.connect>>;
  try {
    connection = await nats.connect({
      servers: config.nats.urls,
      name: `vigil ${nodeId}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      waitOnFirstConnect: false,
      ...(authenticator === undefined ? {} : { authenticator }),
      ...(tls === undefined ? {} : { tls }),
    });
  } catch (error) {
    throw new VigilError('cluster.unavailable', `cannot reach NATS at ${config.nats.urls.join(', ')}: ${error instanceof Error ? error.message : String(error)}`, { hint: 'start the NATS servers of cluster.nats.urls, or check their credentials and TLS settings', cause: error });
  }
  let up = true;
  const reconnectListeners = new Set<() => void>();
  void (async () => {
    for await (const status of connection.status()) {
      if (status.type === 'disconnect') {
        up = false;
        telemetry.emit('cluster_link', { state: 'disconnected' }, { server: 'server' in status ? status.server : undefined });
      } else if (status.type === 'reconnect') {
        up = true;
        telemetry.emit('cluster_link', { state: 'reconnected' }, { server: 'server' in status ? status.server : undefined });
        for (const listener of [...reconnectListeners]) listener();
      }
    }
  })();
  telemetry.emit('cluster_link', { state: 'connected' }, { server: connection.getServer() });
  return {
    connection,
    publish(subject, body) {
      connection.publish(subject, encoder.encode(JSON.stringify(body)));
    },
    subscribe(subject, handler) {
      const subscription = connection.subscribe(subject, {
        callback: (error, message) => {
          if (error !== null) return void telemetry.emit('component_error', { component: 'cluster', code: 'cluster.relay_failed', stage: 'subscribe' }, { err: error, subject });
          let body: unknown;
          try {
            body = JSON.parse(decoder.decode(message.data));
          } catch (parseError) {
            return void telemetry.emit('component_error', { component: 'cluster', code: 'cluster.relay_failed', stage: 'decode' }, { err: parseError, subject: message.subject });
          }
          handler(body, message.subject);
        },
      });
      return () => subscription.unsubscribe();
    },
    connected: () => up && !connection.isClosed(),
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => void reconnectListeners.delete(listener);
    },
    flush: () => connection.flush(),
    async close() {
      if (!connection.isClosed()) await connection.drain().catch(() => connection.close());
    },
  };
}

type NatsModule = typeof import('@nats-io/transport-node');

function natsAuthenticator(config: ClusterConfig, nats: NatsModule) {
  const { credentials_file: creds, token_file: token, user, password_file: password } = config.nats;
  if (creds !== '') return nats.credsAuthenticator(secretFile(creds, 'cluster.nats.credentials_file'));
  if (token !== '') return nats.tokenAuthenticator(decoder.decode(secretFile(token, 'cluster.nats.token_file')).trim());
  if (user !== '') return nats.usernamePasswordAuthenticator(user, password === '' ? undefined : decoder.decode(secretFile(password, 'cluster.nats.password_file')).trim());
  return undefined;
}

function natsTls(config: ClusterConfig): { caFile?: string; certFile?: string; keyFile?: string } | undefined {
  const { tls_ca_file: ca, tls_cert_file: cert, tls_key_file: key } = config.nats;
  if (ca === '' && cert === '' && key === '') return undefined;
  return { ...(ca === '' ? {} : { caFile: ca }), ...(cert === '' ? {} : { certFile: cert }), ...(key === '' ? {} : { keyFile: key }) };
}

/** Reads a secret file, refusing one that others may read (secrets are 0600). */
export function secretFile(path: string, key: string): Uint8Array {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (error) {
    throw new VigilError('cluster.secret_key', `${key}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { hint: 'create the file (mode 0600) or fix the path in the config file' });
  }
  if ((mode & 0o077) !== 0) throw new VigilError('cluster.secret_key', `${key}: ${path} may be read by other users (mode ${(mode & 0o777).toString(8)})`, { hint: `chmod 600 ${path}` });
  return new Uint8Array(readFileSync(path));
}
