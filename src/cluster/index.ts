/**
 * cluster: several Vigil nodes as one (docs/cluster.md). NATS carries what crosses nodes (registry
 * changes, membership heartbeats); PostgreSQL holds the registry and the cluster CA (sealed with the
 * cluster secret key). Off unless `cluster.nats.urls` is set. Imports: core, model, config, telemetry,
 * store and npm (@nats-io/transport-node, loaded only in cluster mode).
 */
export { clusterConfigSchema, clusterEnabled, type ClusterConfig } from './config.js';
export { startCluster, nodeIdOf, type Cluster, type ClusterOptions } from './cluster.js';
export { syncClusterCa, clusterKey, sealCa, openCa } from './cluster-ca.js';
export { secretFile, type ClusterBus } from './bus.js';
export { relayRegistryChanges } from './registry-relay.js';
export { relayDefinitionChanges, type DefinitionSource } from './definition-relay.js';
export { JetStreamOutbox, type JetStreamOutboxOptions } from './jetstream-outbox.js';
export { startMembership, type ClusterNode, type NodeAnnouncement, type Membership } from './membership.js';
