import type { FastifyInstance } from 'fastify';
import { clusterContract as c } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';

/** `GET /api/v1/cluster`: the nodes of the cluster as this node hears them (`vigil cluster status`). */
export function clusterRoutes(app: FastifyInstance, deps: Pick<ApiDeps, 'cluster'>): void {
  app.get('/api/v1/cluster', { schema: { tags: ['operations'], summary: 'Cluster nodes, their roles, connections and state', ...c.status } }, async () => {
    const status = deps.cluster.status();
    const detect = status.detect;
    return {
      mode: status.mode,
      nodeId: status.nodeId,
      nodes: status.nodes.map((node) => ({ ...node, startedAt: new Date(node.startedAt).toISOString(), lastSeen: new Date(node.lastSeen).toISOString(), roles: [...node.roles], endpoints: { ...node.endpoints }, ...(detect === undefined ? {} : { partitions: detect.owners[node.nodeId] ?? 0 }) })),
      ...(detect === undefined ? {} : { detect: { partitions: detect.partitions, adopting: detect.adopting, routed: detect.routed, pending: detect.pending, ...(detect.routeLatencyMs === undefined ? {} : { routeLatencyMs: detect.routeLatencyMs }) } }),
    };
  });
}
