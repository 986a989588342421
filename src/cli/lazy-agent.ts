// Loaded with import() when `vigil agent` runs: the agent's MQTT client and collectors.
export { runAgent } from '../agent/index.js';
