/**
 * demo: the reference pipeline on a running Vigil (`vigil up --demo`) and the simulated fleet it and
 * `vigil simulate` provision through the API; also the placeholders a resources file may use
 * (`resourceVars`). Not composition: it acts on a started server the way an operator would, through
 * the typed API client. Imports: app and every lower layer; never cli.
 */
export { resourceVars } from './demo-vars.js';
export { provisionFleet, type ProvisionedFleet } from './demo-fleet.js';
export { startSimulation, type SimulationOptions } from './demo-simulation.js';
export { startDemo, demoConfig, demoSummary, demoInfo, REFERENCE_RESOURCES, DEMO_DEFAULTS, BUNDLED_PLAYBOOKS, type RunningDemo, type DemoOptions } from './demo.js';
export { renderDemoInfo, referenceQueries, type DemoInfo } from './demo-info.js';
