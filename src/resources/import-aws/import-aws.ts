import { VigilError } from '../../core/index.js';
import { findProblems } from '../../config/index.js';
import { registryClient, type VigilClient } from '../../api/index.js';
import { parseArn } from '../../protocol/index.js';
import { applyPlan, planResources, type Plan, type PlanEntry, type ResourceDocument } from '../apply.js';
import { RESOURCE_KINDS } from '../kinds.js';
import type { ApplyContext, ResourceKind, Spec } from '../resource-kind.js';
import { caCertificates, certificates, policyAttachments, thingPrincipals, thingTypes } from './import-kinds.js';
import { readAwsExport, type AwsExport, type NotCarried, type SourceAccount } from './read-export.js';

const kind = (key: string): ResourceKind => RESOURCE_KINDS.find((k) => k.key === key) as ResourceKind;

/**
 * What `vigil import aws` plans, in apply order: CAs before the certificates they signed, policies
 * and groups before attachments, things before principals, SNS topics (as notify topics) before the
 * rules, profiles and audit settings that notify them, custom metrics before the profiles that use them.
 */
export const IMPORT_KINDS: readonly ResourceKind[] = [
  thingTypes,
  caCertificates,
  certificates,
  kind('policies'),
  kind('thing_groups'),
  policyAttachments,
  kind('things'),
  thingPrincipals,
  kind('topics'),
  kind('topic_rules'),
  kind('custom_metrics'),
  kind('dimensions'),
  kind('mitigation_actions'),
  kind('security_profiles'),
  kind('audit_configuration'),
  kind('scheduled_audits'),
];

export interface ImportPlan {
  readonly dir: string;
  /** The exported account (`account.json`). */
  readonly source: SourceAccount;
  /** The region and account the running server writes ARNs with. */
  readonly server: SourceAccount;
  /** The server must run with the source's region and account before anything is applied. */
  readonly accountMismatch: boolean;
  readonly plan: Plan;
  readonly notCarried: readonly NotCarried[];
}

/** The running server's region and account, read from an ARN it writes (its built-in CA's). */
export async function serverAccount(client: VigilClient): Promise<SourceAccount> {
  const page = await registryClient(client).listCaCertificates();
  const arn = page.certificates[0]?.certificateArn;
  const parsed = arn === undefined ? undefined : parseArn(arn);
  if (parsed === undefined) throw new VigilError('import.invalid', 'the server listed no CA certificate, so its region and account are unknown');
  return { region: parsed.region, accountId: parsed.accountId };
}

function document(dir: string, items: ReadonlyMap<string, readonly Spec[]>): ResourceDocument {
  const problems: string[] = [];
  const byKind = new Map<ResourceKind, Spec[]>();
  for (const k of IMPORT_KINDS) {
    const specs = [...(items.get(k.key) ?? [])];
    for (const spec of specs) {
      const name = String(spec[k.nameField] ?? 'account');
      for (const problem of findProblems(k.schema, spec)) problems.push(`${k.label} ${name}${problem.path === '' ? '' : `: ${problem.path}`}: ${problem.message}`);
      if (findProblems(k.schema, spec).length === 0) for (const problem of k.validate?.(spec) ?? []) problems.push(`${k.label} ${name}: ${problem}`);
    }
    if (specs.length > 0 || k.singleton !== true) byKind.set(k, specs);
  }
  if (problems.length > 0) throw new VigilError('import.invalid', `${dir}: ${problems.length} item${problems.length === 1 ? '' : 's'} Vigil cannot accept:\n  ${problems.join('\n  ')}`, { details: { problems }, hint: 'nothing was changed' });
  return { source: dir, items: byKind, tokenRefs: [] };
}

/** Reads the export and compares it with the running server (read-only). */
export async function planImport(client: VigilClient, dir: string, applyCtx: (vars: Record<string, string>) => ApplyContext, exported: AwsExport = readAwsExport(dir)): Promise<{ importPlan: ImportPlan; ctx: ApplyContext }> {
  const server = await serverAccount(client);
  const ctx = applyCtx({ region: server.region, account_id: server.accountId });
  const plan = await planResources(ctx, document(dir, exported.items), { kinds: IMPORT_KINDS, blockedAsEntries: true });
  const accountMismatch = server.region !== exported.account.region || server.accountId !== exported.account.accountId;
  return { importPlan: { dir, source: exported.account, server, accountMismatch, plan, notCarried: exported.notCarried }, ctx };
}

