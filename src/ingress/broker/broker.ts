import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { TimerHandle } from '../../core/index.js';
import { BrokerClient } from './client.js';
import type { BrokerCoreOptions as Options, ClientHost, CoreHooks as Hooks, RemoteLink } from './hooks.js';
import { ReasonCode, type Message } from './message.js';
import { Session } from './session.js';
import { TopicTree, matches, parseShared, type SubscriptionOptions } from './topic-tree.js';

export type CoreHooks = Hooks<BrokerClient>;
export type BrokerCoreOptions = Options<BrokerClient>;

/**
 * How often the idle sweep runs: connect timeouts and keep-alives are enforced to within one to two
 * of these. One interval for every connection instead of a timer per socket (re-armed on every read
 * and write) keeps each connection a few hundred bytes and a timer-list update per packet lighter.
 */
export const SWEEP_MS = 1000;

/**
 * The broker core: live clients by id, sessions, the subscription tree, retained messages, routing.
 * Authorization and everything Vigil-specific is in the hooks.
 */
export class BrokerCore implements ClientHost<BrokerClient> {
  readonly hooks: CoreHooks;
  private readonly clients = new Map<string, BrokerClient>();
  private readonly sessions = new Map<string, Session>();
  private readonly tree = new TopicTree<Session>();
  private readonly retained = new Map<string, Message>();
  private readonly sockets = new Set<BrokerClient>();
  private readonly drained: (() => void)[] = [];
  stopped = false;
  /** Cluster mode: the other nodes (undefined on a single node: nothing else on the hot path). */
  remote: RemoteLink | undefined;
  /** Idle sweeps so far: the broker's coarse clock for connect timeouts and keep-alives. */
  tick = 0;
  private readonly sweeper: TimerHandle;

  constructor(readonly options: BrokerCoreOptions) {
    this.hooks = options.hooks;
    this.sweeper = options.timer.setInterval(() => this.sweep(), SWEEP_MS);
  }

  /**
   * Closes connections that sent no CONNECT within the connect timeout, and connected ones that sent
   * nothing for 1.5 × their keep-alive (MQTT-3.1.2-24). A client stamped with tick t was last heard
   * from after the sweep t began, so at sweep n at least (n − t − 1) intervals have passed: a
   * deadline of k intervals is passed once n − t > k (never early, at most two intervals late).
   */
  private sweep(): void {
    const tick = ++this.tick;
    const connectTicks = Math.ceil(this.options.connectTimeoutMs / SWEEP_MS);
    for (const client of this.sockets) {
      if (client.closed) continue;
      if (!client.connectSeen) {
        if (tick - client.openedAt > connectTicks) client.connectTimedOut();
      } else if (client.connected && tick - client.lastSeen > Math.ceil((client.keepalive * 1500) / SWEEP_MS)) {
        client.keepaliveExpired();
      }
    }
  }

  /** Takes a connected socket (TLS already done). */
  handle(socket: Socket): BrokerClient {
    const client = new BrokerClient(socket, this);
    this.sockets.add(client);
    return client;
  }

  /** The live client with this id. */
  client(clientId: string): BrokerClient | undefined {
    return this.clients.get(clientId);
  }

  get subscriptionCount(): number {
    return this.tree.size;
  }

  assignClientId(): string {
    return `vigil-${randomUUID()}`;
  }

  /** An authenticated client takes its id (closing an older connection with it) and its session; returns Session Present. */
  connect(client: BrokerClient, expirySecs: number): boolean {
    const older = this.clients.get(client.id);
    if (older !== undefined && older !== client) {
      older.ending = 'takeover';
      older.close(ReasonCode.sessionTakenOver);
    }
    this.clients.set(client.id, client);
    let session = this.sessions.get(client.id);
    if (session !== undefined && client.clean) {
      this.endSession(session);
      session = undefined;
    }
    const present = session !== undefined;
    if (session === undefined) {
      session = new Session(client.id, this.options.maxQueued, () => this.options.onLimit('max_queued'));
      this.sessions.set(client.id, session);
    }
    if (older?.session === session) session.detach(older);
    session.expirySecs = expirySecs;
    client.session = session;
    return present;
  }

  /** CONNACK is out: the hooks learn of the client, then the session's waiting messages flow. */
  ready(client: BrokerClient): void {
    this.hooks.ready(client);
    if (!client.closed) client.session?.attach(client);
  }

  closed(client: BrokerClient): void {
    // While authentication runs, the client calls this again once it has the answer.
    if (client.authenticating || !this.sockets.delete(client)) return;
    try {
      this.ended(client);
    } finally {
      if (this.sockets.size === 0) for (const wake of this.drained.splice(0)) wake();
    }
  }

  private ended(client: BrokerClient): void {
    if (!client.authenticated) return;
    const session = client.session;
    if (session === undefined) return this.hooks.closed(client);
    session.detach(client);
    if (this.clients.get(client.id) === client) this.clients.delete(client.id);
    // A DISCONNECT cleared the will unless it carried reason 0x04.
    const will = client.will;
    client.will = undefined;
    if (will !== undefined && !this.stopped) this.publish(will, client);
    if (!session.online && this.sessions.get(session.clientId) === session) {
      if (session.expirySecs === 0 || this.stopped) this.endSession(session);
      else session.expiry = this.options.timer.setTimeout(() => !session.online && this.endSession(session), session.expirySecs * 1000);
    }
    this.hooks.closed(client);
  }

