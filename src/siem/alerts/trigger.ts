import { VigilError, err, ok, type Result } from '../../core/index.js';
import type { AlertComparator, AlertDefinition, AlertRunStatus, AlertTrigger } from '../../model/index.js';
import type { ResultRow } from '../spl/execute.js';

export const COMPARATORS: readonly AlertComparator[] = ['>', '<', '=', '!=', '>=', '<='];

const TRIGGER_TEXT = /^\s*(?:results|number of results|count)\s*(>=|<=|!=|==|=|>|<)\s*(\d+)\s*$/i;

/** Parses the CLI's trigger text: `results>0`, `results >= 10`, `number of results != 3`, or `per-result`. */
export function parseTrigger(text: string): Result<AlertTrigger> {
  if (/^\s*per[-_ ]result\s*$/i.test(text)) return ok({ type: 'per_result' });
  const match = TRIGGER_TEXT.exec(text);
  if (match === null) {
    return err(new VigilError('alert.invalid_trigger', `trigger "${text}" is not understood`, { hint: 'write "results>0" (any of > < = != >= <= and a whole number) or "per-result"' }));
  }
  const comparator = (match[1] === '==' ? '=' : match[1]) as AlertComparator;
  return ok({ type: 'number_of_results', comparator, threshold: Number(match[2]) });
}

export function formatTrigger(trigger: AlertTrigger): string {
  return trigger.type === 'per_result' ? 'per-result' : `results${trigger.comparator}${trigger.threshold}`;
}

export function compare(count: number, comparator: AlertComparator, threshold: number): boolean {
  switch (comparator) {
    case '>':
      return count > threshold;
    case '<':
      return count < threshold;
    case '=':
      return count === threshold;
    case '!=':
      return count !== threshold;
    case '>=':
      return count >= threshold;
    case '<=':
      return count <= threshold;
  }
}

/** The throttle key of a row: `*` without throttle fields (the whole alert), else the fields' values. */
export function throttleKey(row: ResultRow, fields: readonly string[]): string {
  if (fields.length === 0) return '*';
  return JSON.stringify(fields.map((f) => row[f] ?? null));
}

export interface AlertEvaluation {
  readonly status: Exclude<AlertRunStatus, 'failed'>;
  /** The rows the actions get (all rows, or those whose throttle key is not suppressed). */
  readonly rows: readonly ResultRow[];
  /** Matching rows left out because their key is suppressed. */
  readonly suppressedCount: number;
  /** Keys to suppress for the throttle period after firing. */
  readonly keys: readonly string[];
}

/**
 * Decides whether an alert fires on a search's rows, given the throttle keys still suppressed.
 * `number_of_results` compares the row count; with throttle fields the rows whose key is suppressed
 * are removed first, so the same rows do not fire twice. `per_result` fires for every row not suppressed.
 */
export function evaluateAlert(alert: AlertDefinition, rows: readonly ResultRow[], suppressed: ReadonlySet<string>): AlertEvaluation {
  const fields = alert.throttle?.fields ?? [];
  const throttled = alert.throttle !== undefined && alert.throttle.periodSecs > 0;
  const keyed = rows.map((row) => ({ row, key: throttleKey(row, fields) }));
  const open = throttled ? keyed.filter((k) => !suppressed.has(k.key)) : keyed;
  const keysOf = (list: typeof keyed): string[] => (throttled ? [...new Set(list.map((k) => k.key))] : []);
  if (alert.trigger.type === 'per_result') {
    if (rows.length === 0) return { status: 'not_fired', rows: [], suppressedCount: 0, keys: [] };
    if (open.length === 0) return { status: 'throttled', rows: [], suppressedCount: rows.length, keys: [] };
    return { status: 'fired', rows: open.map((k) => k.row), suppressedCount: rows.length - open.length, keys: keysOf(open) };
  }
  const { comparator, threshold } = alert.trigger;
  if (!compare(rows.length, comparator, threshold)) return { status: 'not_fired', rows: [], suppressedCount: 0, keys: [] };
  if (!throttled) return { status: 'fired', rows, suppressedCount: 0, keys: [] };
  if (fields.length === 0) {
    if (suppressed.has('*')) return { status: 'throttled', rows: [], suppressedCount: rows.length, keys: [] };
    return { status: 'fired', rows, suppressedCount: 0, keys: ['*'] };
  }
  if (!compare(open.length, comparator, threshold)) return { status: 'throttled', rows: [], suppressedCount: rows.length - open.length, keys: [] };
  return { status: 'fired', rows: open.map((k) => k.row), suppressedCount: rows.length - open.length, keys: keysOf(open) };
}
