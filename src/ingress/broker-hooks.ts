import type { TLSSocket } from 'node:tls';
import type { BrokerCore, CoreHooks } from './broker/broker.js';
import type { BrokerClient } from './broker/client.js';
import { ReasonCode, type Message, type MessageProperties } from './broker/message.js';
import { parseShared } from './broker/topic-tree.js';
import { newId, type Clock } from '../core/index.js';
import type { CloudCountMetric, ConnectionHistoryStore, DatapointSink, DeviceAuth, DisconnectReason, MqttMessage, RulesSink } from '../model/index.js';
import { parseDefenderTopic, type MetricReport } from '../protocol/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { inferredReason, DECISION_CACHE_MAX, type Connection } from './connection.js';
import { sourceIpOf } from './connection-limiter.js';
import type { ReportAnswer, ReportHandler } from './report-handler.js';

export interface HookDeps {
  readonly deviceAuth: DeviceAuth;
  readonly rules: RulesSink;
  readonly datapoints: DatapointSink<MetricReport>;
  readonly history: ConnectionHistoryStore;
  readonly reports: ReportHandler;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  readonly maxPayloadBytes: number;
  /** Sockets accepted on the plain listener (anonymous clients). */
  isPlain(socket: unknown): boolean;
  /** A connection passed authentication (`device`: by a certificate, not on the plain listener). */
  onAuthenticated(socket: { readonly remoteAddress?: string | undefined; readonly remotePort?: number | undefined }, device: boolean): void;
  /** Publishes as the broker (answers on `/accepted` and `/rejected`, and on a v5 Response Topic). */
  publish(topic: string, payload: Uint8Array, qos: 0 | 1, properties?: MessageProperties): void;
  /** Tracks a background write so `stop()` can wait for it. */
  track(work: Promise<unknown>, stage: string): void;
  /** Cluster mode: other nodes let go of this client id (and hand over a persistent session) before CONNACK; undefined on a single node. */
  claim(clientId: string, clean: boolean): Promise<void> | undefined;
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
export function isUndeliverable(topic: string): boolean {
  if (topic.startsWith(RULES_PREFIX)) return true;
  return topic.startsWith(THINGS_PREFIX) && parseDefenderTopic(topic)?.kind === 'report';
}

/** The v5 DISCONNECT reason for a server-side close (MQTT 5.0 §3.14.2.1). */
function disconnectCode(reason: DisconnectReason): number {
  switch (reason) {
    case 'CREDENTIALS_REVOKED':
      return ReasonCode.administrativeAction;
    case 'DUPLICATE_CLIENTID':
      return ReasonCode.sessionTakenOver;
    case 'FORBIDDEN_ACCESS':
      return ReasonCode.notAuthorized;
    case 'MQTT_KEEP_ALIVE_TIMEOUT':
      return ReasonCode.keepAliveTimeout;
    case 'SERVER_SHUTDOWN':
      return ReasonCode.serverShuttingDown;
    case 'SERVER_ERROR':
      return ReasonCode.implementationSpecificError;
    default:
      return ReasonCode.unspecifiedError;
  }
}

/**
 * The broker core's hooks: authentication by certificate and `iot:Connect`, per-request policy checks
 * (Publish, RetainPublish, Subscribe, Receive), the reserved report topics, cloud-side datapoints,
 * connection history, and the hand-off of every accepted publish to the rules sink.
 */
export class BrokerHooks implements CoreHooks {
  readonly connections = new Map<BrokerClient, Connection>();
  private readonly lastDisconnect = new Map<string, number>();
  /** Connections set up by the broker (`ready`), for the connected-clients gauge. */
  private readyConnections = 0;
  broker: BrokerCore | undefined;
  stopping = false;
  /** Bumped on every registry change; a decision that started before a bump is not cached. */
  generation = 0;

  /** Authenticated connections the broker has not answered yet (CONNACK), to be closed once it has. */
  private readonly closeWhenReady = new WeakSet<Connection>();

  constructor(private readonly deps: HookDeps) {}

  /**
   * Closes a connection on purpose (v5: DISCONNECT with the matching reason code). Between a
   * successful authenticate and CONNACK the broker is still setting the client up, so a connection
   * closed then is closed as soon as it is ready, and recorded like any other.
   */
  disconnect(connection: Connection, reason: DisconnectReason): void {
    connection.closeReason ??= reason;
    if (connection.ready) connection.client.close(disconnectCode(reason));
    else this.closeWhenReady.add(connection);
  }

