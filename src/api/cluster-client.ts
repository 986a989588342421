import type { Static } from 'typebox';
import type { clusterContract } from './contract/index.js';
import type { VigilClient } from './client.js';

export type ClusterStatusView = Static<(typeof clusterContract)['status']['response'][200]>;

/** Typed call of `GET /api/v1/cluster`. */
export function clusterClient(client: VigilClient) {
  return {
    status: () => client.request<ClusterStatusView>('GET', '/api/v1/cluster'),
  };
}
