/** Declarative resources (`vigil apply`, `vigil export`, the demo's setup): kinds as a table, a validated document, a plan. */
export { RESOURCE_KINDS } from './kinds.js';
export { type ResourceKind, type Spec, type ApplyContext, sameSpec } from './resource-kind.js';
export { applyResources, planResources, parseResources, renderPlan, applyContext, type Plan, type PlanEntry, type ResourceDocument } from './apply.js';
export { exportResources } from './export.js';
