/**
 * telemetry: Vigil's internal events. A fixed list of named events (events.ts), each counted for
 * `GET /metrics` (Prometheus text) and written as one pino log line (JSON, or one readable line per
 * event on a terminal, plus an optional rotating file); secrets are redacted. Imports: core and npm only.
 */
export { Telemetry } from './telemetry.js';
export { EVENTS, GAUGES, HISTOGRAMS, LATENCY_BUCKETS_SECONDS, type EventName, type EventLabels, type GaugeName, type HistogramName } from './events.js';
export { startProcessMetrics, type ProcessMetrics } from './process-metrics.js';
export { createLogger, resolveLogFormat, REDACTED_PATHS, type LogFormat, type LoggerOptions } from './logger.js';
export { humanLine } from './human-line.js';
export { RotatingFile, type RotatingFileOptions } from './rotating-file.js';
export { logConfigSchema } from './config.js';
