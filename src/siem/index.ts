/**
 * siem: the embedded SIEM. `hec/` is a Splunk HTTP Event Collector (its own listener, tokens,
 * channels and indexer acknowledgement), `events/` the DuckDB event store (batched appends that
 * commit before acks turn true, per-index retention), `spl/` the SPL compiler (lex → parse → AST →
 * plan → DuckDB SQL, one file per command in `spl/commands/`) and its executor.
 * Imports: core, model, config, telemetry, store (the EventsDb handle) and npm; no other engine.
 */
export { SiemEngine, type SiemDeps, type TokenRequest } from './siem-engine.js';
export { hecConfigSchema, siemConfigSchema } from './hec/config.js';
export { createHecServer, type HecServer, type HecConfig, type HecDeps } from './hec/hec-server.js';
export { HEC_CODES, hecBody, type HecCode, type HecReply } from './hec/hec-codes.js';
export { EventStore } from './events/event-store.js';
export { compileSpl, explain, formatSplError, parseSpl, type CompiledSearch, type CompileOptions } from './spl/compile.js';
export { runSearch, formatTime, type SearchRequest, type SearchResult, type ResultRow } from './spl/execute.js';
export { resolveTimeModifier } from './spl/time-modifiers.js';
export { COMMANDS } from './spl/commands/index.js';
