/**
 * telemetry: Vigil's internal events. A fixed list of named events (events.ts), each counted for
 * `GET /metrics` (Prometheus text) and written as one pino log line; secrets are redacted.
 * Imports: core and npm only.
 */
export { Telemetry } from './telemetry.js';
export { EVENTS, GAUGES, type EventName, type EventLabels, type GaugeName } from './events.js';
export { createLogger, REDACTED_PATHS, type LogFormat, type LoggerOptions } from './logger.js';
export { logConfigSchema } from './config.js';
