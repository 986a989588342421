// Loaded with import() when `vigil up` runs: the whole server.
export { startVigil } from '../app/index.js';
export { demoConfig, demoSummary, startDemo } from '../demo/index.js';
