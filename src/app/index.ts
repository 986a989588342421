/**
 * app: composition roots. The only place that constructs engines and wires their ports: `up` (the
 * server), and later `agent` and `simulate`. Also owns the whole config schema, composed from each
 * component's section. Imports: any lower layer; never cli.
 */
export { startVigil, type RunningVigil, type UpOptions } from './up.js';
export { loadVigilConfig, validateVigilConfig, type LoadedVigilConfig } from './load.js';
export { vigilConfigSchema, type VigilConfig } from './config-schema.js';
export { openStoresForCli, type CliStores } from './cli-stores.js';
export { openOfflineSiem, type OfflineSiem } from './offline-siem.js';
export { thingDirectory } from './wire-detect.js';
export { exposureOf } from './wire-audit.js';
export { respondRegistry, QUARANTINE_POLICY_DOCUMENT } from './wire-respond.js';
