/**
 * siem: the embedded SIEM. `hec/` is a Splunk HTTP Event Collector (its own listener, tokens,
 * channels and indexer acknowledgement), `events/` the DuckDB event store (batched appends that
 * commit before acks turn true, per-index retention), `spl/` the SPL compiler (lex → parse → AST →
 * plan → DuckDB SQL, one file per command in `spl/commands/`) and its executor; `alerts/` saved
 * searches on a cron schedule with alerts (trigger, throttle, webhook and notify-topic actions, history)
 * and the bundled IoT detections.
 * Imports: core, model, config, telemetry, protocol (HEC codes and envelope), store (the EventsDb
 * handle) and npm; no other engine
 * (notify topics are reached through the model's `Notifier` port).
 */
export { SiemEngine, type SiemDeps, type TokenRequest } from './siem-engine.js';
export { hecConfigSchema, siemConfigSchema } from './hec/config.js';
export { createHecServer, type HecServer, type HecConfig, type HecDeps } from './hec/hec-server.js';
export { EventStore } from './events/event-store.js';
export { ensureSiemDefaults } from './defaults.js';
export { LookupStore, LOOKUP_LIMITS, LOOKUP_NAME, type LookupInfo } from './lookups/index.js';
export { compileSpl, explain, formatSplError, parseSpl, type CompiledSearch, type CompileOptions } from './spl/compile.js';
export { runSearch, formatTime, type SearchRequest, type SearchResult, type ResultRow } from './spl/execute.js';
export { resolveTimeModifier } from './spl/time-modifiers.js';
export { COMMANDS } from './spl/commands/index.js';
export { AlertEngine, type AlertEngineDeps, type AlertEngineOptions } from './alerts/alert-engine.js';
export { BUNDLED_SEARCHES, type BundledSearch } from './alerts/bundled-searches.js';
export { parseCron, nextCronTime, type CronSchedule } from './alerts/cron.js';
export { parseTrigger, formatTrigger } from './alerts/trigger.js';
export type { SavedSearchInput, AlertInput } from './alerts/validate.js';
