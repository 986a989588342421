import type { CodeTable } from './kinds.js';

/** cluster mode: NATS between nodes, the cluster CA, membership. */
export const CLUSTER_ERRORS = {
  'cluster.invalid_config': 'invalid',
  'cluster.secret_key': 'invalid',
  'cluster.ca_key_mismatch': 'invalid',
  'cluster.unavailable': 'unavailable',
  'cluster.relay_failed': 'internal',
  'cluster.bridge_failed': 'internal',
  'cluster.not_enabled': 'not_found',
} as const satisfies CodeTable;
