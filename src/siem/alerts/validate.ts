import { VigilError, isVigilError } from '../../core/index.js';
import type { AlertAction, AlertDefinition, AlertTrigger, SavedSearch } from '../../model/index.js';
import { isSnsTopicRef } from '../../protocol/index.js';
import { compileSpl } from '../spl/compile.js';
import { resolveTimeModifier } from '../spl/time-modifiers.js';
import { parseCron } from './cron.js';
import { COMPARATORS, parseTrigger } from './trigger.js';

/** A saved search as a caller sends it (API body, CLI flags); every field optional on update. */
export interface SavedSearchInput {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly search?: string | undefined;
  readonly earliest?: string | undefined;
  readonly latest?: string | undefined;
  readonly cron?: string | undefined;
  readonly enabled?: boolean | undefined;
  /** `null` removes the alert. */
  readonly alert?: AlertInput | null | undefined;
}

export interface AlertInput {
  /** An object, or the CLI's text (`results>0`, `per-result`). */
  readonly trigger?: AlertTrigger | string | undefined;
  readonly actions?: readonly AlertAction[] | undefined;
  readonly throttle?: { readonly periodSecs: number; readonly fields?: readonly string[] | undefined } | null | undefined;
}

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const FIELD_NAME = /^[^\s,"']{1,200}$/;
export const DEFAULTS = { earliest: '-15m', latest: 'now', cron: '*/5 * * * *' } as const;

/**
 * Merges `input` over `base` (a new search when undefined) and checks everything a run would trip
 * over: the name, the SPL (compiled, not run), the time range, the cron, the trigger, action URLs and
 * topics, throttle fields. Every problem is reported at once with its path (`/alert/actions/0/url`).
 */
export function buildSavedSearch(input: SavedSearchInput, base: SavedSearch | undefined, now: number): SavedSearch {
  const problems: string[] = [];
  const name = base?.name ?? input.name ?? '';
  if (base === undefined && !NAME_PATTERN.test(name)) problems.push(`/name: "${name}" is not a valid name (1-128 of letters, digits, _ . : -, starting with a letter or digit)`);
  const search = (input.search ?? base?.search ?? '').trim();
  const earliest = input.earliest ?? base?.earliest ?? DEFAULTS.earliest;
  const latest = input.latest ?? base?.latest ?? DEFAULTS.latest;
  const cron = input.cron ?? base?.cron ?? DEFAULTS.cron;
  if (search === '') problems.push('/search: the SPL search is required');
  const times: Array<[string, string]> = [['earliest', earliest], ['latest', latest]];
  let timesOk = true;
  for (const [key, value] of times) {
    if (!Number.isFinite(safeResolve(value, now))) {
      timesOk = false;
      problems.push(`/${key}: "${value}" is not a time modifier (use e.g. -15m, -1h@h, now, an epoch or an ISO time)`);
    }
  }
  if (search !== '' && timesOk) {
    try {
      compileSpl(search, { nowMs: now, earliest, latest, maxRows: 1 });
    } catch (error) {
      if (!isVigilError(error)) throw error;
      const at = error.span?.offset === undefined ? '' : ` (at offset ${error.span.offset})`;
      problems.push(`/search: ${error.message}${at}${error.hint === undefined ? '' : `; ${error.hint}`}`);
    }
  }
  const parsedCron = parseCron(cron);
  if (!parsedCron.ok) problems.push(`/cron: ${parsedCron.error.message}; ${parsedCron.error.hint ?? ''}`.trim());
  const alert = input.alert === null ? undefined : input.alert === undefined ? base?.alert : buildAlert(input.alert, base?.alert, problems);
  if (problems.length > 0) {
    throw new VigilError('alert.invalid_saved_search', `invalid saved search ${name === '' ? '' : `${name}: `}${problems.join('; ')}`, { hint: 'fix the fields named by their path and send it again' });
  }
  return {
    name,
    description: input.description ?? base?.description ?? '',
    search,
    earliest,
    latest,
    cron: parsedCron.ok ? parsedCron.value.source : cron,
    enabled: input.enabled ?? base?.enabled ?? true,
    ...(alert === undefined ? {} : { alert }),
    bundled: base?.bundled ?? false,
    createdAt: base?.createdAt ?? now,
    updatedAt: now,
  };
}

function buildAlert(input: AlertInput, base: AlertDefinition | undefined, problems: string[]): AlertDefinition | undefined {
  let trigger: AlertTrigger | undefined = base?.trigger;
  if (typeof input.trigger === 'string') {
    const parsed = parseTrigger(input.trigger);
    if (parsed.ok) trigger = parsed.value;
    else problems.push(`/alert/trigger: ${parsed.error.message}; ${parsed.error.hint ?? ''}`);
  } else if (input.trigger !== undefined) {
    trigger = input.trigger;
    if (trigger.type === 'number_of_results') {
      if (!COMPARATORS.includes(trigger.comparator)) problems.push(`/alert/trigger/comparator: "${String(trigger.comparator)}" is not one of ${COMPARATORS.join(' ')}`);
      if (!Number.isInteger(trigger.threshold) || trigger.threshold < 0) problems.push(`/alert/trigger/threshold: ${String(trigger.threshold)} must be a whole number >= 0`);
    }
  }
  if (trigger === undefined) {
    trigger = { type: 'number_of_results', comparator: '>', threshold: 0 };
  }
  const actions = input.actions ?? base?.actions ?? [];
  actions.forEach((action, i) => {
    if (action.type === 'webhook') {
      let url: URL | undefined;
      try {
        url = new URL(action.url);
      } catch {
        url = undefined;
      }
      if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) problems.push(`/alert/actions/${i}/url: "${action.url}" is not an http:// or https:// URL`);
    } else if (action.type === 'topic') {
      if (!isSnsTopicRef(action.topic)) problems.push(`/alert/actions/${i}/topic: "${action.topic}" is not a notify topic name or ARN`);
    } else {
      problems.push(`/alert/actions/${i}/type: must be "webhook" or "topic"`);
    }
  });
  const throttleInput = input.throttle === null ? undefined : input.throttle === undefined ? base?.throttle : input.throttle;
  if (throttleInput !== undefined) {
    if (!Number.isInteger(throttleInput.periodSecs) || throttleInput.periodSecs < 1) problems.push(`/alert/throttle/periodSecs: ${String(throttleInput.periodSecs)} must be a whole number of seconds >= 1`);
    (throttleInput.fields ?? []).forEach((field, i) => {
      if (!FIELD_NAME.test(field)) problems.push(`/alert/throttle/fields/${i}: "${field}" is not a field name`);
    });
  }
  return { trigger, actions: [...actions], ...(throttleInput === undefined ? {} : { throttle: { periodSecs: throttleInput.periodSecs, fields: [...(throttleInput.fields ?? [])] } }) };
}

function safeResolve(value: string, now: number): number {
  try {
    return resolveTimeModifier(value, now);
  } catch {
    return Number.NaN;
  }
}
