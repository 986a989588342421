import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { VigilError, err, ok, type Clock, type Timer, type TimerHandle } from '../core/index.js';
import { formatAuthority, parseListen } from '../config/index.js';
import type { BrokerRemote, ClusteredBroker, Component, ConnectionHistoryStore, DatapointSink, DeviceAuth, DisconnectReason, Endpoint, MqttPublisher, RegistryChange, RulesSink, ServerCredentials } from '../model/index.js';
import { protocolLimits, type MetricReport } from '../protocol/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { BrokerCore } from './broker/broker.js';
import { messageOf, type Message, type MessageProperties } from './broker/message.js';
import { BrokerHooks, isUndeliverable } from './broker-hooks.js';
import type { RemoteLink } from './broker/hooks.js';
import type { IngressConfig } from './config.js';
import type { Connection } from './connection.js';
import { ConnectionLimiter } from './connection-limiter.js';
import { ReportHandler } from './report-handler.js';

export interface IngressOptions {
  readonly config: IngressConfig;
  readonly deviceAuth: DeviceAuth;
  readonly server: ServerCredentials;
  readonly rules: RulesSink;
  readonly datapoints: DatapointSink<MetricReport>;
  readonly history: ConnectionHistoryStore;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
}

/** The MQTT broker as a component; its `publisher` is the `MqttPublisher` rules and notify use. */
export interface Ingress extends Component {
  readonly publisher: MqttPublisher;
  /** `mqtt` → `mqtts://host:port` (valid after start). */
  endpoint(): Endpoint;
  /** `mqtt_plain` → `mqtt://host:port`, when `plain_listen` is set. */
  plainEndpoint(): Endpoint | undefined;
  /** Live authenticated connections. */
  connections(): readonly Connection[];
  /** Resolves once background writes (connection history) started so far have finished. */
  settled(): Promise<void>;
  /** Closes the live connections of a thing (bound thing or client id) with `reason`; returns how many. */
  disconnect(thingName: string, reason: DisconnectReason): number;
  /** Cluster mode: the broker as one of several (src/cluster/mqtt-bridge.ts drives it). */
  readonly clustered: ClusteredBroker;
}

const EXPIRY_INTERVAL_MS = 6 * 3_600_000;
/** Topic aliases a client may set (client → server), as AWS IoT Core allows (8). */
const TOPIC_ALIAS_MAXIMUM = 8;
const DAY_MS = 86_400_000;

