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
  },
  { additionalProperties: false },
);

/** `GET /api/v1/cluster`: the nodes this node hears from (cluster mode) or the single node. */
export const clusterContract = {
  status: {
    response: {
      200: Type.Object({ mode: Type.Union([Type.Literal('single'), Type.Literal('cluster')]), nodeId: Type.String(), nodes: Type.Array(ClusterNodeView) }, { additionalProperties: false }),
      ...vigilErrors,
    },
  },
} as const;
