import { VigilError, err, ok, type Result } from '../core/index.js';
import type { Playbook, PlaybookLimits, PlaybookStep, PlaybookStepType, PlaybookTrigger } from '../model/index.js';
import { STEPS, type ParamKind } from './steps/index.js';

/** A playbook as written (file, API body): snake_case keys, each step flat (`{ type: quarantine, group: … }`). */
export interface PlaybookDocument {
  readonly name: string;
  readonly description?: string;
  readonly enabled?: boolean;
  readonly dry_run?: boolean;
  readonly trigger: Readonly<Record<string, unknown>>;
  readonly limits?: { readonly max_things_per_hour?: number; readonly step_attempts?: number };
  readonly steps: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

export const PLAYBOOK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
export const DEFAULT_LIMITS: PlaybookLimits = { maxThingsPerHour: 10, stepAttempts: 3 };
const MAX_STEPS = 20;
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const VIOLATION_EVENTS = ['in-alarm', 'alarm-cleared', 'alarm-invalidated'];

const TRIGGER_KEYS: Readonly<Record<PlaybookTrigger['type'], Readonly<Record<string, ParamKind>>>> = {
  alert: { search: 'string' },
  violation: { profile: 'string', behavior: 'string', metric: 'string', event: 'string' },
  audit_finding: { check: 'string', severity: 'string' },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): ParamKind | undefined {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number' && Number.isFinite(value)) return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return 'string[]';
  return undefined;
}

/**
 * Checks a playbook document and builds the playbook (defaults filled). Every problem is reported
 * at once with its path (`/steps/2/group: required`), so a bad file is fixed in one go.
 */
export function parsePlaybook(input: unknown, now: number, base?: Playbook): Result<Playbook> {
  const problems: string[] = [];
  if (!isRecord(input)) return err(new VigilError('playbook.invalid', 'a playbook is an object with name, trigger and steps'));
  const known = new Set(['name', 'description', 'enabled', 'dry_run', 'trigger', 'limits', 'steps', 'kind']);
  for (const key of Object.keys(input)) if (!known.has(key)) problems.push(`/${key}: unknown key (known: ${[...known].filter((k) => k !== 'kind').join(', ')})`);
  const name = input['name'];
  if (typeof name !== 'string' || !PLAYBOOK_NAME.test(name)) problems.push('/name: required, 1-128 characters of A-Z a-z 0-9 _ . - (starting with a letter or digit)');
  const description = input['description'] ?? base?.description ?? '';
  if (typeof description !== 'string' || description.length > 2000) problems.push('/description: a string of at most 2000 characters');
  for (const flag of ['enabled', 'dry_run'] as const) if (input[flag] !== undefined && typeof input[flag] !== 'boolean') problems.push(`/${flag}: true or false`);

  const trigger = parseTrigger(input['trigger'], problems);
  const limits = parseLimits(input['limits'], problems);
  const steps: PlaybookStep[] = [];
  const rawSteps = input['steps'];
  if (!Array.isArray(rawSteps) || rawSteps.length === 0 || rawSteps.length > MAX_STEPS) problems.push(`/steps: a list of 1..${MAX_STEPS} steps`);
  else rawSteps.forEach((raw, index) => {
    const step = parseStep(raw, `/steps/${index}`, problems);
    if (step !== undefined) steps.push(step);
  });
  if (problems.length > 0 || trigger === undefined) {
    return err(new VigilError('playbook.invalid', `the playbook is not valid:\n  ${problems.join('\n  ')}`, { hint: 'see docs/respond.md for the format', details: { problems } }));
  }
  return ok({
    name: name as string,
    description: description as string,
    enabled: (input['enabled'] as boolean | undefined) ?? base?.enabled ?? false,
    dryRun: (input['dry_run'] as boolean | undefined) ?? false,
    trigger,
    steps,
    limits,
    createdAt: base?.createdAt ?? now,
    updatedAt: now,
  });
}

function parseTrigger(raw: unknown, problems: string[]): PlaybookTrigger | undefined {
  if (!isRecord(raw) || typeof raw['type'] !== 'string' || !Object.hasOwn(TRIGGER_KEYS, raw['type'])) {
    problems.push(`/trigger: an object whose type is one of ${Object.keys(TRIGGER_KEYS).join(', ')}`);
    return undefined;
  }
  const type = raw['type'] as PlaybookTrigger['type'];
  const keys = TRIGGER_KEYS[type];
  const before = problems.length;
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'type') continue;
    if (!Object.hasOwn(keys, key)) problems.push(`/trigger/${key}: unknown key for a ${type} trigger (known: ${Object.keys(keys).join(', ')})`);
    else if (kindOf(value) !== keys[key]) problems.push(`/trigger/${key}: a ${keys[key]}`);
  }
  if (type === 'alert' && typeof raw['search'] !== 'string') problems.push('/trigger/search: required (the saved search whose alert starts the playbook)');
  if (type === 'violation' && raw['event'] !== undefined && !VIOLATION_EVENTS.includes(String(raw['event']))) problems.push(`/trigger/event: one of ${VIOLATION_EVENTS.join(', ')}`);
  if (type === 'audit_finding' && raw['severity'] !== undefined && !SEVERITIES.includes(String(raw['severity']))) problems.push(`/trigger/severity: one of ${SEVERITIES.join(', ')}`);
  if (problems.length > before) return undefined;
  const { type: _type, ...rest } = raw;
  return { type, ...(type === 'violation' ? { event: 'in-alarm' } : {}), ...rest } as PlaybookTrigger;
}