export function createIngress(options: IngressOptions): Ingress {
  const { config, clock, telemetry } = options;
  const plainSockets = new WeakSet<object>();
  const pending = new Set<Promise<unknown>>();
  let broker: BrokerCore | undefined;
  let tlsServer: TlsServer | undefined;
  /** Accepts TCP for the TLS server, so refused sockets never reach TLS at all. */
  let frontServer: NetServer | undefined;
  const sockets = new Set<Socket>();
  let plainServer: NetServer | undefined;
  let bound: Endpoint | undefined;
  let plainBound: Endpoint | undefined;
  let unsubscribe: (() => void) | undefined;
  let expiry: TimerHandle | undefined;
  let stopping: Promise<void> | undefined;
  let remote: BrokerRemote | undefined;
  /** Retained messages the cluster read before the broker started. */
  const earlyRetained: Message[] = [];

  function track(work: Promise<unknown>, stage: string): void {
    const tracked = work.catch((error: unknown) => telemetry.emit('component_error', { component: 'ingress', code: `ingress.${stage}_failed`, stage }, { err: error })).finally(() => pending.delete(tracked));
    pending.add(tracked);
  }

  function brokerPublish(topic: string, payload: Uint8Array, qos: 0 | 1, properties: MessageProperties = {}): Error | undefined {
    if (broker === undefined || broker.stopped) return new Error('the broker is not running');
    const buffer = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    broker.publish(messageOf({ topic, payload: buffer, qos, retain: false, properties }, clock.now()), undefined);
    return undefined;
  }

  const limiter = new ConnectionLimiter(
    {
      maxConnections: config.max_connections,
      maxPending: config.max_pending_connections,
      maxPendingPerIp: config.max_pending_per_ip,
      maxPerIp: config.max_connects_per_ip,
      windowMs: config.connect_window_secs * 1000,
      trustMs: config.trusted_source_secs * 1000,
      exempt: config.limit_exempt_cidrs,
      maxWaiting: config.max_waiting_connections,
      maxWaitMs: config.max_wait_secs * 1000,
    },
    clock,
    (limit) => telemetry.count('mqtt_limit_hit', { limit }),
  );

  const reports = new ReportHandler({ limits: protocolLimits(config.reports), clock, sink: options.datapoints, telemetry });
  const hooks = new BrokerHooks({
    deviceAuth: options.deviceAuth,
    rules: options.rules,
    datapoints: options.datapoints,
    history: options.history,
    reports,
    clock,
    telemetry,
    maxPayloadBytes: config.max_payload_bytes,
    isPlain: (socket) => typeof socket === 'object' && socket !== null && plainSockets.has(socket),
    onAuthenticated: (socket, device) => limiter.authenticated(socket, device),
    publish: (topic, payload, qos, properties) => {
      const error = brokerPublish(topic, payload, qos, properties);
      if (error !== undefined) telemetry.emit('component_error', { component: 'ingress', code: 'ingress.publish_failed', stage: 'answer' }, { err: error, topic });
    },
    track,
    claim: (clientId, clean) => remote?.claim(clientId, clean),
  });

  /** What the broker core reports to the cluster: report and basic-ingest topics never reach a subscriber, so they stay here. */
  function remoteLink(target: BrokerRemote | undefined): RemoteLink | undefined {
    if (target === undefined) return undefined;
    return {
      published: (message) => {
        if (!isUndeliverable(message.topic)) target.published(message);
      },
      interest: (filter, on) => target.interest(filter, on),
    };
  }

  const clustered: ClusteredBroker = {
    attach(target) {
      remote = target;
      if (broker !== undefined) broker.remote = remoteLink(target);
    },
    deliverRemote(message) {
      if (broker !== undefined && !broker.stopped) broker.deliverRemote(message);
    },
    deliverShared(filter, message) {
      if (broker !== undefined && !broker.stopped) broker.deliverShared(filter, message);
    },
    retain(message) {
      if (broker === undefined) earlyRetained.push(message);
      else broker.retain(message);
    },
    release(clientId) {
      const carried = broker?.release(clientId);
      if (carried === undefined) return undefined;
      return { subscriptions: carried.subscriptions.map(([filter, o]) => ({ filter, ...o })), queued: carried.queued };
    },
    adopt(clientId, session) {
      broker?.adopt(
        clientId,
        session.subscriptions.map(({ filter, ...options }) => [filter, options]),
        session.queued,
      );
    },
  };


  /** Hands an admitted socket to the broker core (which caps packet sizes as the length is parsed). */
  function accept(socket: Socket | TLSSocket): void {
    if (broker === undefined || broker.stopped) return void socket.destroy();
    broker.handle(socket);
  }

  function close(connection: Connection, reason: DisconnectReason): void {
    hooks.disconnect(connection, reason);
  }

  /** Certificate/CA status changes close at once; other changes re-check `iot:Connect` of the affected connections. */
  function onRegistryChange(change: RegistryChange): void {
    hooks.generation++;
    const all = [...hooks.connections.values()];
    for (const connection of all) {
      connection.receive.clear();
      connection.publish.clear();
    }
    switch (change.kind) {
      case 'certificate_status':
        if (change.status !== 'ACTIVE') for (const c of all) if (c.certificateId === change.certificateId) close(c, 'CREDENTIALS_REVOKED');
        return;
      case 'ca_status':
        void refreshTrustedCas();
        if (change.status !== 'ACTIVE') for (const c of all) if (c.caCertificateId === change.caCertificateId) close(c, 'CREDENTIALS_REVOKED');
        return;
      case 'attachment':
        return void recheck(all.filter((c) => (change.certificateId === undefined || c.certificateId === change.certificateId) && (change.thingName === undefined || c.name === change.thingName)));
      case 'membership':
      case 'thing':
        return void recheck(change.thingName === undefined ? all : all.filter((c) => c.name === change.thingName || c.clientId === change.thingName));
      case 'policy':
        return void recheck(all);
      case 'resync':
        void refreshTrustedCas();
        return void recheck(all);
    }
  }

  async function recheck(connections: readonly Connection[]): Promise<void> {
    for (const connection of connections) {
      if (connection.authorizer === undefined || connection.client.closed) continue;
      try {
        if (!(await connection.authorizer.canConnect())) {
          hooks.authorizationFailure(connection, 'connect', undefined);
          close(connection, 'CREDENTIALS_REVOKED');
        }
      } catch (error) {
        telemetry.emit('component_error', { component: 'ingress', code: 'ingress.recheck_failed', stage: 'registry_change' }, { err: error });
      }
    }
  }

  async function refreshTrustedCas(): Promise<void> {
    try {
      const ca = await options.server.trustedCaPems();
      tlsServer?.setSecureContext(tlsContext(ca));
    } catch (error) {
      telemetry.emit('component_error', { component: 'ingress', code: 'ingress.tls_refresh_failed', stage: 'registry_change' }, { err: error });
    }
  }

  function tlsContext(ca: string[]) {
    return { key: options.server.privateKeyPem, cert: options.server.certificatePem, ca: ca.length === 0 ? [options.server.caPem] : ca };
  }

  function expire(): void {
    track(options.history.expire(clock.now() - config.history_retention_days * DAY_MS), 'history');
  }

  const publisher: MqttPublisher = {
    async publish(topic, payload, publishOptions) {
      if (broker === undefined || broker.stopped) return err(new VigilError('mqtt.unavailable', `publish to ${topic} failed: the broker is not running`));
      const buffer = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
      const settled = broker.publish(messageOf({ topic, payload: buffer, qos: publishOptions.qos, retain: false, properties: {} }, clock.now()), undefined);
      if (publishOptions.awaitRules === true) await settled;
      return ok(undefined);
    },
  };

  return {
    name: 'ingress',
    publisher,
    endpoint() {
      if (bound === undefined) throw new VigilError('internal.not_started', 'the MQTT broker has not started');
      return bound;
    },
    plainEndpoint: () => plainBound,
    clustered,
    connections: () => [...hooks.connections.values()],
    disconnect(thingName, reason) {
      const matching = [...hooks.connections.values()].filter((c) => c.name === thingName || c.clientId === thingName);
      for (const connection of matching) close(connection, reason);
      return matching.length;
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },

    async start() {
      const now = clock.now();
      await options.history.closeAllOpen(now, 'SERVER_SHUTDOWN');
      expire();
      broker = new BrokerCore({
        hooks,
        clock,
        timer: options.timer,
        // The fixed header's remaining length includes the topic, packet id and v5 properties; allow for them.
        maxRemainingLength: config.max_payload_bytes + 65_541,
        connectTimeoutMs: config.connect_timeout_secs * 1000,
        keepalive: { min: config.keepalive_min_secs, max: config.keepalive_max_secs },
        receiveMaximum: config.max_inflight_messages,
        maxQueued: config.max_inflight_messages,
        maxSessionExpirySecs: config.max_session_expiry_secs,
        topicAliasMaximum: TOPIC_ALIAS_MAXIMUM,
        onLimit: (limit) => telemetry.count('mqtt_limit_hit', { limit }),
      });
      hooks.broker = broker;
      broker.remote = remoteLink(remote);
      for (const message of earlyRetained.splice(0)) broker.retain(message);

      const server = createTlsServer({ ...tlsContext(await options.server.trustedCaPems()), requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2', handshakeTimeout: config.tls_handshake_timeout_secs * 1000 }, accept);
      const front = createNetServer((socket) => {
        // MQTT is small request/answer packets: Nagle's delay would hold each answer ~40 ms.
        socket.setNoDelay(true);
        // Admitted sockets start TLS at once, or once a pending slot is free (they wait untouched until then).
        if (!limiter.admit(socket, (admitted) => server.emit('connection', admitted))) return;
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      });
      server.on('tlsClientError', (error: Error & { code?: string }, socket: TLSSocket) => {
        // Node reports a failed or timed-out handshake here but leaves the socket open: close it.
        socket.destroy();
        if (error.code === 'ERR_TLS_HANDSHAKE_TIMEOUT') telemetry.count('mqtt_limit_hit', { limit: 'tls_handshake_timeout' });
        else telemetry.count('mqtt_connect_refused', { reason: 'tls_handshake' });
      });
      tlsServer = server;
      frontServer = front;
      bound = { name: 'mqtt', url: `mqtts://${await listen(front, config.listen)}` };
      telemetry.emit('server_started', { component: 'mqtt' }, { url: bound.url });

      if (config.plain_listen !== undefined) {
        const plain = createNetServer((socket) => {
          plainSockets.add(socket);
          socket.setNoDelay(true);
          if (!limiter.admit(socket, accept)) return;
          sockets.add(socket);
          socket.once('close', () => sockets.delete(socket));
        });
        plainServer = plain;
        plainBound = { name: 'mqtt_plain', url: `mqtt://${await listen(plain, config.plain_listen)}` };
        telemetry.emit('server_started', { component: 'mqtt_plain' }, { url: plainBound.url, warning: 'plain MQTT: clients are anonymous and may do anything' });
      }
      unsubscribe = options.deviceAuth.events.subscribe(onRegistryChange);
      expiry = options.timer.setInterval(expire, EXPIRY_INTERVAL_MS);
    },

    stop() {
      stopping ??= (async () => {
        hooks.stopping = true;
        unsubscribe?.();
        expiry?.cancel();
        const closing = [frontServer, plainServer].filter((s): s is NetServer => s !== undefined).map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
        await broker?.close();
        // Connections still in their TLS handshake are not the broker's yet.
        for (const socket of sockets) socket.destroy();
        await Promise.all(closing);
        while (pending.size > 0) await Promise.all([...pending]);
        if (bound !== undefined) telemetry.emit('server_stopped', { component: 'mqtt' }, {});
      })();
      return stopping;
    },
  };
}

async function listen(server: NetServer, address: string): Promise<string> {
  const { host, port } = parseListen(address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  // A wildcard bind is reachable through loopback; endpoints.json names that.
  const connectHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return formatAuthority(connectHost, actual);
}