  async authenticate(client: BrokerClient): Promise<number> {
    try {
      await this.authenticateAsync(client);
      const claiming = this.deps.claim(client.id, client.clean);
      if (claiming !== undefined) await claiming;
      this.deps.onAuthenticated(client.socket, !this.deps.isPlain(client.socket));
      return ReasonCode.success;
    } catch (error) {
      const reason = error instanceof Refused ? error.reason : 'error';
      this.deps.telemetry.emit('mqtt_connect_refused', { reason }, { clientId: client.id, ip: sourceIpOf(client.socket), why: error instanceof Refused ? error.why : undefined });
      if (!(error instanceof Refused)) this.deps.telemetry.emit('component_error', { component: 'ingress', code: 'ingress.authenticate_failed', stage: 'connect' }, { err: error });
      return error instanceof Refused ? ReasonCode.notAuthorized : ReasonCode.unspecifiedError;
    }
  }

  private async authenticateAsync(client: BrokerClient): Promise<void> {
    const now = this.deps.clock.now();
    const clientId = client.id;
    const socket = client.socket as TLSSocket;
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
      const will = client.will;
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
    const existing = this.broker?.client(clientId);
    const connection = existing === undefined ? undefined : this.connections.get(existing);
    if (connection !== undefined) connection.closeReason ??= 'DUPLICATE_CLIENTID';
  }

