import { DueTimer, VigilError, type Clock, type Timer } from '../../core/index.js';
import type { AlertRun, Component, Notifier, SavedSearch, SavedSearchStore } from '../../model/index.js';
import type { Telemetry } from '../../telemetry/index.js';
import type { SearchRequest, SearchResult } from '../spl/execute.js';
import { runSavedSearch, type RunnerDeps, type RunnerLimits } from './alert-runner.js';
import { BUNDLED_SEARCHES, type BundledSearch } from './bundled-searches.js';
import { nextCronTime, parseCron } from './cron.js';
import { buildSavedSearch, type SavedSearchInput } from './validate.js';

export interface AlertEngineDeps {
  readonly store: SavedSearchStore;
  /** Runs SPL (the SIEM engine's search). */
  search(request: SearchRequest): Promise<SearchResult>;
  readonly notifier?: Notifier | undefined;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
  readonly options?: Partial<AlertEngineOptions> | undefined;
  /** Told the rows of each firing (after throttling): how playbooks hear alerts. A listener that throws is logged, never breaks the run. */
  readonly onFired?: ((search: string, rows: ReadonlyArray<Readonly<Record<string, string | readonly string[]>>>) => void) | undefined;
}

export interface AlertEngineOptions extends RunnerLimits {
  readonly webhookTimeoutMs: number;
  readonly webhookAttempts: number;
  readonly webhookRetryDelayMs: number;
  /** The bundled detection searches installed (disabled) on start. */
  readonly bundled: readonly BundledSearch[];
}

const DEFAULT_OPTIONS: AlertEngineOptions = {
  maxRows: 1000,
  sampleRows: 10,
  historyPerSearch: 200,
  maxPerResultActions: 100,
  webhookTimeoutMs: 10_000,
  webhookAttempts: 3,
  webhookRetryDelayMs: 1000,
  bundled: BUNDLED_SEARCHES,
};

/** Timers are re-armed at least this often, so a far cron never needs a timeout past 32 bits. */
const MAX_WAIT_MS = 3_600_000;

/**
 * Saved searches and their alerts: CRUD with validation, dispatch (run now), history, the bundled
 * detection searches, and a scheduler that runs each enabled search on its cron (UTC, on the injected
 * clock and timer). Runs are serialized: one search at a time, in due order.
 */
