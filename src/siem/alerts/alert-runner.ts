import { newId, toVigilError, type Clock } from '../../core/index.js';
import type { AlertActionOutcome, AlertRun, SavedSearch, SavedSearchStore } from '../../model/index.js';
import type { Telemetry } from '../../telemetry/index.js';
import type { ResultRow, SearchRequest, SearchResult } from '../spl/execute.js';
import { formatTime } from '../spl/execute.js';
import { resolveTimeModifier } from '../spl/time-modifiers.js';
import { runAction, type ActionPorts } from './actions.js';
import { evaluateAlert, formatTrigger } from './trigger.js';

export interface RunnerDeps {
  readonly store: SavedSearchStore;
  search(request: SearchRequest): Promise<SearchResult>;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  readonly actions: ActionPorts;
  readonly limits: RunnerLimits;
  /** Told the rows of each firing (after throttling), e.g. so playbooks can act on them. */
  readonly onFired?: ((search: string, rows: readonly ResultRow[]) => void) | undefined;
}

export interface RunnerLimits {
  /** Rows a saved search may return (and a webhook receives at most). */
  readonly maxRows: number;
  /** Rows kept in each history entry. */
  readonly sampleRows: number;
  /** History entries kept per saved search. */
  readonly historyPerSearch: number;
  /** Per-result alerts send at most this many results per run (the rest are counted, not sent). */
  readonly maxPerResultActions: number;
}

/**
 * Runs one saved search now and, when it has an alert, evaluates the trigger against the throttle
 * state, suppresses the keys that fired, runs the actions and records the run in the history. A
 * failing search is a `failed` run with its error, never a thrown error.
 */
export async function runSavedSearch(deps: RunnerDeps, saved: SavedSearch, cause: AlertRun['cause'], at = deps.clock.now()): Promise<AlertRun> {
  // The run belongs to its cron slot: the time range, the throttle and the history use the slot's time.
  const started = at;
  const id = newId();
  const finish = async (run: Omit<AlertRun, 'id' | 'searchName' | 'time' | 'cause' | 'durationMs'>): Promise<AlertRun> => {
    const full: AlertRun = { id, searchName: saved.name, time: started, cause, ...run, durationMs: Math.max(0, deps.clock.now() - started) };
    await deps.store.addRun(full, deps.limits.historyPerSearch);
    deps.telemetry.emit('alert_run', { status: full.status }, { search: saved.name, cause, results: full.resultCount, fired: full.firedCount, suppressed: full.suppressedCount, ...(full.error === undefined ? {} : { code: full.error.code, error: full.error.message }) });
    return full;
  };
  let result: SearchResult;
  try {
    const range = { earliest: epochSecs(resolveTimeModifier(saved.earliest, started)), latest: epochSecs(resolveTimeModifier(saved.latest, started)) };
    result = await deps.search({ query: saved.search, ...range, maxRows: deps.limits.maxRows });
  } catch (error) {
    const e = toVigilError(error);
    return finish({ status: 'failed', resultCount: 0, rows: [], firedCount: 0, suppressedCount: 0, actions: [], error: { code: e.code, message: e.message } });
  }
  const rows = result.rows;
  const sample = (list: readonly ResultRow[]): ResultRow[] => list.slice(0, deps.limits.sampleRows);
  if (saved.alert === undefined) return finish({ status: 'not_fired', resultCount: rows.length, rows: sample(rows), firedCount: 0, suppressedCount: 0, actions: [] });

  const alert = saved.alert;
  const suppressed = alert.throttle === undefined ? new Set<string>() : await deps.store.suppressedKeys(saved.name, started);
  const evaluation = evaluateAlert(alert, rows, suppressed);
  if (evaluation.status !== 'fired') {
    return finish({ status: evaluation.status, resultCount: rows.length, rows: sample(rows), firedCount: 0, suppressedCount: evaluation.suppressedCount, actions: [] });
  }
  // Suppress before acting, so a slow webhook cannot let the next run fire the same rows again.
  if (alert.throttle !== undefined && evaluation.keys.length > 0) await deps.store.suppress(saved.name, evaluation.keys, started + alert.throttle.periodSecs * 1000);
  const base = { search_name: saved.name, sid: id, trigger: formatTrigger(alert.trigger), trigger_time: formatTime(started / 1000), trigger_time_epoch: started / 1000, result_count: rows.length, earliest: saved.earliest, latest: saved.latest };
  const payloads = alert.trigger.type === 'per_result'
    ? evaluation.rows.slice(0, deps.limits.maxPerResultActions).map((row) => ({ ...base, result: row, results: [row] }))
    : [{ ...base, ...(evaluation.rows[0] === undefined ? {} : { result: evaluation.rows[0] }), results: evaluation.rows }];
  deps.onFired?.(saved.name, evaluation.rows);
  const outcomes: AlertActionOutcome[] = [];
  for (const payload of payloads) {
    const ran = await Promise.all(alert.actions.map((action) => runAction(action, payload, `Vigil alert: ${saved.name}`, deps.actions)));
    for (const outcome of ran) {
      if (!outcome.ok) deps.telemetry.emit('alert_action_failed', { type: outcome.type }, { search: saved.name, target: outcome.target, attempts: outcome.attempts, error: outcome.error });
    }
    outcomes.push(...ran);
  }
  return finish({ status: 'fired', resultCount: rows.length, rows: sample(evaluation.rows), firedCount: evaluation.rows.length, suppressedCount: evaluation.suppressedCount, actions: outcomes });
}

function epochSecs(ms: number): string {
  return String(ms / 1000);
}
