/** How an alert compares a search's number of results to its threshold. */
export type AlertComparator = '>' | '<' | '=' | '!=' | '>=' | '<=';

/** When an alert fires: once when the number of results compares true to `threshold`, or once per result row. */
export type AlertTrigger =
  | { readonly type: 'number_of_results'; readonly comparator: AlertComparator; readonly threshold: number }
  | { readonly type: 'per_result' };

/** What an alert does when it fires: publish to a Vigil notify topic, or POST JSON to a URL. */
export type AlertAction = { readonly type: 'topic'; readonly topic: string } | { readonly type: 'webhook'; readonly url: string };

/** Suppress repeats for `periodSecs` after a firing; with `fields`, per combination of those fields' values. */
export interface AlertThrottle {
  readonly periodSecs: number;
  readonly fields: readonly string[];
}

export interface AlertDefinition {
  readonly trigger: AlertTrigger;
  readonly actions: readonly AlertAction[];
  readonly throttle?: AlertThrottle | undefined;
}

/** A named SPL search run on a cron schedule (UTC), optionally with an alert on its results. */
export interface SavedSearch {
  readonly name: string;
  readonly description: string;
  readonly search: string;
  /** SPL time modifiers evaluated at run time (`-15m`, `now`, `-1d@d`). */
  readonly earliest: string;
  readonly latest: string;
  /** Five-field cron expression, evaluated in UTC. */
  readonly cron: string;
  readonly enabled: boolean;
  readonly alert?: AlertDefinition | undefined;
  /** Shipped with Vigil (bundled detection searches). */
  readonly bundled: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** fired: actions ran; not_fired: the trigger condition was false; throttled: true but every match was suppressed; failed: the search failed. */
export type AlertRunStatus = 'fired' | 'not_fired' | 'throttled' | 'failed';

export interface AlertActionOutcome {
  readonly type: AlertAction['type'];
  readonly target: string;
  readonly ok: boolean;
  readonly attempts: number;
  readonly error?: string | undefined;
}

/** One evaluation of a saved search (scheduled or dispatched), kept as alert history. */
export interface AlertRun {
  readonly id: string;
  readonly searchName: string;
  /** Epoch milliseconds when the run started (its trigger time). */
  readonly time: number;
  readonly cause: 'schedule' | 'dispatch';
  readonly status: AlertRunStatus;
  readonly resultCount: number;
  /** Rows that fired (after throttling); the first few only. */
  readonly rows: ReadonlyArray<Readonly<Record<string, string | readonly string[]>>>;
  readonly firedCount: number;
  readonly suppressedCount: number;
  readonly actions: readonly AlertActionOutcome[];
  readonly error?: { readonly code: string; readonly message: string } | undefined;
  readonly durationMs: number;
}

/** Storage port for saved searches, their alert history and throttle state. */
export interface SavedSearchStore {
  list(): Promise<SavedSearch[]>;
  get(name: string): Promise<SavedSearch | undefined>;
  /** False when the name exists. */
  create(search: SavedSearch): Promise<boolean>;
  /** False when the name does not exist. */
  update(search: SavedSearch): Promise<boolean>;
  /** Deletes the search, its history and its throttle state. */
  delete(name: string): Promise<boolean>;
  /** Creates a bundled search unless this name was installed once before (so a deleted one stays deleted). */
  installBundled(search: SavedSearch): Promise<boolean>;
  addRun(run: AlertRun, keep: number): Promise<void>;
  /** Newest first. */
  listRuns(name: string, limit: number): Promise<AlertRun[]>;
  /** Throttle keys of a search still suppressed at `now`. */
  suppressedKeys(name: string, now: number): Promise<Set<string>>;
  suppress(name: string, keys: readonly string[], until: number): Promise<void>;
}
