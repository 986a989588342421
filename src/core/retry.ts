import { backoffDelay, type BackoffPolicy } from './backoff.js';
import type { Timer } from './clock.js';

/**
 * An HTTP status worth retrying: a server error, a timeout (408) or throttling (429). Any other 4xx
 * is the peer refusing the request, and sending it again cannot help.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** What one attempt came to: a value, or an error that says whether another attempt may help. */
export type Attempt<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E; readonly retryable: boolean };

export interface RetryOptions<E> {
  readonly timer: Timer;
  readonly backoff: BackoffPolicy;
  /** For the backoff's jitter (default Math.random). */
  readonly random?: () => number;
  /** Aborting stops the retries: no attempt starts after it, and a wait is cut short. */
  readonly signal?: AbortSignal | undefined;
  /** At most this many attempts, the first included. */
  readonly maxAttempts?: number;
  /** A time budget instead: how long retries may still take after this failure (ms); 0 or less stops. */
  readonly timeLeftMs?: (error: E) => number;
  /** Before each wait for a next attempt. */
  readonly onRetry?: (attempt: number, error: E) => void;
}

/**
 * How the retries ended: a value, or the last error and why there is no next attempt: `permanent`
 * (the error said retrying cannot help), `exhausted` (attempts or time spent), `aborted` (the signal
 * was aborted when the attempt failed) or `stopped` (aborted while waiting for the next attempt).
 */
export type RetryOutcome<T, E> =
  | { readonly ok: true; readonly value: T; readonly attempts: number }
  | { readonly ok: false; readonly error: E; readonly attempts: number; readonly reason: 'permanent' | 'exhausted' | 'aborted' | 'stopped' };

/** Runs `attempt` until it succeeds, with backoff between attempts, within the options' budget. */
export async function retry<T, E>(attempt: (n: number) => Promise<Attempt<T, E>>, options: RetryOptions<E>): Promise<RetryOutcome<T, E>> {
  for (let n = 1; ; n++) {
    const result = await attempt(n);
    if (result.ok) return { ok: true, value: result.value, attempts: n };
    const failed = (reason: 'permanent' | 'exhausted' | 'aborted' | 'stopped'): RetryOutcome<T, E> => ({ ok: false, error: result.error, attempts: n, reason });
    if (options.signal?.aborted === true) return failed('aborted');
    if (!result.retryable) return failed('permanent');
    if (options.maxAttempts !== undefined && n >= options.maxAttempts) return failed('exhausted');
    const left = options.timeLeftMs?.(result.error) ?? Number.POSITIVE_INFINITY;
    if (left <= 0) return failed('exhausted');
    options.onRetry?.(n, result.error);
    try {
      await options.timer.sleep(Math.min(backoffDelay(n, options.backoff, options.random), left), options.signal);
    } catch {
      return failed('stopped');
    }
  }
}