function parseLimits(raw: unknown, problems: string[]): PlaybookLimits {
  if (raw === undefined) return DEFAULT_LIMITS;
  if (!isRecord(raw)) {
    problems.push('/limits: an object (max_things_per_hour, step_attempts)');
    return DEFAULT_LIMITS;
  }
  const integer = (key: string, min: number, max: number, fallback: number): number => {
    const value = raw[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) problems.push(`/limits/${key}: an integer in ${min}..${max}`);
    return typeof value === 'number' ? value : fallback;
  };
  for (const key of Object.keys(raw)) if (key !== 'max_things_per_hour' && key !== 'step_attempts') problems.push(`/limits/${key}: unknown key (known: max_things_per_hour, step_attempts)`);
  return { maxThingsPerHour: integer('max_things_per_hour', 1, 100_000, DEFAULT_LIMITS.maxThingsPerHour), stepAttempts: integer('step_attempts', 1, 10, DEFAULT_LIMITS.stepAttempts) };
}

function parseStep(raw: unknown, path: string, problems: string[]): PlaybookStep | undefined {
  if (!isRecord(raw) || typeof raw['type'] !== 'string' || !Object.hasOwn(STEPS, raw['type'])) {
    problems.push(`${path}/type: one of ${Object.keys(STEPS).join(', ')}`);
    return undefined;
  }
  const type = raw['type'] as PlaybookStepType;
  const spec = STEPS[type].params;
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'type') continue;
    const param = spec[key];
    if (param === undefined) problems.push(`${path}/${key}: unknown parameter of ${type} (known: ${Object.keys(spec).join(', ') || 'none'})`);
    else if (kindOf(value) !== param.kind) problems.push(`${path}/${key}: a ${param.kind}`);
    else if (param.oneOf !== undefined && !param.oneOf.includes(String(value))) problems.push(`${path}/${key}: one of ${param.oneOf.join(', ')}`);
    else params[key] = value;
  }
  for (const [key, param] of Object.entries(spec)) {
    if (params[key] === undefined && param.default !== undefined) params[key] = param.default;
    if (params[key] === undefined && param.required === true) problems.push(`${path}/${key}: required`);
  }
  return { type, params };
}

/** The playbook back as its document (what export and the API show). */
export function playbookDocument(playbook: Playbook): PlaybookDocument {
  return {
    name: playbook.name,
    description: playbook.description,
    enabled: playbook.enabled,
    dry_run: playbook.dryRun,
    trigger: { ...playbook.trigger },
    limits: { max_things_per_hour: playbook.limits.maxThingsPerHour, step_attempts: playbook.limits.stepAttempts },
    steps: playbook.steps.map((step) => ({ type: step.type, ...step.params })),
  };
}
