// Loaded with import() when `vigil simulate` runs: the simulator and the fleet provisioning.
export { startSimulation } from '../demo/index.js';
