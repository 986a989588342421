import type { TLSSocket } from 'node:tls';
import type { Aedes, AedesPublishPacket, AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import { newId, type Clock } from '../core/index.js';
import type { CloudCountMetric, ConnectionHistoryStore, DatapointSink, DeviceAuth, DisconnectReason, MqttMessage, RulesSink } from '../model/index.js';
import { parseDefenderTopic, type MetricReport } from '../protocol/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { inferredReason, DECISION_CACHE_MAX, type Connection } from './connection.js';
import { sourceIpOf } from './connection-limiter.js';
import type { ReportHandler } from './report-handler.js';

export interface HookDeps {
  readonly deviceAuth: DeviceAuth;
  readonly rules: RulesSink;
  readonly datapoints: DatapointSink<MetricReport>;
  readonly history: ConnectionHistoryStore;
  readonly reports: ReportHandler;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  readonly maxPayloadBytes: number;
  readonly keepalive: { readonly min: number; readonly max: number };
  /** Sockets accepted on the plain listener (anonymous clients). */
  isPlain(socket: unknown): boolean;
  /** A connection passed authentication (`device`: by a certificate, not on the plain listener). */
  onAuthenticated(socket: { readonly remoteAddress?: string | undefined; readonly remotePort?: number | undefined }, device: boolean): void;
  /** Publishes as the broker (answers on `/accepted` and `/rejected`). */
  publish(topic: string, payload: Uint8Array, qos: 0 | 1): void;
  /** Tracks a background write so `stop()` can wait for it. */
  track(work: Promise<unknown>, stage: string): void;
}

type RefusalReason = 'no_certificate' | 'unregistered_certificate' | 'certificate_inactive' | 'ca_inactive' | 'connect_denied' | 'will_denied';

class Refused extends Error {
  constructor(
    readonly reason: RefusalReason,
    readonly why?: string,
  ) {
    super(`not authorized: ${reason.replace(/_/g, ' ')}`);
  }
}

const RULES_PREFIX = '$aws/rules/';
const THINGS_PREFIX = '$aws/things/';

/** A report topic (publish-only) or a basic-ingest topic: never delivered to subscribers. */
function isUndeliverable(topic: string): boolean {
  if (topic.startsWith(RULES_PREFIX)) return true;
  return topic.startsWith(THINGS_PREFIX) && parseDefenderTopic(topic)?.kind === 'report';
}

/**
 * The Aedes hooks: authentication by certificate and `iot:Connect`, per-request policy checks
 * (Publish, RetainPublish, Subscribe, Receive), the reserved report topics, cloud-side datapoints,
 * connection history, and the hand-off of every accepted publish to the rules sink.
 */
export class BrokerHooks {
  readonly connections = new Map<Client, Connection>();
  private readonly lastDisconnect = new Map<string, number>();
  /** Connections set up by the broker (`ready`), for the connected-clients gauge. */
  private readyConnections = 0;
  broker: Aedes | undefined;
  stopping = false;
  /** Bumped on every registry change; a decision that started before a bump is not cached. */
  generation = 0;

  /** Authenticated connections Aedes has not finished setting up, to be closed once it has. */
  private readonly closeWhenReady = new WeakSet<Connection>();

  constructor(private readonly deps: HookDeps) {}

  /**
   * Closes a connection on purpose. Between a successful authenticate and `clientReady`, Aedes is
   * still setting the client up (persistence, registration, CONNACK): a close then would leave it
   * registered in the broker without a `clientDisconnect`, so it is closed as soon as it is ready.
   */
  disconnect(connection: Connection, reason: DisconnectReason): void {
    connection.closeReason ??= reason;
    if (connection.ready) connection.client.close();
    else this.closeWhenReady.add(connection);
  }

  preConnect = (_client: Client, packet: { keepalive: number }, callback: (error: Error | null, success: boolean) => void): void => {
    // IoT Core's bounds: 0 ("no keepalive") and anything above the maximum become the maximum.
    const { min, max } = this.deps.keepalive;
    if (packet.keepalive === 0 || packet.keepalive > max) packet.keepalive = max;
    else if (packet.keepalive < min) packet.keepalive = min;
    callback(null, true);
  };

  authenticate = (client: Client, _username: unknown, _password: unknown, done: (error: AuthenticateError | null, success: boolean | null) => void): void => {
    this.authenticateAsync(client).then(
      () => {
        const socket = client.conn as TLSSocket;
        this.deps.onAuthenticated(socket, !this.deps.isPlain(socket));
        done(null, true);
      },
      (error: unknown) => {
        const reason = error instanceof Refused ? error.reason : 'error';
        this.deps.telemetry.emit('mqtt_connect_refused', { reason }, { clientId: client.id, ip: sourceIpOf(client.conn as TLSSocket), why: error instanceof Refused ? error.why : undefined });
        if (!(error instanceof Refused)) this.deps.telemetry.emit('component_error', { component: 'ingress', code: 'ingress.authenticate_failed', stage: 'connect' }, { err: error });
        done(Object.assign(new Error(error instanceof Error ? error.message : 'not authorized'), { returnCode: 5 }) as AuthenticateError, false);
      },
    );
  };

  private async authenticateAsync(client: Client): Promise<void> {
    const now = this.deps.clock.now();
    const clientId = client.id;
    const socket = client.conn as TLSSocket;
    const sourceIp = sourceIpOf(socket);
    const base = { connectionId: newId(), client, clientId, sourceIp, connectedAt: now, receive: new Map<string, boolean>(), publish: new Map<string, boolean>(), closeReason: undefined, ready: false };
    if (this.deps.isPlain(socket)) {
      this.takeOver(clientId);
      this.connections.set(client, { ...base, name: clientId, registered: false, certificateId: undefined, caCertificateId: undefined, authorizer: undefined });
      return;
    }
    let name = clientId;
    let registered = false;
    // A registry change reaches only the connections already in `connections`: one that arrives while
    // this client is being checked must be applied to it here, or a revocation or a denied iot:Connect
    // would be missed for as long as the connection lasts.
    let checkedAt = this.generation;
    try {
      const der = socket.getPeerCertificate?.(false)?.raw;
      if (der === undefined || der.length === 0) throw new Refused('no_certificate');
      const identity = await this.deps.deviceAuth.authenticate(new Uint8Array(der.buffer, der.byteOffset, der.byteLength));
      if (identity === undefined) throw new Refused('unregistered_certificate');
      if (identity.status !== 'ACTIVE') throw new Refused('certificate_inactive');
      if (identity.caStatus !== 'ACTIVE') throw new Refused('ca_inactive');
      const will = (client as unknown as { _will?: { topic: string; retain?: boolean } | null })._will ?? undefined;
      const connectAttributes = [...(client.clean ? [] : ['PersistentConnect']), ...(will === undefined ? [] : ['LastWill'])];
      const authorizer = await this.deps.deviceAuth.openConnection({ certificateId: identity.certificateId, clientId, sourceIp, connectAttributes, lastWillTopic: will?.topic });
      name = authorizer.thingName ?? clientId;
      registered = authorizer.thingName !== undefined;
      const connection: Connection = { ...base, name, registered, certificateId: identity.certificateId, caCertificateId: identity.caCertificateId, authorizer };
      for (;;) {
        if (!(await authorizer.canConnect())) {
          this.authorizationFailure(connection, 'connect', undefined);
          authorizer.close();
          throw new Refused('connect_denied', authorizer.lastDenial);
        }
        if (will !== undefined && !(await authorizer.canPublish(will.topic, will.retain === true))) {
          this.authorizationFailure(connection, 'publish', will.topic);
          authorizer.close();
          throw new Refused('will_denied', authorizer.lastDenial);
        }
        // No change since the checks began: the decisions stand, and later changes find the connection.
        if (this.generation === checkedAt) break;
        // The authorizer reloads on a new generation; its `active` covers certificate and CA status.
        checkedAt = this.generation;
      }
      this.takeOver(clientId);
      this.connections.set(client, connection);
    } finally {
      this.cloud(name, registered, 'aws:num-connection-attempts', 1, now);
    }
  }

  /** MQTT-3.1.4-2: the broker closes the older connection with the same client id (audit: conflicting client ids). */
  private takeOver(clientId: string): void {
    const existing = (this.broker as unknown as { clients?: Record<string, Client | undefined> } | undefined)?.clients?.[clientId];
    const connection = existing === undefined ? undefined : this.connections.get(existing);
    if (connection !== undefined) connection.closeReason ??= 'DUPLICATE_CLIENTID';
  }

  onClientReady = (client: Client): void => {
    const connection = this.connections.get(client);
    if (connection === undefined) return;
    connection.ready = true;
    if (this.closeWhenReady.has(connection)) {
      // Ready first, so the connection is recorded (history, datapoints) like any other that ends.
      queueMicrotask(() => connection.client.close());
    }
    const { clock, telemetry } = this.deps;
    const now = clock.now();
    telemetry.setGauge('mqtt_connected_clients', {}, ++this.readyConnections);
    telemetry.emit('mqtt_client_connected', { listener: connection.certificateId === undefined ? 'plain' : 'tls' }, { clientId: connection.clientId, thing: connection.registered ? connection.name : undefined, ip: connection.sourceIp });
    if (connection.sourceIp !== undefined) this.deps.datapoints.cloud({ metric: 'aws:source-ip-address', thingName: connection.name, registered: connection.registered, timestamp: now, value: connection.sourceIp });
    const lastDown = this.lastDisconnect.get(connection.name);
    if (lastDown !== undefined) {
      this.lastDisconnect.delete(connection.name);
      this.cloud(connection.name, connection.registered, 'aws:disconnect-duration', Math.max(0, Math.round((now - lastDown) / 1000)), now);
    }
    if (connection.certificateId !== undefined) {
      this.deps.track(
        this.deps.history.opened({ connectionId: connection.connectionId, clientId: connection.clientId, thingName: connection.registered ? connection.name : undefined, certificateId: connection.certificateId, sourceIp: connection.sourceIp, connectedAt: connection.connectedAt }),
        'history',
      );
    }
  };

  onKeepaliveTimeout = (client: Client): void => {
    const connection = this.connections.get(client);
    if (connection !== undefined) connection.closeReason ??= 'MQTT_KEEP_ALIVE_TIMEOUT';
  };

  onClientError = (client: Client): void => {
    const connection = this.connections.get(client);
    if (connection !== undefined) connection.closeReason ??= 'CLIENT_ERROR';
  };

  onClientDisconnect = (client: Client): void => {
    const connection = this.connections.get(client);
    if (connection === undefined) return;
    this.connections.delete(client);
    if (connection.ready) this.deps.telemetry.setGauge('mqtt_connected_clients', {}, --this.readyConnections);
    connection.authorizer?.close();
    const now = this.deps.clock.now();
    const reason = connection.closeReason ?? (this.stopping ? 'SERVER_SHUTDOWN' : inferredReason(client, false));
    this.deps.telemetry.emit('mqtt_client_disconnected', { reason }, { clientId: connection.clientId });
    this.cloud(connection.name, connection.registered, 'aws:num-disconnects', 1, now);
    this.lastDisconnect.set(connection.name, now);
    if (connection.certificateId !== undefined) this.deps.track(this.deps.history.closed(connection.connectionId, now, reason), 'history');
  };

  authorizePublish = (client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void): void => {
    const connection = client === null ? undefined : this.connections.get(client);
    if (connection === undefined) return callback(new Error('not connected'));
    const payload = packet.payload as Buffer;
    if (payload.length > this.deps.maxPayloadBytes) {
      this.deps.telemetry.count('mqtt_limit_hit', { limit: 'max_payload' });
      connection.closeReason = 'CLIENT_ERROR';
      return callback(new Error('payload too large'));
    }
    const topic = packet.topic;
    const defender = topic.startsWith(THINGS_PREFIX) ? parseDefenderTopic(topic) : undefined;
    const finish = (ok: boolean): void => {
      if (!ok) {
        this.authorizationFailure(connection, 'publish', topic);
        // MQTT 3.1.1 has no negative PUBACK: a denied publish closes the connection, as IoT Core does.
        connection.closeReason ??= 'FORBIDDEN_ACCESS';
        return callback(new Error(`not authorized to publish to ${topic}`));
      }
      const now = this.deps.clock.now();
      this.cloud(connection.name, connection.registered, 'aws:num-messages-sent', 1, now, topic);
      this.cloud(connection.name, connection.registered, 'aws:message-byte-size', payload.length, now, topic);
      if (defender !== undefined) {
        packet.retain = false;
        const answer = this.deps.reports.handle(defender, payload, connection.clientId);
        this.deps.publish(answer.topic, answer.payload, 1);
      } else if (topic.startsWith(RULES_PREFIX)) {
        packet.retain = false;
      }
      callback(null);
    };
    const authorizer = connection.authorizer;
    if (defender !== undefined && defender.kind !== 'report') return finish(false);
    if (authorizer === undefined) return finish(true);
    // Hot path: a decision this connection already has is applied synchronously.
    const key = packet.retain ? `\u0001${topic}` : topic;
    const cached = connection.publish.get(key);
    if (cached !== undefined) return finish(cached);
    const generation = this.generation;
    authorizer.canPublish(topic, packet.retain).then(
      (ok) => {
        if (generation === this.generation) cacheDecision(connection.publish, key, ok);
        finish(ok);
      },
      (error: unknown) => {
        this.deps.telemetry.emit('component_error', { component: 'ingress', code: 'ingress.authorize_failed', stage: 'publish' }, { err: error });
        connection.closeReason ??= 'SERVER_ERROR';
        callback(error instanceof Error ? error : new Error(String(error)));
      },
    );
  };

  authorizeSubscribe = (client: Client, subscription: Subscription, callback: (error: Error | null, subscription?: Subscription | null) => void): void => {
    const connection = this.connections.get(client);
    if (connection === undefined) return callback(new Error('not connected'));
    const filter = subscription.topic;
    void this.subscribeDecision(connection, filter).then(
      (ok) => {
        if (ok) return callback(null, subscription);
        this.authorizationFailure(connection, 'subscribe', filter);
        // MQTT 3.1.1 SUBACK return code 0x80 for this filter; the connection stays.
        callback(null, null);
      },
      (error: unknown) => {
        this.deps.telemetry.emit('component_error', { component: 'ingress', code: 'ingress.authorize_failed', stage: 'subscribe' }, { err: error });
        callback(null, null);
      },
    );
  };

  private async subscribeDecision(connection: Connection, filter: string): Promise<boolean> {
    // §1.1: the report topics are publish-only.
    if (filter.startsWith(THINGS_PREFIX) && parseDefenderTopic(filter)?.kind === 'report') return false;
    const authorizer = connection.authorizer;
    if (authorizer === undefined) return true;
    if (!(await authorizer.canSubscribe(filter))) return false;
    // Warm the Receive cache for an exact filter so its first delivery is not deferred.
    if (!filter.includes('+') && !filter.includes('#')) {
      const generation = this.generation;
      const allowed = await authorizer.canReceive(filter);
      if (generation === this.generation) cacheDecision(connection.receive, filter, allowed);
    }
    return true;
  }

  /** Synchronous (an Aedes constraint): a Receive decision not yet cached defers that delivery until it is. */
  authorizeForward = (client: Client, packet: AedesPublishPacket): AedesPublishPacket | null => {
    const topic = packet.topic;
    if (isUndeliverable(topic)) return null;
    const connection = this.connections.get(client);
    if (connection === undefined) return null;
    const decision = connection.authorizer === undefined ? true : connection.receive.get(topic);
    if (decision === true) {
      this.cloud(connection.name, connection.registered, 'aws:num-messages-received', 1, this.deps.clock.now(), topic);
      return packet;
    }
    if (decision === false) this.authorizationFailure(connection, 'receive', topic);
    else void this.deferredDelivery(connection, packet);
    return null;
  };

  private async deferredDelivery(connection: Connection, packet: AedesPublishPacket): Promise<void> {
    try {
      const generation = this.generation;
      const allowed = (await connection.authorizer?.canReceive(packet.topic)) ?? false;
      if (generation === this.generation) cacheDecision(connection.receive, packet.topic, allowed);
      if (!allowed) return this.authorizationFailure(connection, 'receive', packet.topic);
      if (connection.client.closed) return;
      // Back through Aedes' delivery (and authorizeForward, which now finds the decision). Without a
      // brokerId the packet skips Aedes' per-client dedupe, whose counter would otherwise drop later
      // messages that were already queued (client.publish would stamp a newer counter).
      const deliver = (connection.client as unknown as { deliverQoS(packet: object, done: () => void): void }).deliverQoS;
      deliver.call(connection.client, { cmd: 'publish', topic: packet.topic, payload: packet.payload, qos: packet.qos, retain: false, dup: false }, () => undefined);
    } catch (error) {
      this.deps.telemetry.emit('component_error', { component: 'ingress', code: 'ingress.authorize_failed', stage: 'receive' }, { err: error });
    }
  }

  published = (packet: AedesPublishPacket, client: Client | null, callback: (error?: Error | null) => void): void => {
    callback(null);
    const topic = packet.topic;
    if (topic.startsWith('$SYS/')) return;
    // Reports are answered by the broker; the answers are the broker's own and reach no rule.
    if (topic.startsWith(THINGS_PREFIX) && parseDefenderTopic(topic) !== undefined) return;
    const message: MqttMessage = client === null ? { topic, payload: packet.payload as Buffer, receivedAt: this.deps.clock.now() } : { topic, payload: packet.payload as Buffer, clientId: client.id, receivedAt: this.deps.clock.now() };
    this.deps.rules.onMessage(message).catch((error: unknown) => this.deps.telemetry.emit('component_error', { component: 'ingress', code: 'ingress.rules_failed', stage: 'rules' }, { err: error }));
  };

  /** One `aws:num-authorization-failures` datapoint and counter. */
  authorizationFailure(connection: Pick<Connection, 'name' | 'registered'>, action: 'connect' | 'publish' | 'subscribe' | 'receive', topic: string | undefined): void {
    this.deps.telemetry.count('mqtt_authorization_denied', { action });
    this.cloud(connection.name, connection.registered, 'aws:num-authorization-failures', 1, this.deps.clock.now(), topic);
  }

  private cloud(thingName: string, registered: boolean, metric: CloudCountMetric, value: number, timestamp: number, topic?: string): void {
    this.deps.datapoints.cloud(topic === undefined ? { metric, thingName, registered, timestamp, value } : { metric, thingName, registered, timestamp, value, topic });
  }
}

function cacheDecision(cache: Map<string, boolean>, key: string, allowed: boolean): void {
  if (cache.size >= DECISION_CACHE_MAX) cache.clear();
  cache.set(key, allowed);
}
