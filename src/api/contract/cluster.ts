import { Type } from 'typebox';
import { vigilErrors } from './common.js';

const ClusterNodeView = Type.Object(
  {
    nodeId: Type.String(),
    self: Type.Boolean({ description: 'the node that answered' }),
    state: Type.Union([Type.Literal('up'), Type.Literal('gone')], { description: 'gone: not heard from for node_timeout_secs' }),
    version: Type.String(),
    startedAt: Type.String({ description: 'ISO 8601' }),
    lastSeen: Type.String({ description: 'ISO 8601: the last heartbeat received' }),
    roles: Type.Array(Type.String()),
    endpoints: Type.Record(Type.String(), Type.String()),
    connections: Type.Integer({ description: 'devices connected to this node\'s broker' }),
    natsConnected: Type.Boolean(),
    partitions: Type.Optional(Type.Integer({ description: 'detect partitions this node owns, as the answering node sees it (cluster mode)' })),
  },
  { additionalProperties: false },
);

const DetectOwnershipView = Type.Object(
  {
    partitions: Type.Integer({ description: 'cluster.detect_partitions' }),
    adopting: Type.Integer({ description: 'partitions moving to the answering node right now' }),
    routed: Type.Object({ sent: Type.Integer(), received: Type.Integer(), retried: Type.Integer(), failed: Type.Integer() }, { additionalProperties: false, description: 'datapoints the answering node sent to their owner (acknowledged), received from other nodes, sent again, dropped' }),
    pending: Type.Integer({ description: 'datapoints waiting to be sent to their owner' }),
    routeLatencyMs: Type.Optional(Type.Object({ p50: Type.Number(), max: Type.Number() }, { additionalProperties: false, description: 'hand-off to acknowledgement by the owner, over the last 1,000 batches' })),
  },
  { additionalProperties: false, description: 'detect partitioned by thing (cluster mode)' },
);

/** `GET /api/v1/cluster`: the nodes this node hears from (cluster mode) or the single node. */
export const clusterContract = {
  status: {
    response: {
      200: Type.Object({ mode: Type.Union([Type.Literal('single'), Type.Literal('cluster')]), nodeId: Type.String(), nodes: Type.Array(ClusterNodeView), detect: Type.Optional(DetectOwnershipView) }, { additionalProperties: false }),
      ...vigilErrors,
    },
  },
} as const;
