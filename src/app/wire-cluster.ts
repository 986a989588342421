import { resolve } from 'node:path';
import { VigilError, packageVersion, type Clock, type Timer } from '../core/index.js';
import type { ClusterStatusSource } from '../api/index.js';
import { JetStreamOutbox, startMqttBridge, clusterEnabled, clusterKey, detectPartitions, nodeIdOf, secretFile, startCluster, syncClusterCa, type Cluster, type DetectPartitions } from '../cluster/index.js';
import type { ClusteredBroker, Outbox } from '../model/index.js';
import { loadOrCreateCa, type Registry } from '../registry/index.js';
import { clusterSecretRepository, type DataDir, type RegistryDb, type SqliteOutbox } from '../store/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { VigilConfig } from './config-schema.js';

/** The roles every node plays today: each runs every component (docs/cluster.md). */
const ROLES = ['broker', 'api', 'detect', 'audit', 'rules', 'stream', 'siem'] as const;

/** Refuses a cluster config that cannot work, before anything starts. */
export function clusterConfigProblem(config: VigilConfig): VigilError | undefined {
  if (!clusterEnabled(config.cluster)) return undefined;
  if (config.store.registry.type !== 'postgres') {
    return new VigilError('cluster.invalid_config', 'cluster mode needs the registry in PostgreSQL (store.registry.type: postgres); it is sqlite', { hint: 'set store.registry to the PostgreSQL every node shares, or remove cluster.nats.urls' });
  }
  if (config.cluster.secret_key_file === '') {
    return new VigilError('cluster.invalid_config', 'cluster mode needs cluster.secret_key_file: it seals the cluster CA key in PostgreSQL', { hint: 'head -c 48 /dev/urandom | base64 > vigil-cluster.key; chmod 600 vigil-cluster.key; copy it to every node and set cluster.secret_key_file' });
  }
  return undefined;
}

/**
 * Before the registry opens: in cluster mode, makes `<secrets>/ca.pem` and `ca.key` the cluster's CA
 * (the first node stores its own, sealed; the others take it).
 */
export async function prepareClusterCa(input: { config: VigilConfig; configDir: string; registry: RegistryDb; layout: DataDir; clock: Clock; telemetry: Telemetry }): Promise<void> {
  const { config } = input;
  if (!clusterEnabled(config.cluster)) return;
  const key = clusterKey(secretFile(resolve(input.configDir, config.cluster.secret_key_file), 'cluster.secret_key_file'));
  const result = await syncClusterCa({
    secretsDir: input.layout.secretsDir,
    store: await clusterSecretRepository(input.registry),
    key,
    now: input.clock.now(),
    ensureLocalCa: () => loadOrCreateCa(input.layout.secretsDir, input.clock.now(), config.registry.ca_days),
  });
  if (result.created) input.telemetry.emit('secret_created', { name: 'cluster-ca' }, { dir: input.layout.secretsDir });
  else if (result.replaced) input.telemetry.emit('secret_created', { name: 'ca.key' }, { dir: input.layout.secretsDir, from: 'cluster' });
}

/** The cluster link (started before any component, stopped after all), and the status the API reports. */
export interface WiredCluster {
  /** Connects to NATS and starts relaying and announcing (cluster mode); undefined on a single node. */
  start(): Promise<Cluster | undefined>;
  stop(): Promise<void>;
  /** Detect partitioned by thing: the ingress's datapoint sink and the engine's ownership (cluster mode, after `start`). */
  readonly detect: () => DetectPartitions | undefined;
  readonly status: ClusterStatusSource;
}

export function wireCluster(input: {
  config: VigilConfig;
  registry: Registry;
  describe: () => { endpoints: Record<string, string>; connections: number };
  clock: Clock;
  timer: Timer;
  telemetry: Telemetry;
}): WiredCluster {
  const { config, clock } = input;
  const startedAt = clock.now();
  const nodeId = nodeIdOf(config.cluster);
  const announce = () => ({ ...input.describe(), version: packageVersion(), startedAt, roles: [...ROLES] });
  if (!clusterEnabled(config.cluster)) {
    return {
      start: async () => undefined,
      stop: async () => undefined,
      detect: () => undefined,
      status: { status: () => ({ mode: 'single', nodeId, nodes: [{ ...announce(), nodeId, natsConnected: false, self: true, lastSeen: clock.now(), state: 'up' }] }) },
    };
  }
  let cluster: Cluster | undefined;
  let partitions: DetectPartitions | undefined;
  const telemetry = input.telemetry.child('cluster');
  return {
    async start() {
      const link = await startCluster({ config: config.cluster, registry: input.registry, describe: announce, clock, timer: input.timer, telemetry });
      cluster = link;
      partitions = detectPartitions({
        connection: link.connection,
        prefix: config.cluster.subject_prefix,
        nodeId,
        partitions: config.cluster.detect_partitions,
        liveNodes: () => link.nodes().filter((n) => n.state === 'up').map((n) => n.nodeId),
        heartbeatMs: config.cluster.heartbeat_secs * 1000,
        retryMs: config.cluster.detect_route_retry_secs * 1000,
        clock,
        timer: input.timer,
        telemetry,
      });
      // Ownership is known (the other nodes heard) before detect restores the state of its things.
      await partitions.settle();
      return cluster;
    },
    async stop() {
      await cluster?.stop();
    },
    detect: () => partitions,
    status: {
      status: () => ({ mode: 'cluster', nodeId, nodes: cluster?.nodes() ?? [{ ...announce(), nodeId, natsConnected: false, self: true, lastSeen: clock.now(), state: 'up' }], detect: partitions?.status() }),
    },
  };
}

/** In cluster mode the delivery streams buffer in JetStream (the local outbox keeps replay bookkeeping). */
export function clusterOutbox(config: VigilConfig, cluster: Cluster | undefined, clock: Clock, timer: Timer, telemetry: Telemetry): ((local: SqliteOutbox) => Promise<Outbox>) | undefined {
  if (cluster === undefined) return undefined;
  return (local) =>
    JetStreamOutbox.open({
      connection: cluster.connection,
      prefix: config.cluster.subject_prefix,
      replicas: config.cluster.stream_replicas,
      maxBytes: config.stream.outbox_max_bytes,
      ackWaitMs: config.cluster.stream_ack_wait_secs * 1000,
      local,
      clock,
      timer,
      telemetry: telemetry.child('cluster'),
    });
}

/** In cluster mode the broker joins the others (src/cluster/mqtt-bridge.ts); returns how to leave. */
export async function clusterBroker(config: VigilConfig, cluster: Cluster | undefined, broker: ClusteredBroker, clock: Clock, timer: Timer, telemetry: Telemetry): Promise<() => Promise<void>> {
  if (cluster === undefined) return async () => undefined;
  const bridge = await startMqttBridge({
    connection: cluster.connection,
    prefix: config.cluster.subject_prefix,
    broker,
    peers: () => cluster.nodes().filter((n) => !n.self && n.state === 'up').length,
    claimWaitMs: config.cluster.session_claim_secs * 1000,
    replicas: config.cluster.stream_replicas,
    clock,
    timer,
    telemetry: telemetry.child('cluster'),
  });
  return () => bridge.stop();
}
