/**
 * Ports between the MQTT broker and the cluster (cluster mode): the broker tells its `BrokerRemote`
 * what crosses nodes (accepted messages, subscription interest, client ids it takes), and the cluster
 * drives the broker through its `ClusteredBroker` (messages from other nodes, retained messages,
 * sessions taken over). Without cluster mode neither exists.
 */

/** The MQTT 5 properties that travel with a message (MQTT 5.0 §3.3.2.3). */
export interface BridgedProperties {
  readonly payloadFormatIndicator?: boolean;
  readonly contentType?: string;
  readonly responseTopic?: string;
  readonly correlationData?: Buffer;
  readonly userProperties?: { [name: string]: string | string[] };
}

/** An application message as it crosses between nodes. */
export interface BridgedMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly qos: 0 | 1;
  retain: boolean;
  readonly properties: BridgedProperties;
  /** Clock time (ms) after which the message is not delivered (Message Expiry Interval). */
  readonly expiresAt?: number;
}

/** One subscription of a session (MQTT 5 subscription options). */
export interface BridgedSubscription {
  readonly filter: string;
  readonly qos: 0 | 1;
  readonly noLocal: boolean;
  readonly retainAsPublished: boolean;
  readonly retainHandling: 0 | 1 | 2;
}

/** What a persistent session carries to the node its client moved to. */
export interface BridgedSession {
  readonly subscriptions: readonly BridgedSubscription[];
  /** QoS 1 messages not yet acknowledged or still queued, oldest first. */
  readonly queued: readonly BridgedMessage[];
}

/** What the broker tells the cluster. */
export interface BrokerRemote {
  /** A message this node accepted for routing (after authorization). */
  published(message: BridgedMessage): void;
  /** A topic filter got its first subscriber on this node (`true`) or lost its last (`false`). */
  interest(filter: string, on: boolean): void;
  /**
   * Before CONNACK: a client authenticated with this id. Other nodes close their connection with
   * it; for a persistent session (`clean` false) the session they held is adopted here first.
   */
  claim(clientId: string, clean: boolean): Promise<void>;
}

/** What the cluster asks of the broker. */
export interface ClusteredBroker {
  /** From now on the broker reports to `remote` (undefined: stops). */
  attach(remote: BrokerRemote | undefined): void;
  /** A message another node accepted: delivered to the matching subscribers here. */
  deliverRemote(message: BridgedMessage): void;
  /** A message for one shared group (`$share/group/filter`) of this node: one member gets it. */
  deliverShared(filter: string, message: BridgedMessage): void;
  /** A retained message set on any node (an empty payload clears the topic). */
  retain(message: BridgedMessage): void;
  /** Another node took this client id: the connection here closes (v5: 0x8E) and its session ends; returns a persistent session's state. */
  release(clientId: string): BridgedSession | undefined;
  /** Installs a session carried from another node (no-op when one exists here). */
  adopt(clientId: string, session: BridgedSession): void;
}
