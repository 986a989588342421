/**
 * sim: the fleet simulator. Device models (idle sensor, thermostat, gateway, camera) are pure
 * functions of a device and a time, with daily and weekly patterns and per-device noise, so an ML
 * corpus generator can reuse them without a broker (`ml-corpus.ts`: the labelled security scenario corpus of ML Detect); scenarios (ftp-port-21, exfiltration, …) change
 * one target device; the `Simulator` runs the fleet as real MQTT-over-TLS clients with their own
 * certificates. Imports: core, model, config, telemetry, protocol, and npm (mqtt).
 */
export { DEVICE_MODELS, deviceModel, buildFleet, deviceSample, activity, type DeviceModel, type DeviceSample, type SimDevice, type SimConnection } from './device-model.js';
export { SCENARIOS, scenario, targetIndex, type Scenario, type ConnectionBehavior } from './scenarios.js';
export { sampleReport } from './sample-report.js';
export { Simulator, type SimulatorOptions, type SimStats, type DeviceIdentity } from './simulator.js';
export { hashSeed, seededRandom, noise } from './random.js';
export { generateCorpus, writeCorpus, readCorpus, INCIDENT_KINDS, CORPUS_START, SCENARIO_METRICS, type CorpusOptions } from './ml-corpus.js';
