/**
 * resources: declarative resource files (`vigil apply`, `vigil export`, the demo's setup): kinds as a
 * table, a validated document, a plan, applied to a running server through the API's typed clients.
 * Imports: core, config, protocol, stream (the stream definition check, run locally), rules (the
 * supported rule actions, for `vigil import aws`) and api (clients and contract types); never app or cli, which use it.
 */
export { RESOURCE_KINDS } from './kinds.js';
export { type ResourceKind, type Spec, type ApplyContext, sameSpec } from './resource-kind.js';
export { applyResources, applyPlan, planResources, parseResources, renderPlan, applyContext, type Plan, type PlanEntry, type ResourceDocument } from './apply.js';
export { exportResources } from './export.js';
export { readAwsExport, type AwsExport, type NotCarried, type SourceAccount } from './import-aws/read-export.js';
export { IMPORT_KINDS, planImport, applyImport, serverAccount, importCounts, importPlanJson, renderImportPlan, type ImportPlan, type ImportCounts } from './import-aws/import-aws.js';
