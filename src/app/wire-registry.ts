import type { Clock } from '../core/index.js';
import { createRegistry, type Registry } from '../registry/index.js';
import { type DataDir, type RegistryDb, registryRepositories } from '../store/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { VigilConfig } from './config-schema.js';

/** Builds the registry engine over the registry database and `<data_dir>/secrets` (CA, broker certificate). */
export function wireRegistry(input: { config: VigilConfig; registry: RegistryDb; layout: DataDir; clock: Clock; telemetry: Telemetry }): Promise<Registry> {
  return createRegistry({
    stores: registryRepositories(input.registry),
    config: input.config.registry,
    secretsDir: input.layout.secretsDir,
    clock: input.clock,
    telemetry: input.telemetry.child('registry'),
    region: input.config.region,
    accountId: input.config.account_id,
  });
}
