/**
 * telemetry: Vigil's internal events. A fixed list of named events (events.ts), each counted for
 * `GET /metrics` (Prometheus text) and written as one pino log line (JSON, or one readable line per
 * event on a terminal, plus an optional rotating file); secrets are redacted. Imports: core and npm only.
 */
export { Telemetry } from './telemetry.js';
export { EVENTS, GAUGES, type EventName, type EventLabels, type GaugeName } from './events.js';
export { createLogger, resolveLogFormat, REDACTED_PATHS, type LogFormat, type LoggerOptions } from './logger.js';
export { humanLine } from './human-line.js';
export { RotatingFile, type RotatingFileOptions } from './rotating-file.js';
export { logConfigSchema } from './config.js';
