import { hostname } from 'node:os';
import type { Clock, Timer } from '../core/index.js';
import type { RegistryChange, RegistryEvents } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { connectBus, type ClusterBus } from './bus.js';
import type { ClusterConfig } from './config.js';
import { startMembership, type ClusterNode, type NodeAnnouncement } from './membership.js';
import { relayRegistryChanges } from './registry-relay.js';
import { relayDefinitionChanges, type DefinitionSource } from './definition-relay.js';

/** This node's part in the cluster: the NATS link, registry changes in and out, membership. */
export interface Cluster {
  readonly nodeId: string;
  /** The NATS connection (JetStream for the delivery-stream buffer). */
  readonly connection: import('@nats-io/transport-node').NatsConnection;
  nodes(): ClusterNode[];
  /** True while this node's NATS connection is up. */
  connected(): boolean;
  /** Waits until everything sent so far reached NATS. */
  flush(): Promise<void>;
  /** Relays changes of one kind of definition (`streams`, `rules`, `profiles`) to and from the other nodes (until `stop`). */
  relayDefinitions(kind: string, source: DefinitionSource): void;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  readonly config: ClusterConfig;
  readonly registry: { readonly events: RegistryEvents; replay(change: RegistryChange): void };
  /** What this node announces (besides its id), read at every heartbeat. */
  readonly describe: () => Omit<NodeAnnouncement, 'nodeId' | 'natsConnected'>;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
}

export function nodeIdOf(config: ClusterConfig): string {
  return config.node_id === '' ? hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 64) : config.node_id;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { config, telemetry } = options;
  const nodeId = nodeIdOf(config);
  const bus: ClusterBus = await connectBus(config, nodeId, telemetry);
  const prefix = config.subject_prefix;
  const stopRelay = relayRegistryChanges({ bus, subject: `${prefix}.registry.changes`, nodeId, events: options.registry.events, replay: options.registry.replay, telemetry });
  const membership = startMembership({
    bus,
    subject: `${prefix}.cluster.nodes`,
    self: () => ({ ...options.describe(), nodeId, natsConnected: bus.connected() }),
    heartbeatMs: config.heartbeat_secs * 1000,
    timeoutMs: config.node_timeout_secs * 1000,
    clock: options.clock,
    timer: options.timer,
    telemetry,
  });
  const stops: Array<() => void> = [];
  return {
    nodeId,
    connection: bus.connection,
    nodes: () => membership.nodes(),
    connected: () => bus.connected(),
    flush: () => bus.flush(),
    relayDefinitions(kind, source) {
      stops.push(relayDefinitionChanges({ bus, subject: `${prefix}.definitions.changes`, nodeId, kind, source, telemetry }));
    },
    async stop() {
      membership.stop();
      stopRelay();
      for (const stopOne of stops.splice(0)) stopOne();
      await bus.close();
    },
  };
}
