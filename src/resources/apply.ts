import { parseDocument } from 'yaml';
import { VigilError } from '../core/index.js';
import { findProblems } from '../config/index.js';
import { siemClient, type VigilClient } from '../api/index.js';
import { arns } from '../protocol/index.js';
import { RESOURCE_KINDS } from './kinds.js';
import { changedFields, listOrMissing, sameSpec, type ApplyContext, type ResourceKind, type Spec } from './resource-kind.js';

/** A validated resources file: items per kind (placeholders other than `${hec_token:…}` resolved). */
export interface ResourceDocument {
  readonly source: string;
  readonly items: ReadonlyMap<ResourceKind, readonly Spec[]>;
  /** `${hec_token:NAME}` references, checked against the file and the server by the plan. */
  readonly tokenRefs: ReadonlyArray<{ readonly name: string; readonly path: string }>;
}

export type PlanAction = 'create' | 'update' | 'delete' | 'unchanged';

export interface PlanEntry {
  readonly kind: ResourceKind;
  readonly name: string;
  readonly action: PlanAction;
  /** update: the fields that differ. */
  readonly changes: readonly string[];
  readonly desired?: Spec;
  readonly current?: Spec;
}

export interface Plan {
  readonly entries: readonly PlanEntry[];
  /** Declared kinds the server has no API for (only with `skipUnavailable`; otherwise the plan fails). */
  readonly skippedKinds: readonly string[];
  /** Items that differ but cannot be changed in place (only with `blockedAsEntries`; otherwise the plan fails). */
  readonly blocked: readonly BlockedEntry[];
}

export interface BlockedEntry {
  readonly kind: ResourceKind;
  readonly name: string;
  readonly reason: string;
}

export interface PlanOptions {
  readonly prune?: boolean;
  readonly skipUnavailable?: boolean;
  /** The kinds to plan, in apply order (default RESOURCE_KINDS; `vigil import aws` adds its own). */
  readonly kinds?: readonly ResourceKind[];
  /** Report items that cannot be changed in place in `Plan.blocked` instead of failing the plan. */
  readonly blockedAsEntries?: boolean;
}

const PLACEHOLDER = /\$\{([a-zA-Z_]+)(?::([^}]+))?\}/g;

/** A context for `client`: `${hec_token:NAME}` looked up through the API when first needed. */
export function applyContext(client: VigilClient, vars: Readonly<Record<string, string>>): ApplyContext {
  let tokens: Map<string, string> | undefined;
  return {
    client,
    vars,
    async hecToken(name) {
      let value = tokens?.get(name);
      if (value === undefined) {
        tokens = new Map((await siemClient(client).tokens.list()).tokens.map((t) => [t.name, t.token]));
        value = tokens.get(name);
      }
      if (value === undefined) throw new VigilError('apply.unknown_reference', `\${hec_token:${name}}: no HEC token named ${name}`, { hint: 'declare it under hec_tokens' });
      return value;
    },
  };
}

function resolveStatic(value: unknown, vars: Readonly<Record<string, string>>, env: Readonly<Record<string, string | undefined>>, path: string, problems: string[], tokenRefs: Array<{ name: string; path: string }>): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (whole, name: string, arg: string | undefined) => {
      switch (name) {
        case 'hec_token':
          if (arg !== undefined) tokenRefs.push({ name: arg, path });
          return whole;
        case 'env': {
          const found = arg === undefined ? undefined : env[arg];
          if (found === undefined) problems.push(`${path}: environment variable ${arg ?? '(none)'} is not set`);
          return found ?? '';
        }
        case 'topic_arn':
          return arns(vars['region'] ?? 'local', vars['account_id'] ?? '000000000000').snsTopic(arg ?? '');
        default: {
          // `${iot:Connection.Thing.ThingName}` and other IoT policy variables pass through.
          if (arg !== undefined) return whole;
          const found = vars[name];
          if (found === undefined) problems.push(`${path}: unknown placeholder ${whole}${name === 'hec_url' ? ' (Vigil\'s HEC address is unknown: is the server running on this data dir? else pass --set hec_url=URL)' : ''}`);
          return found ?? whole;
        }
      }
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => resolveStatic(item, vars, env, `${path}[${i}]`, problems, tokenRefs));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveStatic(v, vars, env, `${path}.${k}`, problems, tokenRefs)]));
  }
  return value;
}

/**
 * Parses and validates a resources file: YAML, known top-level keys, every item against its kind's
 * schema (all problems reported with paths), unique names, placeholders. Nothing is sent anywhere.
 */
