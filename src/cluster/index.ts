/**
 * cluster: several Vigil nodes as one (docs/cluster.md). NATS carries what crosses nodes (registry
 * changes, membership heartbeats, MQTT messages, retained messages and session takeovers); PostgreSQL holds the registry and the cluster CA (sealed with the
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
export { startMqttBridge, type MqttBridge, type MqttBridgeOptions } from './mqtt-bridge.js';
export { topicToSubject, subjectToTopic, filterToSubjects } from './mqtt-subject.js';
export { startMembership, type ClusterNode, type NodeAnnouncement, type Membership } from './membership.js';
export { assignPartitions, partitionOf } from './partitions.js';
export { detectPartitions, type DetectPartitions, type DetectPartitionStatus, type DetectPartitionsOptions } from './detect-partitions.js';
