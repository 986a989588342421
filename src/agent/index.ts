/**
 * agent: the Vigil device agent. Collects Device Defender metrics on Linux (`/proc/net` sockets and
 * interface counters, custom metrics from commands or files), builds reports and publishes them over
 * MQTT/TLS with the device certificate, logging the broker's answers. It ships alone to devices as
 * one bundled file (`npm run build:agent`, entry `bin.ts`), so it imports only core, model,
 * protocol and config, plus npm packages that bundle (mqtt, commander).
 */
export { runAgent, type AgentDeps } from './run-agent.js';
export { addAgentOptions, agentOptionsFrom, MIN_INTERVAL_SECS, type AgentOptions } from './options.js';
export { createReportBuilder, type ReportBuilder, type ReportBuilderOptions } from './report-builder.js';
export { startPublisher, type Publisher, type PublisherOptions } from './publisher.js';
export { agentConfigSchema, type AgentConfig, type CustomMetricSpec } from './config.js';
export { parseCustomValue, collectCustomMetric } from './custom-metrics.js';
export { parseProcNetSockets, parseProcNetDev, formatAddress, type SocketEntry, type InterfaceCounters } from './proc-net.js';
export { interfaceLookup, type InterfaceLookup, type InterfaceTable } from './interfaces.js';
export { COLLECTORS, networkDelta, type Collector, type Snapshot } from './collectors/index.js';
export { createLogger, type AgentLogger, type LogLevel } from './logger.js';