export function parseResources(text: string, source: string, options: { vars: Readonly<Record<string, string>>; env?: Readonly<Record<string, string | undefined>> }): ResourceDocument {
  const problems: string[] = [];
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) throw new VigilError('apply.invalid', `${source}: not valid YAML: ${document.errors.map((e) => e.message).join('; ')}`);
  const root = (document.toJS() ?? {}) as unknown;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw new VigilError('apply.invalid', `${source}: a resources file is a map of kinds (policies:, streams:, …)`);
  const tokenRefs: Array<{ name: string; path: string }> = [];
  const items = new Map<ResourceKind, Spec[]>();
  for (const [key, raw] of Object.entries(root as Record<string, unknown>)) {
    if (key === 'version') {
      if (raw !== 1) problems.push(`version: must be 1`);
      continue;
    }
    const kind = RESOURCE_KINDS.find((k) => k.key === key);
    if (kind === undefined) {
      problems.push(`${key}: unknown kind (known: ${RESOURCE_KINDS.map((k) => k.key).join(', ')})`);
      continue;
    }
    const list = kind.singleton === true ? (raw === null || raw === undefined ? [] : [raw]) : raw;
    if (!Array.isArray(list)) {
      problems.push(`${key}: must be a list`);
      continue;
    }
    const seen = new Set<string>();
    const specs: Spec[] = [];
    for (const [i, item] of list.entries()) {
      const path = kind.singleton === true ? key : `${key}[${i}]`;
      // Fields the engine fills at run time (a playbook's `${thing}`) keep their placeholders.
      const runtime = kind.runtimeFields ?? [];
      const isMap = typeof item === 'object' && item !== null && !Array.isArray(item);
      const fixed = isMap && runtime.length > 0 ? Object.fromEntries(Object.entries(item as Spec).filter(([k]) => !runtime.includes(k))) : item;
      const later = isMap ? Object.fromEntries(Object.entries(item as Spec).filter(([k]) => runtime.includes(k))) : {};
      const statics = resolveStatic(fixed, options.vars, options.env ?? process.env, path, problems, tokenRefs);
      const resolved = isMap ? { ...(statics as Spec), ...later } : statics;
      const spec = (kind.singleton === true ? { ...(resolved as Spec), name: 'account' } : resolved) as Spec;
      const schemaProblems = findProblems(kind.schema, spec);
      for (const problem of schemaProblems) problems.push(`${path}${problem.path === '' ? '' : `.${problem.path}`}: ${problem.message}`);
      if (schemaProblems.length === 0) for (const problem of kind.validate?.(spec) ?? []) problems.push(`${path}: ${problem}`);
      const name = spec[kind.nameField];
      if (typeof name === 'string') {
        if (seen.has(name)) problems.push(`${path}: duplicate ${kind.label} ${name}`);
        seen.add(name);
      }
      specs.push(spec);
    }
    items.set(kind, specs);
  }
  if (problems.length > 0) {
    throw new VigilError('apply.invalid', `${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  ${problems.join('\n  ')}`, { details: { problems }, hint: 'nothing was changed' });
  }
  return { source, items, tokenRefs };
}

const nameOf = (kind: ResourceKind, spec: Spec): string => String(spec[kind.nameField] ?? 'account');
const comparable = (kind: ResourceKind, spec: Spec): Spec => {
  const normalized = kind.normalize?.(spec) ?? spec;
  return kind.comparable?.(normalized) ?? normalized;
};

/**
 * Compares the document with the server: for each declared item create, update or unchanged; with
 * `prune`, items of a declared kind that the file does not name are deleted. Throws (changing
 * nothing) when the server lacks a kind's API, an item cannot be updated in place, or a reference
 * does not resolve.
 */
