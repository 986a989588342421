// Loaded with import() only when no server answers: the stores and their drivers.
export { openOfflineSiem, openStoresForCli } from '../app/index.js';
export { createAccessKey } from '../api/index.js';
export { Telemetry, createLogger } from '../telemetry/index.js';
