import { Type, type Static } from 'typebox';
import { apiConfigSchema } from '../api/index.js';
import { storeConfigSchema } from '../store/index.js';
import { registryConfigSchema } from '../registry/index.js';
import { hecConfigSchema, siemConfigSchema } from '../siem/index.js';
import { logConfigSchema } from '../telemetry/index.js';
import { notifyConfigSchema } from '../notify/index.js';
import { streamConfigSchema } from '../stream/index.js';
import { detectConfigSchema, mlConfigSchema } from '../detect/index.js';
import { auditConfigSchema } from '../audit/index.js';
import { ingressConfigSchema } from '../ingress/index.js';
import { rulesConfigSchema } from '../rules/index.js';
import { clusterConfigSchema } from '../cluster/index.js';

/**
 * The whole `vigil.yaml`: top-level keys plus one section per component, each component's schema
 * kept beside its code. A component that lands adds its section here.
 */
export const vigilConfigSchema = Type.Object(
  {
    data_dir: Type.String({ minLength: 1, default: './vigil-data', description: 'Data directory: registry.sqlite, events.duckdb, secrets/ (0700), run/. A relative path is resolved from the config file\'s folder (or the working directory without a file).' }),
    region: Type.String({ pattern: '^[a-z0-9-]{1,32}$', default: 'local', description: 'Region used in ARNs (AWS tools parse ARNs).', examples: ['local', 'eu-west-1'] }),
    account_id: Type.String({ pattern: '^[0-9]{12}$', default: '000000000000', description: 'Account id used in ARNs (12 digits).', examples: ['000000000000'] }),
    shutdown_timeout_secs: Type.Integer({ minimum: 1, maximum: 600, default: 10, description: 'On SIGINT/SIGTERM, how long to drain in-flight work before exiting.' }),
    log: logConfigSchema,
    api: apiConfigSchema,
    store: storeConfigSchema,
    notify: notifyConfigSchema,
    registry: registryConfigSchema,
    hec: hecConfigSchema,
    siem: siemConfigSchema,
    stream: streamConfigSchema,
    detect: detectConfigSchema,
    ml: mlConfigSchema,
    audit: auditConfigSchema,
    mqtt: ingressConfigSchema,
    rules: rulesConfigSchema,
    cluster: clusterConfigSchema,
  },
  { additionalProperties: false },
);

export type VigilConfig = Static<typeof vigilConfigSchema>;

/**
 * The event store's one DuckDB memory limit, in MB (DuckDB's unit, 10^6 bytes):
 * `store.duckdb_memory_limit_mb`, unless the deprecated `siem.search.max_memory_bytes` is set (it used
 * to be applied second and win), rounded up to whole MB.
 */
export function eventStoreMemoryLimitMb(config: VigilConfig): { readonly mb: number; readonly deprecatedKey?: string } {
  const bytes = config.siem.search.max_memory_bytes;
  if (bytes === undefined) return { mb: config.store.duckdb_memory_limit_mb };
  return { mb: Math.ceil(bytes / 1e6), deprecatedKey: 'siem.search.max_memory_bytes' };
}
