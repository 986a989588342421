/**
 * stream: delivery streams, Vigil's Amazon Data Firehose. Puts land durably in one SQLite outbox
 * (WAL, synchronous=FULL); one pipeline per stream batches by buffering hints, runs transforms with
 * the Firehose contract (built-in or user JavaScript in a worker), delivers through a sink from the
 * sink table (splunk-hec, http, file) with retry, and writes what fails to a backup directory with
 * Firehose's key layout (the formats themselves are protocol's). Imports: core, model, config,
 * telemetry, protocol, store and npm.
 */
export { StreamEngine, MAX_RECORD_BYTES, type StreamService, type StreamStatus, type ReplayResult, type StreamEngineDeps } from './stream-engine.js';
export { streamConfigSchema, type StreamConfig } from './config.js';
export { buildDefinition, redactDefinition, streamInputSchema, type StreamInput } from './definition.js';
export { SINKS, sinkKind, type SinkKind, type Sink, type SinkRecord, type Delivery, type Probe, type SinkContext } from './sinks/index.js';
export { TRANSFORMS, transformKind, splitDeviceDefender, runTransforms, type Transform, type TransformKind } from './transforms/index.js';
export { BackupWriter, findFailedObjects } from './backup.js';
