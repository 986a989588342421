/**
 * resources: declarative resource files (`vigil apply`, `vigil export`, the demo's setup): kinds as a
 * table, a validated document, a plan, applied to a running server through the API's typed clients.
 * Imports: core, config, stream (the stream definition check, run locally) and api (clients and
 * contract types); never app or cli, which use it.
 */
export { RESOURCE_KINDS } from './kinds.js';
export { type ResourceKind, type Spec, type ApplyContext, sameSpec } from './resource-kind.js';
export { applyResources, planResources, parseResources, renderPlan, applyContext, type Plan, type PlanEntry, type ResourceDocument } from './apply.js';
export { exportResources } from './export.js';