/** Applies the plan's creates and updates in order; `onStep` sees each one done (N of M). */
export async function applyImport(ctx: ApplyContext, importPlan: ImportPlan, onStep?: (done: number, total: number, entry: PlanEntry) => void): Promise<void> {
  if (importPlan.accountMismatch) {
    throw new VigilError('import.account_mismatch', `the running server writes ARNs for ${importPlan.server.region}/${importPlan.server.accountId}, the export is from ${importPlan.source.region}/${importPlan.source.accountId}`, {
      hint: 'restart the server (vigil up) with region and account_id from the export, then run vigil import aws again; nothing was changed on the server',
    });
  }
  const total = importPlan.plan.entries.filter((e) => e.action === 'create' || e.action === 'update').length;
  let done = 0;
  await applyPlan(ctx, importPlan.plan, { onStep: (entry) => onStep?.(++done, total, entry) });
}

export interface ImportCounts {
  readonly create: number;
  readonly update: number;
  readonly unchanged: number;
  readonly notCarried: number;
}

export function importCounts(p: ImportPlan): ImportCounts {
  const count = (action: string): number => p.plan.entries.filter((e) => e.action === action).length;
  return { create: count('create'), update: count('update'), unchanged: count('unchanged'), notCarried: p.notCarried.length + p.plan.blocked.length };
}

/** The plan as JSON (for `--output json`). */
export function importPlanJson(p: ImportPlan): Record<string, unknown> {
  return {
    dir: p.dir,
    source: p.source,
    server: p.server,
    accountMismatch: p.accountMismatch,
    items: p.plan.entries.map((e) => ({ kind: e.kind.label, name: e.name, action: e.action, ...(e.action === 'update' ? { changes: e.changes } : {}) })),
    notCarried: [...p.notCarried.map((n) => ({ kind: n.what, name: n.name, file: n.file, reason: n.reason })), ...p.plan.blocked.map((b) => ({ kind: b.kind.label, name: b.name, file: undefined, reason: b.reason }))],
    counts: importCounts(p),
  };
}

/** The plan as a table: one line per item (unchanged ones only with `verbose`), what cannot be carried over with why, a summary. */
export function renderImportPlan(p: ImportPlan, options: { verbose?: boolean } = {}): string {
  const lines: string[] = [`Import from ${p.dir} (AWS account ${p.source.accountId}, ${p.source.region})`];
  const width = Math.max(8, ...p.plan.entries.map((e) => e.kind.label.length));
  for (const entry of p.plan.entries) {
    if (entry.action === 'unchanged' && options.verbose !== true) continue;
    lines.push(`  ${entry.action.padEnd(9)} ${entry.kind.label.padEnd(width)} ${entry.name}${entry.action === 'update' ? `  (${entry.changes.join(', ')})` : ''}`);
  }
  const cannot = [...p.notCarried.map((n) => ({ what: n.what, name: n.name, reason: `${n.reason} [${n.file}]` })), ...p.plan.blocked.map((b) => ({ what: b.kind.label, name: b.name, reason: b.reason }))];
  if (cannot.length > 0) {
    lines.push('Cannot carry over:');
    for (const c of cannot) lines.push(`  ${c.what} ${c.name}: ${c.reason}`);
  }
  const counts = importCounts(p);
  lines.push(`Plan: ${counts.create} to create, ${counts.update} to update, ${counts.unchanged} unchanged, ${counts.notCarried} cannot carry over.`);
  if (p.accountMismatch) {
    lines.push(`The running server writes ARNs for ${p.server.region}/${p.server.accountId}; the export is from ${p.source.region}/${p.source.accountId}.`);
    lines.push(`Nothing is applied until the server runs with region ${p.source.region} and account_id ${p.source.accountId}: --yes writes them to the config file, then restart the server (vigil up) and run the import again.`);
  }
  return `${lines.join('\n')}\n`;
}