  ready(client: BrokerClient): void {
    const connection = this.connections.get(client);
    if (connection === undefined) return;
    connection.ready = true;
    if (this.closeWhenReady.has(connection)) {
      // Ready first, so the connection is recorded (history, datapoints) like any other that ends.
      queueMicrotask(() => connection.client.close(disconnectCode(connection.closeReason ?? 'SERVER_ERROR')));
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
  }

  closed(client: BrokerClient): void {
    const connection = this.connections.get(client);
    if (connection === undefined) return;
    this.connections.delete(client);
    if (connection.ready) this.deps.telemetry.setGauge('mqtt_connected_clients', {}, --this.readyConnections);
    connection.authorizer?.close();
    const now = this.deps.clock.now();
    const reason = connection.closeReason ?? (this.stopping ? 'SERVER_SHUTDOWN' : inferredReason(client));
    this.deps.telemetry.emit('mqtt_client_disconnected', { reason }, { clientId: connection.clientId });
    this.cloud(connection.name, connection.registered, 'aws:num-disconnects', 1, now);
    this.lastDisconnect.set(connection.name, now);
    if (connection.certificateId !== undefined) this.deps.track(this.deps.history.closed(connection.connectionId, now, reason), 'history');
  }

  authorizePublish(client: BrokerClient, message: Message): number | Promise<number> {
    const connection = this.connections.get(client);
    if (connection === undefined) return ReasonCode.unspecifiedError;
    const payload = message.payload;
    if (payload.length > this.deps.maxPayloadBytes) {
      this.deps.telemetry.count('mqtt_limit_hit', { limit: 'max_payload' });
      connection.closeReason = 'CLIENT_ERROR';
      return ReasonCode.packetTooLarge;
    }
    const topic = message.topic;
    const defender = topic.startsWith(THINGS_PREFIX) ? parseDefenderTopic(topic) : undefined;
    const finish = (ok: boolean): number => {
      if (!ok) {
        this.authorizationFailure(connection, 'publish', topic);
        // MQTT 3.1.1 has no negative PUBACK: a denied publish closes the connection, as IoT Core
        // does; MQTT 5 answers PUBACK 0x87 and the connection stays.
        if (client.protocolVersion !== 5) connection.closeReason ??= 'FORBIDDEN_ACCESS';
        return ReasonCode.notAuthorized;
      }
      const now = this.deps.clock.now();
      this.cloud(connection.name, connection.registered, 'aws:num-messages-sent', 1, now, topic);
      this.cloud(connection.name, connection.registered, 'aws:message-byte-size', payload.length, now, topic);
      if (defender !== undefined) {
        message.retain = false;
        const { responseTopic, correlationData } = message.properties;
        const send = (answer: ReportAnswer): void => {
          this.deps.publish(answer.topic, answer.payload, 1);
          // MQTT 5 request/response: the answer also goes to the request's Response Topic, with its Correlation Data.
          if (responseTopic !== undefined) this.deps.publish(responseTopic, answer.payload, 1, correlationData === undefined ? {} : { correlationData });
        };
        const answer = this.deps.reports.handle(defender, payload, connection.clientId);
        if (answer instanceof Promise) answer.then(send, (error: unknown) => this.deps.telemetry.emit('component_error', { component: 'ingress', code: 'ingress.publish_failed', stage: 'report_answer' }, { err: error }));
        else send(answer);
      } else if (topic.startsWith(RULES_PREFIX)) {
        message.retain = false;
      }
      return ReasonCode.success;
    };
    const authorizer = connection.authorizer;
    if (defender !== undefined && defender.kind !== 'report') return finish(false);
    if (authorizer === undefined) return finish(true);
    // Hot path: a decision this connection already has is applied synchronously.
    const key = message.retain ? `\u0001${topic}` : topic;
    const cached = connection.publish.get(key);
    if (cached !== undefined) return finish(cached);
    const generation = this.generation;
    return authorizer.canPublish(topic, message.retain).then(
      (ok) => {
        if (generation === this.generation) cacheDecision(connection.publish, key, ok);
        return finish(ok);
      },
      (error: unknown) => {
        this.deps.telemetry.emit('component_error', { component: 'ingress', code: 'ingress.authorize_failed', stage: 'publish' }, { err: error });
        connection.closeReason ??= 'SERVER_ERROR';
        return ReasonCode.implementationSpecificError;
      },
    );
  }

  async authorizeSubscribe(client: BrokerClient, filter: string): Promise<boolean> {
    const connection = this.connections.get(client);
    if (connection === undefined) return false;
    try {
      if (await this.subscribeDecision(connection, filter)) return true;
      this.authorizationFailure(connection, 'subscribe', filter);
      // SUBACK 0x80 (3.1.1) / 0x87 (5) for this filter; the connection stays.
      return false;
    } catch (error) {
      this.deps.telemetry.emit('component_error', { component: 'ingress', code: 'ingress.authorize_failed', stage: 'subscribe' }, { err: error });
      return false;
    }
  }

  private async subscribeDecision(connection: Connection, filter: string): Promise<boolean> {
    // A shared subscription ($share/group/filter) is authorized as a whole; it receives on the filter.
    const target = parseShared(filter)?.filter ?? filter;
    // §1.1: the report topics are publish-only.
    if (target.startsWith(THINGS_PREFIX) && parseDefenderTopic(target)?.kind === 'report') return false;
    const authorizer = connection.authorizer;
    if (authorizer === undefined) return true;
    if (!(await authorizer.canSubscribe(filter))) return false;
    // Warm the Receive cache for an exact filter so its first delivery is not deferred.
    if (!target.includes('+') && !target.includes('#')) {
      const generation = this.generation;
      const allowed = await authorizer.canReceive(target);
      if (generation === this.generation) cacheDecision(connection.receive, target, allowed);
    }
    return true;
  }

  /** Synchronous (the broker's delivery path): a Receive decision not yet cached defers that delivery until it is. */
  authorizeForward(client: BrokerClient, message: Message, qos: 0 | 1, retain: boolean): boolean {
    const topic = message.topic;
    if (isUndeliverable(topic)) return false;
    const connection = this.connections.get(client);
    if (connection === undefined) return false;
    const decision = connection.authorizer === undefined ? true : connection.receive.get(topic);
    if (decision === true) {
      this.cloud(connection.name, connection.registered, 'aws:num-messages-received', 1, this.deps.clock.now(), topic);
      return true;
    }
    if (decision === false) this.authorizationFailure(connection, 'receive', topic);
    else void this.deferredDelivery(connection, message, qos, retain);
    return false;
  }

  private async deferredDelivery(connection: Connection, message: Message, qos: 0 | 1, retain: boolean): Promise<void> {
    try {
      const generation = this.generation;
      const allowed = (await connection.authorizer?.canReceive(message.topic)) ?? false;
      if (generation === this.generation) cacheDecision(connection.receive, message.topic, allowed);
      if (!allowed) return this.authorizationFailure(connection, 'receive', message.topic);
      if (connection.client.closed) return;
      this.cloud(connection.name, connection.registered, 'aws:num-messages-received', 1, this.deps.clock.now(), message.topic);
      // A retained message sent on SUBSCRIBE keeps its RETAIN flag once allowed.
      connection.client.deliver(message, qos, retain);
    } catch (error) {
      this.deps.telemetry.emit('component_error', { component: 'ingress', code: 'ingress.authorize_failed', stage: 'receive' }, { err: error });
    }
  }

  /** Runs the topic rules on a message; the promise settles when their actions finished (never rejects). */
  published(message: Message, client: BrokerClient | undefined): Promise<void> | undefined {
    const topic = message.topic;
    if (topic.startsWith('$SYS/')) return undefined;
    // Reports are answered by the broker; the answers are the broker's own and reach no rule.
    if (topic.startsWith(THINGS_PREFIX) && parseDefenderTopic(topic) !== undefined) return undefined;
    const receivedAt = this.deps.clock.now();
    const out: MqttMessage = client === undefined ? { topic, payload: message.payload, receivedAt } : { topic, payload: message.payload, clientId: client.id, receivedAt };
    return this.deps.rules.onMessage(out).catch((error: unknown) => this.deps.telemetry.emit('component_error', { component: 'ingress', code: 'ingress.rules_failed', stage: 'rules' }, { err: error }));
  }

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
