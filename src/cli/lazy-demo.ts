// Loaded with import() only for `vigil up --demo`: the simulator and its MQTT client.
export { demoConfig, demoInfo, renderDemoInfo, startDemo } from '../demo/index.js';