export async function planResources(ctx: ApplyContext, document: ResourceDocument, options: PlanOptions = {}): Promise<Plan> {
  const problems: string[] = [];
  const entries: PlanEntry[] = [];
  const skippedKinds: string[] = [];
  const currentByKind = new Map<ResourceKind, Spec[]>();
  const blocked: BlockedEntry[] = [];
  for (const kind of options.kinds ?? RESOURCE_KINDS) {
    const desired = document.items.get(kind);
    if (desired === undefined) continue;
    const current = await listOrMissing(() => kind.list(ctx));
    if (current === undefined) {
      if (desired.length > 0 && options.skipUnavailable === true) skippedKinds.push(kind.key);
      else if (desired.length > 0) problems.push(`${kind.key}: this server has no API for ${kind.label}s (the engine is not part of this build)`);
      continue;
    }
    currentByKind.set(kind, current);
    for (const spec of desired) {
      const name = nameOf(kind, spec);
      const found = current.find((c) => nameOf(kind, c) === name);
      if (found === undefined) {
        entries.push({ kind, name, action: 'create', changes: [], desired: spec });
        continue;
      }
      const want = comparable(kind, spec);
      const have = comparable(kind, found);
      if (sameSpec(want, have)) {
        entries.push({ kind, name, action: 'unchanged', changes: [], desired: spec, current: found });
        continue;
      }
      const why = kind.update === undefined ? `${kind.label}s cannot be changed in place` : kind.updateBlocked?.(kind.normalize?.(spec) ?? spec, kind.normalize?.(found) ?? found);
      if (why !== undefined && options.blockedAsEntries === true) {
        blocked.push({ kind, name, reason: `${why} (differs in ${changedFields(want, have).join(', ')})` });
        continue;
      }
      if (why !== undefined) problems.push(`${kind.key}/${name}: ${why} (differs in ${changedFields(want, have).join(', ')})`);
      entries.push({ kind, name, action: 'update', changes: changedFields(want, have), desired: spec, current: found });
    }
    if (options.prune === true && kind.delete !== undefined) {
      for (const found of current) {
        const name = nameOf(kind, found);
        if (!desired.some((d) => nameOf(kind, d) === name)) entries.push({ kind, name, action: 'delete', changes: [], current: found });
      }
    }
  }
  const tokenKind = RESOURCE_KINDS.find((k) => k.key === 'hec_tokens') as ResourceKind;
  const declared = new Set((document.items.get(tokenKind) ?? []).map((s) => s['name']));
  for (const ref of document.tokenRefs.filter((r) => !declared.has(r.name))) {
    const existing = currentByKind.get(tokenKind) ?? (await listOrMissing(() => tokenKind.list(ctx))) ?? [];
    if (!existing.some((t) => t['name'] === ref.name)) problems.push(`${ref.path}: \${hec_token:${ref.name}} names no HEC token (declare it under hec_tokens)`);
  }
  if (problems.length > 0) {
    throw new VigilError('apply.invalid', `${document.source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  ${problems.join('\n  ')}`, { details: { problems }, hint: 'nothing was changed' });
  }
  return { entries, skippedKinds, blocked };
}

/** Plans, then (unless `dryRun`) creates and updates in kind order and deletes in reverse order. */
export async function applyResources(ctx: ApplyContext, document: ResourceDocument, options: PlanOptions & { dryRun?: boolean; onStep?: (entry: PlanEntry) => void } = {}): Promise<Plan> {
  const plan = await planResources(ctx, document, options);
  if (options.dryRun === true) return plan;
  await applyPlan(ctx, plan, options);
  return plan;
}

/** Makes a plan's changes: creates and updates in plan order, then deletes in reverse order. */
export async function applyPlan(ctx: ApplyContext, plan: Plan, options: { onStep?: (entry: PlanEntry) => void } = {}): Promise<void> {
  for (const entry of plan.entries) {
    if (entry.action === 'create') await entry.kind.create(ctx, entry.desired as Spec);
    else if (entry.action === 'update') await entry.kind.update?.(ctx, entry.desired as Spec, entry.current as Spec);
    else continue;
    options.onStep?.(entry);
  }
  for (const entry of [...plan.entries].reverse()) {
    if (entry.action !== 'delete') continue;
    await entry.kind.delete?.(ctx, entry.name);
    options.onStep?.(entry);
  }
}

/** The plan as text: one line per resource, then a summary. */
export function renderPlan(plan: Plan, options: { verbose?: boolean } = {}): string {
  const lines: string[] = [];
  const counts: Record<PlanAction, number> = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const entry of plan.entries) {
    counts[entry.action]++;
    if (entry.action === 'unchanged' && options.verbose !== true) continue;
    const detail = entry.action === 'update' ? `  (${entry.changes.join(', ')})` : '';
    lines.push(`  ${entry.action.padEnd(9)} ${entry.kind.label}/${entry.name}${detail}`);
  }
  if (plan.skippedKinds.length > 0) lines.push(`  skipped   ${plan.skippedKinds.join(', ')} (this server has no API for them yet)`);
  lines.push(`Plan: ${counts.create} to create, ${counts.update} to update, ${counts.delete} to delete, ${counts.unchanged} unchanged.`);
  return `${lines.join('\n')}\n`;
}