export class AlertEngine implements Component {
  readonly name = 'alerts';
  private readonly options: AlertEngineOptions;
  private readonly runner: RunnerDeps;
  private readonly abort = new AbortController();
  private readonly timer: DueTimer;
  private due = new Map<string, number>();
  private scheduled: SavedSearch[] = [];
  private started = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: AlertEngineDeps) {
    this.options = { ...DEFAULT_OPTIONS, ...deps.options };
    this.timer = new DueTimer(deps.timer, MAX_WAIT_MS, () => this.fire());
    this.runner = {
      store: deps.store,
      search: (request) => deps.search(request),
      clock: deps.clock,
      telemetry: deps.telemetry,
      limits: this.options,
      onFired: (search, rows) => {
        try {
          deps.onFired?.(search, rows);
        } catch (error) {
          deps.telemetry.emit('component_error', { component: 'alerts', code: 'saved_search.unavailable', stage: 'on_fired' }, { search, err: error });
        }
      },
      actions: { notifier: deps.notifier, timer: deps.timer, webhookTimeoutMs: this.options.webhookTimeoutMs, webhookAttempts: this.options.webhookAttempts, retryDelayMs: this.options.webhookRetryDelayMs, signal: this.abort.signal },
    };
  }

  async start(): Promise<void> {
    await this.installBundled();
    this.started = true;
    await this.arm();
  }

  /** Stops the schedule, abandons webhook retries and waits for the run in progress. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.timer.cancel();
    this.abort.abort(new VigilError('alert.stopped', 'alerts are stopping'));
    await this.queue.catch(() => undefined);
  }

  /** Installs each bundled search (disabled) unless it was installed before; returns the names installed now. */
  async installBundled(): Promise<string[]> {
    const installed: string[] = [];
    const now = this.deps.clock.now();
    for (const bundled of this.options.bundled) {
      const search = buildSavedSearch({ ...bundled, enabled: false }, undefined, now);
      if (await this.deps.store.installBundled({ ...search, bundled: true })) {
        installed.push(search.name);
        this.deps.telemetry.emit('saved_search_changed', { action: 'install' }, { name: search.name });
      }
    }
    return installed;
  }

  list(): Promise<SavedSearch[]> {
    return this.deps.store.list();
  }

  async get(name: string): Promise<SavedSearch> {
    const found = await this.deps.store.get(name);
    if (found === undefined) throw notFound(name);
    return found;
  }

  async create(input: SavedSearchInput): Promise<SavedSearch> {
    const search = buildSavedSearch(input, undefined, this.deps.clock.now());
    if (!(await this.deps.store.create(search))) throw new VigilError('saved_search.already_exists', `a saved search named ${search.name} already exists`, { hint: 'pick another name, or update it (PUT /api/v1/saved-searches/NAME)' });
    this.deps.telemetry.emit('saved_search_changed', { action: 'create' }, { name: search.name });
    await this.arm();
    return search;
  }

  /** Applies the given fields over the stored search (absent fields keep their value; `alert: null` removes the alert). */
  async update(name: string, input: SavedSearchInput): Promise<SavedSearch> {
    if (input.name !== undefined && input.name !== name) throw new VigilError('alert.invalid_saved_search', `invalid saved search ${name}: /name: a saved search cannot be renamed ("${input.name}")`, { hint: 'create a new one and delete this one' });
    const search = buildSavedSearch(input, await this.get(name), this.deps.clock.now());
    if (!(await this.deps.store.update(search))) throw notFound(name);
    this.deps.telemetry.emit('saved_search_changed', { action: 'update' }, { name });
    await this.arm();
    return search;
  }

  async setEnabled(name: string, enabled: boolean): Promise<SavedSearch> {
    const search = await this.update(name, { enabled });
    this.deps.telemetry.emit('saved_search_changed', { action: enabled ? 'enable' : 'disable' }, { name });
    return search;
  }

  async delete(name: string): Promise<void> {
    if (!(await this.deps.store.delete(name))) throw notFound(name);
    this.deps.telemetry.emit('saved_search_changed', { action: 'delete' }, { name });
    await this.arm();
  }

  /** Runs the search now (enabled or not), after any run in progress; resolves with its history entry. */
  async dispatch(name: string): Promise<AlertRun> {
    const search = await this.get(name);
    return this.enqueue(() => runSavedSearch(this.runner, search, 'dispatch'));
  }

  async history(name: string, limit = 50): Promise<AlertRun[]> {
    await this.get(name);
    return this.deps.store.listRuns(name, Math.max(1, Math.min(limit, this.options.historyPerSearch)));
  }

  /** When each enabled search runs next (epoch ms). */
  nextRuns(): ReadonlyMap<string, number> {
    return this.due;
  }

  /** Resolves once every run queued so far has finished. */
  async idle(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.catch(() => undefined).then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async arm(): Promise<void> {
    this.scheduled = (await this.deps.store.list()).filter((s) => s.enabled);
    this.armNow();
  }

  // Synchronous from the cached list, so a fake clock that jumps ahead fires the runs in order.
  private armNow(): void {
    this.timer.cancel();
    if (!this.started) return;
    const now = this.deps.clock.now();
    const due = new Map<string, number>();
    for (const search of this.scheduled) {
      const cron = parseCron(search.cron);
      const next = cron.ok ? nextCronTime(cron.value, now) : undefined;
      const pending = this.due.get(search.name);
      // A slot already due (its timer not yet run) still fires; otherwise the cron decides afresh (it may have changed).
      if (pending !== undefined && pending <= now) due.set(search.name, pending);
      else if (next !== undefined) due.set(search.name, next);
    }
    this.due = due;
    this.timer.arm(due.values(), now);
  }

  private fire(): void {
    const now = this.deps.clock.now();
    const ready = this.scheduled.flatMap((search) => {
      const slot = this.due.get(search.name);
      return slot !== undefined && slot <= now ? [{ search, slot }] : [];
    });
    // Missed slots (a long run, a suspended machine) are skipped: the next run is the next slot after now.
    for (const { search } of ready) this.due.delete(search.name);
    this.armNow();
    for (const { search, slot } of ready) {
      void this.enqueue(async () => {
        const current = await this.deps.store.get(search.name);
        if (current === undefined || !current.enabled || !this.started) return;
        await runSavedSearch(this.runner, current, 'schedule', slot);
      }).catch((error: unknown) => this.deps.telemetry.emit('component_error', { component: 'alerts', code: 'alert.run_failed', stage: 'schedule' }, { search: search.name, err: error }));
    }
  }
}

function notFound(name: string): VigilError {
  return new VigilError('saved_search.not_found', `no saved search ${name}`, { hint: 'list them with `vigil alert list`' });
}
