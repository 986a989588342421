import type { Clock, Timer } from '../../core/index.js';
import type { Message } from './message.js';
import type { SubscriptionOptions } from './topic-tree.js';

/**
 * What the broker asks of its owner. Reason codes are MQTT 5's; for 3.1.1 clients the broker maps
 * them (CONNACK return codes) or closes the connection where 3.1.1 has no negative answer.
 */
export interface CoreHooks<C> {
  /** CONNECT arrived (id, version, will, keepalive known): `ReasonCode.success` or the refusal. */
  authenticate(client: C): Promise<number>;
  /** CONNACK was written. */
  ready(client: C): void;
  /** The connection of a client that authenticated has ended (`client.ending` says how). */
  closed(client: C): void;
  /** `success`, `notAuthorized` (v5: PUBACK 0x87, the connection stays) or a reason to close. */
  authorizePublish(client: C, message: Message): number | Promise<number>;
  authorizeSubscribe(client: C, filter: string): Promise<boolean>;
  /** Synchronous: deliver this message (at this QoS, with this RETAIN flag) to this client now? (`client.deliver` sends one later.) */
  authorizeForward(client: C, message: Message, qos: 0 | 1, retain: boolean): boolean;
  /**
   * A message was accepted for routing (from a client, or from the broker itself when `client` is
   * undefined). May return a promise of the message's processing (the topic rules it ran) settling.
   */
  published(message: Message, client: C | undefined): void | Promise<void>;
}

export interface BrokerCoreOptions<C> {
  readonly hooks: CoreHooks<C>;
  readonly clock: Clock;
  readonly timer: Timer;
  /** Largest remaining length of any packet a client sends. */
  readonly maxRemainingLength: number;
  readonly connectTimeoutMs: number;
  readonly keepalive: { readonly min: number; readonly max: number };
  /** The server's Receive Maximum (inbound QoS 1 unacknowledged per client). */
  readonly receiveMaximum: number;
  /** QoS 1 messages queued per session (offline or beyond the client's Receive Maximum). */
  readonly maxQueued: number;
  readonly maxSessionExpirySecs: number;
  readonly topicAliasMaximum: number;
  onLimit(limit: 'max_payload' | 'connect_timeout' | 'max_queued'): void;
}

/** What a connection asks of the broker core (kept apart so the two files do not import each other). */
export interface ClientHost<C> {
  readonly options: BrokerCoreOptions<C>;
  readonly hooks: CoreHooks<C>;
  /** The idle sweep's count of intervals so far (a connection's activity is stamped with it). */
  readonly tick: number;
  assignClientId(): string;
  connect(client: C, expirySecs: number): boolean;
  ready(client: C): void;
  closed(client: C): void;
  publish(message: Message, from: C | undefined): void;
  subscribe(client: C, filter: string, options: SubscriptionOptions): boolean;
  unsubscribe(client: C, filter: string): boolean;
  sendRetained(client: C, filter: string, options: SubscriptionOptions): void;
}

/** Cluster mode: where the broker reports what crosses nodes (the NATS side is in src/cluster/). */
export interface RemoteLink {
  /** A message this node accepted for routing. */
  published(message: Message): void;
  /** A filter got its first subscription here (`true`) or lost its last (`false`). */
  interest(filter: string, on: boolean): void;
}