  subscribe(client: BrokerClient, filter: string, options: SubscriptionOptions): boolean {
    const session = client.session as Session;
    session.subscriptions.set(filter, options);
    const fresh = this.tree.add(filter, session, options);
    if (fresh) this.remote?.interest(filter, true);
    return fresh;
  }

  unsubscribe(client: BrokerClient, filter: string): boolean {
    const session = client.session as Session;
    session.subscriptions.delete(filter);
    return this.removeSubscription(filter, session);
  }

  private removeSubscription(filter: string, session: Session): boolean {
    const removed = this.tree.remove(filter, session);
    if (removed) this.remote?.interest(filter, false);
    return removed;
  }

  /** Retained messages matching a new subscription (never for shared ones, MQTT 5.0 §4.8.2). */
  sendRetained(client: BrokerClient, filter: string, options: SubscriptionOptions): void {
    if (parseShared(filter) !== undefined) return;
    for (const message of this.retained.values()) {
      if (!matches(filter, message.topic)) continue;
      client.session?.deliver({ message, qos: Math.min(message.qos, options.qos) as 0 | 1, retain: true, authorized: false });
    }
  }

  /**
   * Routes a message to every matching subscription (and keeps or clears it as retained). Returns
   * what the hooks' `published` returned: the message's processing settling, when they track it.
   */
  publish(message: Message, from: BrokerClient | undefined): void | Promise<void> {
    const settled = this.hooks.published(message, from);
    if (message.retain) this.retain(message);
    this.remote?.published(message);
    this.route(message, from?.session);
    return settled;
  }

  /** A message another node accepted (its hooks ran there): to the matching subscribers here. */
  deliverRemote(message: Message): void {
    this.route(message, undefined);
  }

  /** Keeps a retained message, or clears the topic's with an empty payload. */
  retain(message: Message): void {
    if (message.payload.length === 0) this.retained.delete(message.topic);
    else this.retained.set(message.topic, message);
  }

  /** A message for one shared group (`$share/group/filter`): in cluster mode NATS picks one node per group. */
  deliverShared(filter: string, message: Message): void {
    const picked = this.tree.pickShared(filter, (s) => s.online);
    if (picked !== undefined) picked.subscriber.deliver({ message, qos: message.qos < picked.options.qos ? message.qos : picked.options.qos, retain: false, authorized: false });
  }

  private route(message: Message, origin: Session | undefined): void {
    // In cluster mode shared groups are served through the cluster (one delivery per group across nodes).
    for (const { subscriber, options } of this.tree.match(message.topic, (s) => s.online, this.remote === undefined)) {
      if (options.noLocal && subscriber === origin) continue;
      subscriber.deliver({ message, qos: message.qos < options.qos ? message.qos : options.qos, retain: options.retainAsPublished && message.retain, authorized: false });
    }
  }

  /**
   * Another node took this client id: the live connection closes (v5: DISCONNECT 0x8E) and the
   * session ends here; a persistent one's subscriptions and pending QoS 1 messages are returned.
   */
  release(clientId: string): { subscriptions: [string, SubscriptionOptions][]; queued: Message[] } | undefined {
    const live = this.clients.get(clientId);
    if (live !== undefined) {
      live.ending = 'takeover';
      live.close(ReasonCode.sessionTakenOver);
    }
    const session = this.sessions.get(clientId);
    if (session === undefined) return undefined;
    const carried = session.expirySecs > 0 ? { subscriptions: [...session.subscriptions], queued: session.pending().map((o) => o.message) } : undefined;
    this.endSession(session);
    return carried;
  }

  /** A session carried from another node, installed before its client connects here (none exists yet). */
  adopt(clientId: string, subscriptions: readonly [string, SubscriptionOptions][], queued: readonly Message[]): void {
    if (this.sessions.has(clientId) || this.stopped) return;
    const session = new Session(clientId, this.options.maxQueued, () => this.options.onLimit('max_queued'));
    this.sessions.set(clientId, session);
    for (const [filter, options] of subscriptions) {
      session.subscriptions.set(filter, options);
      if (this.tree.add(filter, session, options)) this.remote?.interest(filter, true);
    }
    for (const message of queued) session.deliver({ message, qos: 1, retain: false, authorized: false });
  }

  /** Closes every connection (v5: DISCONNECT 0x8B), forgets the sessions, and resolves once every connection has ended. */
  close(): Promise<void> {
    this.stopped = true;
    this.sweeper.cancel();
    const done = new Promise<void>((resolve) => (this.sockets.size === 0 ? resolve() : this.drained.push(resolve)));
    for (const client of [...this.sockets]) {
      client.ending ??= 'server';
      client.close(ReasonCode.serverShuttingDown);
    }
    for (const session of [...this.sessions.values()]) this.endSession(session);
    return done;
  }

  private endSession(session: Session): void {
    session.expiry?.cancel();
    for (const filter of session.subscriptions.keys()) this.removeSubscription(filter, session);
    session.subscriptions.clear();
    if (this.sessions.get(session.clientId) === session) this.sessions.delete(session.clientId);
  }
}
